"""Password hashing (argon2id) and the password policy."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from survey_engine.errors import PasswordPolicyError
from survey_engine.services import common_passwords
from survey_engine.text import Text

MIN_LENGTH = 12
# Hashing a very long password costs the server time; nobody needs more than this.
MAX_LENGTH = 256

# argon2-cffi's defaults follow RFC 9106's second recommended profile (argon2id,
# 64 MiB, 3 passes). One hasher for the process: it holds only parameters.
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash (with its own random salt and parameters) of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches; False for a mismatch or an unusable hash."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones, so a
    successful login should store a fresh hash."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


# A hash of a random string, verified when a login names an unknown user, so that the
# answer takes about as long as for a known user with a wrong password.
_DUMMY_HASH: str | None = None


def verify_dummy(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        import secrets

        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    verify_password(_DUMMY_HASH, password)


def check_policy(password: str, username: str = "") -> None:
    """Raise PasswordPolicyError with a clear Swedish/English sentence if `password`
    may not be used. Length is what matters most (NIST SP 800-63B); no composition
    rules, which mostly make people write passwords down."""
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(
            Text(f"Lösenordet är för kort ({len(password)} tecken): det ska ha minst {MIN_LENGTH} tecken. "
            "En fras av flera ord är lätt att minnas.",
            f"The password is too short ({len(password)} characters): it needs at least "
            f"{MIN_LENGTH}. A phrase of several words is easy to remember."),
        )
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(
            Text(f"Lösenordet är för långt: högst {MAX_LENGTH} tecken.",
            f"The password is too long: at most {MAX_LENGTH} characters."),
        )
    if not password.strip():
        raise PasswordPolicyError(
            Text("Lösenordet får inte bestå av bara blanksteg.",
            "The password must not be only spaces."),
        )
    if username and password.strip().casefold() == username.strip().casefold():
        raise PasswordPolicyError(
            Text("Lösenordet får inte vara detsamma som användarnamnet.",
            "The password must not be the same as the username."),
        )
    if username and _without_decoration(password) == username.strip().casefold():
        raise PasswordPolicyError(
            Text("Lösenordet får inte bygga på användarnamnet.",
            "The password must not be built on the username."),
        )
    if common_passwords.is_common(password):
        raise PasswordPolicyError(
            Text("Lösenordet är ett av de vanligaste lösenorden och gissas först; välj en fras av flera ord.",
            "The password is one of the most common ones and is guessed first; choose a phrase of several words."),
        )
    if len(set(password)) < 4:
        raise PasswordPolicyError(
            Text("Lösenordet upprepar för få olika tecken; välj en fras med flera ord.",
            "The password repeats too few different characters; choose a phrase of several words."),
        )


def _without_decoration(password: str) -> str:
    """`password` case-folded, without digits, punctuation and spaces around it."""
    folded = password.strip().casefold()
    match = common_passwords._DECORATION.match(folded)
    return match.group(1) if match else folded
