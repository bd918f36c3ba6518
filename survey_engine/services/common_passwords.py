"""The lists of common passwords that the password policy refuses (docs/security.md,
"Lösenord"); the files and their licences are described in services/data/README.md."""
from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# Digits, punctuation and spaces added around a common word ("Sommar2024!") do not make
# it much harder to guess: guessing tools try exactly those variants first.
_DECORATION = re.compile(r"^[\d\W_]*(.*?)[\d\W_]*$", re.UNICODE)
# A stem shorter than this stripped of its decoration is not judged by the lists
# ("ab" + 10 digits is refused by nothing here; the length rule decides).
_MIN_STEM = 4


@functools.cache
def common_passwords() -> frozenset[str]:
    """Every listed password, case-folded."""
    words: set[str] = set()
    with gzip.open(DATA / "common-passwords.txt.gz", "rt", encoding="utf-8") as handle:
        words.update(line.strip().casefold() for line in handle)
    for line in (DATA / "common-passwords-sv.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.add(line.strip().casefold())
    words.discard("")
    return frozenset(words)


def is_common(password: str) -> bool:
    """True when `password` is on a list, or is a listed word with only digits,
    punctuation or spaces before or after it; case does not matter."""
    folded = password.strip().casefold()
    words = common_passwords()
    if folded in words or folded.replace(" ", "") in words:
        return True
    stem = _DECORATION.match(folded)
    core = stem.group(1) if stem else folded
    return len(core) >= _MIN_STEM and core in words
