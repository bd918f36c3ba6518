"""Auth tests hash with cheap argon2 parameters (helpers/auth.py); the throttling tests
hash dozens of times. The production parameters are checked once in test_auth_passwords.py."""
import pytest

from tests.helpers.auth import cheap_password_hashing


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    cheap_password_hashing(monkeypatch)
