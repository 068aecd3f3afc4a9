"""The calendar in the admin: every staff user reads it, only a city administrator changes it, and the change is
logged under the workdays app."""

from __future__ import annotations

import datetime as dt

import pytest

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.core.models import ChangeLogEntry
from yuanqu.workdays.models import CalendarDay

pytestmark = pytest.mark.django_db


def test_staff_read_the_calendar_and_only_a_city_administrator_changes_it(client, zone_a, city_admin):
    day = CalendarDay.objects.get(date=dt.date(2025, 10, 1))
    client.force_login(make_user("staff_admin_a", Role.ZONE_ADMIN, zones=[zone_a], is_staff=True))
    assert client.get("/admin/workdays/calendarday/").status_code == 200
    assert client.get("/admin/workdays/calendarday/add/").status_code == 403
    client.post(f"/admin/workdays/calendarday/{day.pk}/change/", {"date": "2025-10-01", "kind": "workday"})
    assert CalendarDay.objects.get(pk=day.pk).kind == "holiday"

    client.force_login(city_admin)
    changed = client.post(
        f"/admin/workdays/calendarday/{day.pk}/change/", {"date": "2025-10-01", "kind": "holiday", "name": "国庆假期"}
    )
    assert changed.status_code == 302
    entry = ChangeLogEntry.objects.get(content_type__model="calendarday", action="update")
    assert (entry.content_type.app_label, entry.username, entry.after["name"]) == ("workdays", "city", "国庆假期")
