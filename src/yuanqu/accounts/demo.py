"""The accounts' part of the demo city: one user per role, with a fixed password that the demo prints."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from yuanqu.accounts.models import User
from yuanqu.core.access import Role
from yuanqu.zones.models import Zone

DEMO_PASSWORD = "yuanqu-demo"


@dataclass(frozen=True)
class DemoUser:
    """A demo login: user name, role and what it may see."""

    username: str
    role: str
    scope: str

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@functools.lru_cache(maxsize=4)
def _hashed(password: str) -> str:
    # One slow hash for all five users (and every rebuild in the same process): the password is public.
    return make_password(password)


def demo_zone():
    """The zone the demo's zone users belong to: the national ETDZ, else the first top-level zone."""
    top = Zone.objects.filter(parent__isnull=True)
    return top.filter(code="G321061").first() or top.order_by("code", "name").first()


def create_demo_users(*, zone=None, password: str = DEMO_PASSWORD) -> list[DemoUser]:
    """Create (or reset) the five demo users and return them; zone users belong to `zone`."""
    zone = zone or demo_zone()
    zone_name = zone.name if zone else ""
    wanted = [
        ("admin", Role.CITY_ADMIN, True, "全部园区，用户管理，后台 / every zone, users, Django admin"),
        ("analyst", Role.CITY_ANALYST, False, "全部园区（只读）/ every zone, read-only"),
        ("zone_admin", Role.ZONE_ADMIN, False, f"{zone_name}及其分园 / and its sub-parks"),
        ("zone_staff", Role.ZONE_STAFF, False, f"{zone_name}及其分园 / and its sub-parks"),
        ("leader", Role.LEADER, False, "全部园区（只读，驾驶舱）/ every zone, read-only dashboard"),
    ]
    users = []
    for username, role, staff, scope in wanted:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.is_active = True
        user.is_staff = user.is_superuser = staff
        user.password = _hashed(password)
        user.save()
        if role in (Role.ZONE_ADMIN, Role.ZONE_STAFF) and zone is not None:
            user.zones.set([zone])
        else:
            user.zones.clear()
        users.append(DemoUser(username=username, role=str(role), scope=scope))
    return users


def build_users(city) -> None:
    """The demo users, the zone users in the national ETDZ."""
    city.summary.users = create_demo_users(zone=city.shared["zones"]["etdz"])
