"""Factory for tests and benchmarks: a user with a role and zones."""

from __future__ import annotations

from yuanqu.accounts.models import User
from yuanqu.core.access import Role

PASSWORD = "yuanqu-test-pw"


def make_user(username: str, role: str = Role.ZONE_STAFF, zones=(), **fields) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **fields)
    if zones:
        user.zones.set(zones)
    return user
