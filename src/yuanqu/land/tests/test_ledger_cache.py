"""The ledger reads the parcels once per page and the status filter's ids are cached until the data change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from yuanqu.land import status
from yuanqu.land.services import save_parcel
from yuanqu.land.tests.conftest import AS_OF


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_ledger_page_reads_the_parcels_once(client, user_a, land_world, monkeypatch):
    calls = []
    original = status.parcel_frame
    monkeypatch.setattr(status, "parcel_frame", lambda **kwargs: calls.append(kwargs) or original(**kwargs))
    client.force_login(user_a)
    response = client.get("/land/ledger/", {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    assert len(calls) == 1  # the statuses and the ten years of changes share one frame


def test_status_ids_are_cached_until_a_parcel_changes(user_a, admin_a, land_world, monkeypatch):
    idle = status.ids_with_status(user=user_a, status="idle", as_of=AS_OF)
    assert idle == [land_world.idle.pk]
    original = status.land_statuses
    monkeypatch.setattr(status, "land_statuses", lambda **kwargs: pytest.fail("classified again"))
    assert status.ids_with_status(user=user_a, status="idle", as_of=AS_OF) == idle
    monkeypatch.setattr(status, "land_statuses", original)
    land_world.idle.started_on = dt.date(2024, 6, 1)
    save_parcel(parcel=land_world.idle, user=admin_a)
    assert status.ids_with_status(user=user_a, status="idle", as_of=AS_OF) == []
