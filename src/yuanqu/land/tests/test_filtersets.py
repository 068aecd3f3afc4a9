"""One filterset serves the parcel list and the parcel API: the same parameters find the same parcels in both."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from yuanqu.accounts.services import api_token
from yuanqu.land.testing import make_parcel
from yuanqu.zones.testing import make_zone


@pytest.fixture
def ledger(zone_a, zone_b):
    sub = make_zone("甲园区分园", code="A001-1", parent=zone_a)
    make_parcel(zone_a, "A-IND-01", land_use="industrial")
    make_parcel(zone_a, "A-COM-02", land_use="commercial")
    make_parcel(sub, "S-IND-03", land_use="industrial")
    make_parcel(zone_b, "B-IND-04", land_use="industrial")
    return sub


def page_codes(client, query: dict) -> list[str]:
    html = client.get("/land/parcels/", query).content.decode()
    return re.findall(r'<td class="code"><a href="/land/parcels/\d+/">([^<]+)</a>', html)


def api_codes(user, query: dict) -> list[str]:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user=user)}")
    response = api.get("/api/parcels/", query)
    assert response.status_code == 200, response.content
    return sorted(parcel["code"] for parcel in response.json()["results"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["A-COM-02", "A-IND-01", "S-IND-03"]),
        ({"zone": "A"}, ["A-COM-02", "A-IND-01", "S-IND-03"]),  # the zone with its sub-park
        ({"zone": "SUB"}, ["S-IND-03"]),
        ({"land_use": "industrial"}, ["A-IND-01", "S-IND-03"]),
        ({"q": "ind"}, ["A-IND-01", "S-IND-03"]),
        ({"q": "com", "land_use": "commercial"}, ["A-COM-02"]),
        ({"zone": "A", "land_use": "industrial", "q": "S-"}, ["S-IND-03"]),
    ],
)
def test_page_and_api_filter_alike(client, user_a, zone_a, ledger, query, expected):
    query = {**query}
    if "zone" in query:
        query["zone"] = zone_a.pk if query["zone"] == "A" else ledger.pk
    client.force_login(user_a)
    assert sorted(page_codes(client, query)) == expected
    assert api_codes(user_a, query) == expected


def test_another_zone_is_refused_on_the_page_and_empty_in_the_api(client, user_a, zone_b, ledger):
    client.force_login(user_a)
    response = client.get("/land/parcels/", {"zone": zone_b.pk})
    assert response.status_code == 400
    assert "不存在或无权查看的园区" in response.content.decode()
    assert api_codes(user_a, {"zone": zone_b.pk}) == []
