"""The land ledger service: statuses through the database, totals, changes over time, and the rules in force."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yuanqu.analytics.land_status import LandRules
from yuanqu.core.models import ChangeLogEntry
from yuanqu.land.models import LandRuleSet
from yuanqu.land.services import save_rules
from yuanqu.land.status import changes_by_year, current_rules, land_statuses, status_totals, totals_table
from yuanqu.land.tests.conftest import AS_OF


def by_code(frame) -> dict[str, dict]:
    return {row["code"]: row for row in frame.iter_rows(named=True)}


def test_statuses_of_the_fixture_as_of_366_days_past_the_agreed_start(land_world, user_a):
    rows = by_code(land_statuses(user=user_a, as_of=AS_OF))
    assert {code: row["status"] for code, row in rows.items()} == {
        "甲-XZ-001": "idle",
        "甲-ZF-002": "supplied_unused",
        "甲-YJ-003": "underused",
        "甲-PH-004": "revitalised",
    }
    idle = rows["甲-XZ-001"]
    assert idle["status_since"] == dt.date(2025, 3, 2)
    assert idle["idle_fee_line"] == dt.date(2025, 3, 2)
    assert idle["recovery_line"] == dt.date(2026, 3, 2)
    assert idle["idle_fee"] == pytest.approx(200.0)
    assert "2025-03-02 起闲置" in idle["reason_zh"]
    assert "因政府原因延迟，不认定为闲置" in rows["甲-ZF-002"]["reason_zh"]
    assert rows["甲-YJ-003"]["plot_ratio"] == pytest.approx(0.8)
    assert rows["甲-YJ-003"]["tax_per_mu"] == pytest.approx(20.0)
    assert rows["甲-YJ-003"]["industry_division"] == "39"
    assert rows["甲-PH-004"]["status_since"] == dt.date(2024, 11, 20)


def test_one_day_earlier_the_parcel_is_not_yet_idle(land_world, user_a):
    rows = by_code(land_statuses(user=user_a, as_of=dt.date(2025, 3, 1)))
    assert rows["甲-XZ-001"]["status"] == "supplied_unused"


def test_totals_per_status_count_only_the_users_zone(land_world, user_a, city_admin):
    totals = {
        row["status"]: (row["parcels"], round(row["area_mu"], 2))
        for row in totals_table(land_statuses(user=user_a, as_of=AS_OF))
    }
    assert totals == {
        "supplied_unused": (1, 15.0),
        "idle": (1, 15.0),
        "underused": (1, 15.0),
        "revitalised": (1, 15.0),
    }
    everything = status_totals(land_statuses(user=city_admin, as_of=AS_OF), by=["status"])
    assert dict(zip(everything["status"], everything["parcels"], strict=True))["idle"] == 2


def test_zone_filter_keeps_only_that_zone(land_world, city_admin, zone_b):
    frame = land_statuses(user=city_admin, as_of=AS_OF, zone_ids=[zone_b.pk])
    assert frame["code"].to_list() == ["乙-XZ-001"]


def test_changes_by_year_count_revitalised_and_newly_idle_mu_in_their_year(land_world, user_a):
    changes = {row["year"]: row for row in changes_by_year(user=user_a, as_of=dt.date(2025, 6, 30), years=3)}
    assert sorted(changes) == [2023, 2024, 2025]
    assert changes[2024]["revitalised_mu"] == pytest.approx(15.0)
    assert changes[2024]["newly_idle_mu"] == 0
    assert changes[2025]["newly_idle_mu"] == pytest.approx(15.0)
    assert changes[2025]["newly_idle_parcels"] == 1
    assert changes[2025]["revitalised_mu"] == 0


def test_without_stored_rules_the_defaults_are_in_force(db):
    assert current_rules() == LandRules()


def test_saved_rules_are_in_force_and_change_logged(land_world, user_a, city_admin):
    save_rules(rules={"idle_after_years": 2, "idle_fee_after_years": 2, "recovery_after_years": 3}, user=city_admin)
    assert current_rules().idle_after_years == 2
    assert LandRuleSet.objects.count() == 1
    rows = by_code(land_statuses(user=user_a, as_of=AS_OF))
    assert rows["甲-XZ-001"]["status"] == "supplied_unused"
    save_rules(rules={"building_coverage_min": 0.35}, user=city_admin)
    assert LandRuleSet.objects.count() == 1
    assert current_rules().idle_after_years == 1
    entries = ChangeLogEntry.objects.filter(content_type__model="landruleset")
    assert [e.action for e in entries.order_by("pk")] == ["create", "update"]


def test_invalid_rules_are_refused_with_every_problem(city_admin):
    with pytest.raises(ValidationError) as caught:
        save_rules(rules={"idle_fee_share": 2, "nonsense": 1}, user=city_admin)
    assert "nonsense" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        save_rules(rules={"idle_fee_share": 2}, user=city_admin)
    assert "idle_fee_share" in str(caught.value)
    assert LandRuleSet.objects.count() == 0


def test_only_a_city_administrator_changes_the_rules(admin_a):
    with pytest.raises(PermissionDenied):
        save_rules(rules={}, user=admin_a)


def test_a_long_list_of_ids_filters_like_a_short_one(land_world, user_a, monkeypatch):
    from yuanqu.core import queries
    from yuanqu.land.models import Parcel

    ids = [land_world.idle.pk, land_world.underused.pk]
    short = list(queries.filter_by_ids(Parcel.objects.order_by("pk"), ids).values_list("code", flat=True))
    monkeypatch.setattr(queries, "IDS_INLINE_MAX", 1)
    long = list(queries.filter_by_ids(Parcel.objects.order_by("pk"), ids).values_list("code", flat=True))
    assert short == long == ["甲-XZ-001", "甲-YJ-003"]


def test_idle_land_disposed_of_counts_parcels_idle_at_the_years_start_and_no_longer_idle(land_world, user_a, user_b):
    from yuanqu.core import registry
    from yuanqu.land.models import Parcel
    from yuanqu.land.status import idle_disposed_mu

    zone = land_world.idle.zone
    assert idle_disposed_mu(user=user_a, zone=zone, year=2026, as_of=dt.date(2026, 6, 30)) == 0
    Parcel.objects.filter(pk=land_world.idle.pk).update(started_on=dt.date(2026, 4, 1))
    assert idle_disposed_mu(user=user_a, zone=zone, year=2026, as_of=dt.date(2026, 3, 31)) == 0
    assert idle_disposed_mu(user=user_a, zone=zone, year=2026, as_of=dt.date(2026, 6, 30)) == pytest.approx(15.0)
    assert idle_disposed_mu(user=user_a, zone=zone, year=2027, as_of=dt.date(2026, 6, 30)) is None
    assert idle_disposed_mu(user=user_b, zone=zone, year=2026, as_of=dt.date(2026, 6, 30)) == 0
    assert registry.resolve(registry.measures.get("idle_disposed_mu").measure) is idle_disposed_mu
