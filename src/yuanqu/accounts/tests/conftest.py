"""Fixtures of the accounts tests."""

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real password hashing costs a third of a second per user; these tests check rules, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
