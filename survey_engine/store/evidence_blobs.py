"""Evidence files kept in a folder (SURVEY_ENGINE_EVIDENCE_DIR; docs/evidence.md, "Storage").

A file is written whole or not at all: the bytes go to a temporary file in the same
folder, are flushed to disk, and the temporary file is then renamed to its final name
(a rename within one folder is atomic). The final name is a random key, never the
uploaded name, so nothing a user sends chooses a path. The database row that points
to the file is written after the file; if that fails, the caller removes the file
(`remove`), so a row never points to a missing file and a failed upload leaves nothing.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

_KEY = re.compile(r"^[a-f0-9]{32}$")
_SHARD = re.compile(r"^[a-f0-9]{2}$")
_TMP = re.compile(r"^\.tmp-[a-f0-9]{32}-[a-f0-9]{8}$")


class BlobError(Exception):
    """The evidence folder cannot be used (missing, not writable, a bad key)."""


def new_key() -> str:
    return secrets.token_hex(16)


def _path(folder: Path, key: str) -> Path:
    if not _KEY.match(key or ""):
        raise BlobError(f"bad evidence key {key!r}")
    return folder / key[:2] / key


def write(folder: Path, key: str, data: bytes) -> None:
    """Store `data` under `key`: temporary file, fsync, rename (atomic)."""
    target = _path(folder, key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".tmp-{key}-{secrets.token_hex(4)}"
        try:
            with open(tmp, "xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        finally:
            if tmp.exists():
                tmp.unlink()
    except OSError as exc:
        raise BlobError(f"{folder}: {exc.strerror or exc}") from exc


def read(folder: Path, key: str) -> bytes:
    try:
        return _path(folder, key).read_bytes()
    except OSError as exc:
        raise BlobError(f"{folder}: {exc.strerror or exc}") from exc


def remove(folder: Path, key: str) -> bool:
    """Remove the file of `key`; False when it was not there."""
    try:
        _path(folder, key).unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise BlobError(f"{folder}: {exc.strerror or exc}") from exc


def sweep(folder: Path, keep: set[str], older_than: float) -> tuple[int, list[str]]:
    """Remove the files of this folder that no row refers to any more: every file named
    like a key (`ab/ab12…`) that is not in `keep`, and left-over temporary files, in
    both cases only when last changed before `older_than` (a Unix time), so that a
    file written meanwhile is never touched. Anything else in the folder (not named as
    this module names its files) is left alone. Returns (number removed, the files
    that could not be removed)."""
    removed, failed = 0, []
    try:
        shards = [d for d in folder.iterdir() if _SHARD.match(d.name) and d.is_dir() and not d.is_symlink()]
    except FileNotFoundError:
        return 0, []
    except OSError as exc:
        raise BlobError(f"{folder}: {exc.strerror or exc}") from exc
    for shard in shards:
        try:
            entries = list(shard.iterdir())
        except OSError as exc:
            failed.append(f"{shard}: {exc.strerror or exc}")
            continue
        for path in entries:
            ours = (_KEY.match(path.name) and path.name[:2] == shard.name and path.name not in keep) or _TMP.match(path.name)
            if not ours:
                continue
            try:
                if path.is_symlink() or not path.is_file() or path.stat().st_mtime >= older_than:
                    continue
                path.unlink()
                removed += 1
            except FileNotFoundError:
                continue
            except OSError as exc:
                failed.append(f"{path}: {exc.strerror or exc}")
    return removed, failed
