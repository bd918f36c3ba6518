"""argon2 hashing and the password policy."""
import pytest
from argon2 import PasswordHasher

from survey_engine.services import passwords
from survey_engine.errors import PasswordPolicyError

GOOD = "korrekt häst batteri"


def test_hash_is_argon2id_salted_and_not_the_password():
    h1 = passwords.hash_password(GOOD)
    h2 = passwords.hash_password(GOOD)
    assert h1.startswith("$argon2id$")
    assert GOOD not in h1
    assert h1 != h2  # a fresh salt every time


def test_verify():
    h = passwords.hash_password(GOOD)
    assert passwords.verify_password(h, GOOD)
    assert not passwords.verify_password(h, GOOD + "x")
    assert not passwords.verify_password("", GOOD)
    assert not passwords.verify_password("not a hash", GOOD)


def test_weaker_hashes_need_rehash():
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(GOOD)
    assert passwords.verify_password(weak, GOOD)
    assert passwords.needs_rehash(weak)
    assert not passwords.needs_rehash(passwords.hash_password(GOOD))
    assert passwords.needs_rehash("garbage")


@pytest.mark.parametrize(
    "password,sv,en",
    [
        ("kort", "för kort (4 tecken)", "at least 12"),
        ("x" * 11, "minst 12", "too short (11"),
        ("a" * 300, "för långt", "too long"),
        (" " * 14, "blanksteg", "only spaces"),
        ("administrator", "samma som användarnamnet", "same as the username"),
        ("abababababababab", "för få olika tecken", "too few different"),
    ],
)
def test_policy_refuses_with_clear_messages(password, sv, en):
    with pytest.raises(PasswordPolicyError) as info:
        passwords.check_policy(password, username="Administrator")
    assert sv in info.value.text.sv
    assert en in info.value.text.en


def test_policy_accepts_a_long_phrase():
    passwords.check_policy(GOOD, username="anna")
    passwords.check_policy("x" * 6 + "yzw1" + "!!", username="anna")  # exactly 12


PRODUCTION_HASHER = passwords._hasher  # captured at import, before the cheap test hasher


def test_production_parameters_are_strong():
    # RFC 9106's second recommended profile: argon2id, 64 MiB, 3 passes.
    assert PRODUCTION_HASHER.type.name == "ID"
    assert PRODUCTION_HASHER.memory_cost >= 64 * 1024
    assert PRODUCTION_HASHER.time_cost >= 3
