"""Auth tests hash with cheap argon2 parameters: the production ones cost about half a
second per hash on a busy machine, and the throttling tests hash dozens of times. The
production parameters are checked once in test_auth_passwords.py."""
import pytest
from argon2 import PasswordHasher

from survey_engine.services import passwords


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(passwords, "_DUMMY_HASH", None)
