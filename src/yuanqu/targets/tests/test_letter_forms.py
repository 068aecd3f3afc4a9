"""Letters and their lines written through the pages: a zone's editor creates its letter, adds a measured and a
reported line with a scoring rule, edits and deletes them; nobody writes into another zone's letter; bad input
is named on the form and writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.accounts.models import Role
from yuanqu.accounts.testing import make_user
from yuanqu.core.models import ChangeLogEntry
from yuanqu.targets.models import ResponsibilityLetter, Target

pytestmark = pytest.mark.django_db

LINE = {
    "indicator": "signed_count",
    "name": "",
    "value": "12",
    "unit": "个",
    "leader": "李主任",
    "responsible_unit": "招商局",
    "order": "1",
    "points": "10",
    "above_step": "0.5",
    "above_per": "1",
    "above_cap": "2",
    "below_step": "1",
    "below_per": "1",
    "below_basis": "unit",
    "below_cap": "5",
}


def test_a_zone_admin_creates_its_letter_and_its_lines(client, admin_a, zone_a):
    client.force_login(admin_a)
    assert 'id="letter-create"' in client.get("/supervision/").content.decode()
    response = client.post(
        "/supervision/letters/new/", {"zone": zone_a.pk, "year": 2026, "signed_by": "王书记", "signed_on": "2026-02-01"}
    )
    letter = ResponsibilityLetter.objects.get(zone=zone_a, year=2026)
    assert response.status_code == 302 and response["Location"] == f"/supervision/letters/{letter.pk}/"
    assert (letter.signed_by, letter.signed_on) == ("王书记", dt.date(2026, 2, 1))

    assert client.post(f"/supervision/letters/{letter.pk}/lines/new/", LINE).status_code == 302
    reported = {**LINE, "indicator": "", "name": "营商环境评价", "value": "90", "unit": "分", "order": "2"}
    assert client.post(f"/supervision/letters/{letter.pk}/lines/new/", reported).status_code == 302
    measured, named = Target.objects.filter(letter=letter).order_by("order")
    assert (measured.zone, measured.year, measured.indicator, measured.value) == (zone_a, 2026, "signed_count", 12)
    assert (measured.points, measured.above_step, measured.above_cap, measured.below_cap) == (10, Decimal("0.5"), 2, 5)
    assert (named.indicator, named.name, named.is_reported) == ("", "营商环境评价", True)
    page = client.get(f"/supervision/letters/{letter.pk}/").content.decode()
    assert "营商环境评价" in page and f"/supervision/lines/{measured.pk}/edit/" in page

    edited = {**LINE, "value": "15"}
    assert client.post(f"/supervision/lines/{measured.pk}/edit/", edited).status_code == 302
    measured.refresh_from_db()
    assert measured.value == 15
    assert client.post(f"/supervision/lines/{named.pk}/delete/").status_code == 302
    assert list(Target.objects.filter(letter=letter)) == [measured]
    logged = ChangeLogEntry.objects.filter(username="admin_a").values_list("action", flat=True)
    assert sorted(set(logged)) == ["create", "delete", "update"]


def test_bad_lines_are_named_on_the_form_and_write_nothing(client, admin_a, zone_a):
    letter = ResponsibilityLetter.objects.create(zone=zone_a, year=2026)
    client.force_login(admin_a)
    cases = {
        "no name for a reported line": ({**LINE, "indicator": ""}, "未选指标的目标须填写指标名称"),
        "an indicator nobody measures": ({**LINE, "indicator": "made_up"}, "made_up"),
        "a value that is not a number": ({**LINE, "value": "十二"}, "has-error"),
    }
    for case, (data, named) in cases.items():
        response = client.post(f"/supervision/letters/{letter.pk}/lines/new/", data)
        assert response.status_code == 400, case
        assert '<span class="error">' in response.content.decode() and named in response.content.decode(), case
    assert client.post(f"/supervision/letters/{letter.pk}/lines/new/", LINE).status_code == 302
    again = client.post(f"/supervision/letters/{letter.pk}/lines/new/", LINE)  # the same indicator twice
    assert again.status_code == 400 and Target.objects.filter(letter=letter).count() == 1
    twice = client.post("/supervision/letters/new/", {"zone": zone_a.pk, "year": 2026})
    assert twice.status_code == 400 and ResponsibilityLetter.objects.count() == 1
    assert client.post("/supervision/letters/new/", {"zone": zone_a.pk, "year": 1900}).status_code == 400


def test_nobody_writes_into_another_zones_letter(client, zone_a, zone_b):
    admin_b = make_user("admin_b", Role.ZONE_ADMIN, zones=[zone_b])
    leader = make_user("leader_a", Role.LEADER, zones=[zone_a])
    letter = ResponsibilityLetter.objects.create(zone=zone_a, year=2026)
    line = Target.objects.create(letter=letter, zone=zone_a, year=2026, indicator="signed_count", value=5)
    client.force_login(admin_b)
    assert client.get(f"/supervision/letters/{letter.pk}/edit/").status_code == 404
    assert client.post(f"/supervision/letters/{letter.pk}/lines/new/", LINE).status_code == 404
    assert client.post(f"/supervision/lines/{line.pk}/edit/", {**LINE, "value": "1"}).status_code == 404
    assert client.post(f"/supervision/lines/{line.pk}/delete/").status_code == 404
    response = client.post("/supervision/letters/new/", {"zone": zone_a.pk, "year": 2027})
    assert response.status_code == 400 and not ResponsibilityLetter.objects.filter(year=2027).exists()
    client.force_login(leader)  # a leader reads the letter but does not write it
    assert 'id="line-create"' not in client.get(f"/supervision/letters/{letter.pk}/").content.decode()
    assert client.post(f"/supervision/lines/{line.pk}/delete/").status_code == 403
    line.refresh_from_db()
    assert line.value == 5
