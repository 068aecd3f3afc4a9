"""Bulk writes (yuanqu.core.bulk): COPY on PostgreSQL, one prepared statement elsewhere; the same rows either way."""

import datetime as dt
from decimal import Decimal

import pytest
import shapely
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from yuanqu.core.bulk import copy_rows, insert_objects
from yuanqu.core.models import ChangeLogEntry
from yuanqu.core.queries import keep_statistics, raw_frame
from yuanqu.land.models import Parcel
from yuanqu.land.services import set_geometry
from yuanqu.zones.models import Zone

pytestmark = pytest.mark.django_db


def test_insert_objects_numbers_rows_and_takes_related_ids():
    zone = Zone(name="批量园区")  # unsaved: its id is picked up once it has one, as bulk_create does
    insert_objects([zone])
    assert zone.pk is not None and Zone.objects.get(pk=zone.pk).name == "批量园区"
    parcels = []
    for k in range(3):
        parcel = Parcel(
            zone=zone, code=f"320591001001GB0000{k}", land_use="industrial", approved_on=dt.date(2020, 1, k + 1)
        )
        set_geometry(parcel, shapely.box(120.5, 31.3 + k * 0.01, 120.502, 31.302 + k * 0.01), 4490)
        parcels.append(parcel)
    insert_objects(parcels)
    ids = [p.pk for p in parcels]
    assert len(set(ids)) == 3 and all(not p._state.adding for p in parcels)
    stored = {p.pk: p for p in Parcel.objects.filter(pk__in=ids)}
    for parcel in parcels:
        again = stored[parcel.pk]
        assert (again.zone_id, again.code, again.approved_on) == (zone.pk, parcel.code, parcel.approved_on)
        assert bytes(again.geometry_lonlat) == bytes(parcel.geometry_lonlat)
        assert again.area_mu == parcel.area_mu and again.area_mu > Decimal(0)
        assert again.created is not None  # auto_now_add filled in as by a save
    # The table's own numbering goes on after the inserted rows.
    later = Parcel.objects.create(zone=zone, code="320591001001GB00099", land_use="industrial")
    assert later.pk > max(ids)


def test_copy_rows_writes_json_text_into_a_json_column():
    zone = Zone.objects.create(name="甲园区")
    kind = ContentType.objects.get_for_model(Zone)
    now = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
    columns = ["time", "username", "source", "action", "content_type_id", "object_id", "object_repr", "zone_id"]
    columns += ["before", "after", "changed_fields"]
    row = (
        now,
        "批量",
        "cli",
        "update",
        kind.pk,
        str(zone.pk),
        "甲园区",
        zone.pk,
        '{"name": "乙"}',
        '{"name": "甲"}',
        '["name"]',
    )
    copy_rows(ChangeLogEntry._meta.db_table, columns, [row])
    entry = ChangeLogEntry.objects.get(username="批量")
    assert (entry.before, entry.after, entry.changed_fields) == ({"name": "乙"}, {"name": "甲"}, ["name"])
    assert entry.time == now and entry.zone_id == zone.pk, connection.vendor


def test_planner_statistics_refreshed_when_a_table_outgrows_them():
    def add(n: int, start: int) -> int:
        Zone.objects.bulk_create([Zone(name=f"统计园区{k}") for k in range(start, start + n)])
        return n

    assert keep_statistics(Zone, add(30, 0)) is True  # never taken: taken now
    assert keep_statistics(Zone, 1) is False  # they know of the 30 rows
    assert keep_statistics(Zone, add(40, 30)) is True  # more than doubled since


def test_raw_frame_reads_what_the_orm_reads():
    import polars as pl
    from django.db.models import FloatField
    from django.db.models.functions import Cast

    from yuanqu.enterprises.models import Enterprise

    zone = Zone.objects.create(
        name='园区,"甲"\n二期', code="", approved_on=dt.date(2001, 2, 3), approved_area_ha=Decimal("12.5")
    )
    other = Zone.objects.create(name="乙园区", code="S320001", short_name="乙")
    Enterprise.objects.create(name="甲公司", uscc="91320591MA1XXXXX0X", zone=zone, key_enterprise=True)
    zones = (
        Zone.objects.filter(pk__in=[zone.pk, other.pk])
        .order_by("pk")
        .values_list("pk", "name", "code", "short_name", "approved_on", Cast("approved_area_ha", FloatField()))
    )
    schema = {
        "pk": pl.Int64,
        "name": pl.String,
        "code": pl.String,
        "short": pl.String,
        "approved_on": pl.Date,
        "ha": pl.Float64,
    }
    frame = raw_frame(zones, schema)
    assert frame.rows() == [
        (zone.pk, '园区,"甲"\n二期', "", "", dt.date(2001, 2, 3), 12.5),  # an empty text stays empty, not null
        (other.pk, "乙园区", "S320001", "乙", None, None),
    ]
    flags = raw_frame(
        Enterprise.objects.values_list("pk", "key_enterprise", "chain_leader"),
        {"pk": pl.Int64, "key": pl.Boolean, "leader": pl.Boolean},
    )
    assert flags.select("key", "leader").rows() == [(True, False)]
    assert raw_frame(Zone.objects.filter(pk__in=[]).values_list("pk"), {"pk": pl.Int64}).height == 0
    assert raw_frame(Zone.objects.filter(name="无").values_list("pk"), {"pk": pl.Int64}).height == 0
