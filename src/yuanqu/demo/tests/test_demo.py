"""The demo city generator, the init/demo/serve commands and the progress reporter."""

import datetime as dt
import hashlib
import io
import statistics
from dataclasses import replace
from decimal import Decimal

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum.cn import uscc as stdnum_uscc

from yuanqu.accounts.demo import DEMO_PASSWORD
from yuanqu.accounts.models import User
from yuanqu.analytics import geo
from yuanqu.chains.models import TargetFirm
from yuanqu.core.access import visible_zone_ids
from yuanqu.core.demo import split
from yuanqu.core.management.commands.serve import parse_addr
from yuanqu.core.models import ChangeLogEntry
from yuanqu.core.progress import Progress, summary
from yuanqu.demo.builder import build_demo_city
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.projects.models import Agreement, Project, StageDeadline, StageEvent
from yuanqu.ranking.models import PeerZone
from yuanqu.service.models import ServiceRequest
from yuanqu.targets.models import Target, Task
from yuanqu.workdays.models import CalendarYear
from yuanqu.zones.demo import ZONES
from yuanqu.zones.models import Zone

SMALL = {"enterprises": 120, "parcels": 150, "years": 3}
YEAR = dt.timedelta(days=365)


def fingerprint() -> str:
    """A hash of everything the seed decides: codes, names, polygons, dates and figures."""
    digest = hashlib.sha256()
    for zone in Zone.objects.order_by("code"):
        digest.update(repr((zone.code, zone.name, zone.level, zone.kind, bytes(zone.boundary))).encode())
    for p in Parcel.objects.select_related("zone").order_by("zone__code", "code"):
        digest.update(bytes(p.geometry))
        digest.update(
            repr(
                (p.zone.code, p.code, p.land_use, p.area_mu, p.approved_on, p.supplied_on, p.agreed_start_on,
                 p.started_on, p.completed_on, p.halted_since, p.delay_cause, p.developed_area_mu,
                 p.total_investment, p.invested, p.built_floor_area_m2, p.footprint_m2, p.land_price)
            ).encode()
        )  # fmt: skip
    for e in Enterprise.objects.select_related("zone").order_by("uscc"):
        digest.update(repr((e.uscc, e.name, e.zone.code, e.industry_code, e.status, e.production_started_on)).encode())
    for land in EnterpriseLand.objects.select_related("enterprise", "parcel").order_by(
        "enterprise__uscc", "parcel__code"
    ):
        digest.update(repr((land.enterprise.uscc, land.parcel.code, land.tenure, land.area_mu, land.start_on)).encode())
    fields = ["enterprise__uscc", "year", "above_scale", "land_mu", "tax", "revenue", "industrial_output",
              "value_added", "energy_tce", "electricity", "emissions", "rd_spending", "employees", "high_tech",
              "incident"]  # fmt: skip
    for row in EnterpriseYear.objects.order_by("enterprise__uscc", "year").values_list(*fields):
        digest.update(repr(row).encode())
    fields = ["name", "zone__code", "investor", "investor_origin", "industry_code", "total_investment",
              "fixed_asset_investment", "foreign_investment", "land_mu", "lead_source", "is_top500",
              "is_china_top100_private", "is_regional_hq", "leader", "agent", "parcel__code", "enterprise__uscc",
              "stage", "dropped_reason"]  # fmt: skip
    for row in Project.objects.order_by("zone__code", "name", "investor").values_list(*fields):
        digest.update(repr(row).encode())
    fields = ["project__zone__code", "project__name", "from_stage", "to_stage", "on", "reason"]
    for row in StageEvent.objects.order_by("project__zone__code", "project__name", "on", "pk").values_list(*fields):
        digest.update(repr(row).encode())
    fields = ["project__zone__code", "project__name", "signed_on", "total_investment", "intensity", "land_mu",
              "start_by", "production_by", "output_per_mu", "tax_per_mu"]  # fmt: skip
    for row in Agreement.objects.order_by("project__zone__code", "project__name").values_list(*fields):
        digest.update(repr(row).encode())
    for row in Target.objects.order_by("zone__code", "year", "indicator").values_list("zone__code", "year", "value"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def wipe() -> None:
    Task.objects.all().delete()  # city-level tasks belong to no zone
    Project.objects.all().delete()  # its events and agreement go with it; zones protect their projects
    ServiceRequest.objects.all().delete()  # a request protects its enterprise
    TargetFirm.objects.all().delete()  # a target firm protects its zone
    EnterpriseYear.objects.all().delete()
    EnterpriseLand.objects.all().delete()
    Enterprise.objects.all().delete()
    Parcel.objects.all().delete()
    Zone.objects.filter(parent__isnull=False).delete()
    Zone.objects.all().delete()  # their reported figures go with them
    PeerZone.objects.all().delete()
    User.objects.all().delete()
    ChangeLogEntry.objects.all().delete()  # last: deleting the rest logged entries too


@pytest.fixture
def small_city(db):
    return build_demo_city(seed=7, **SMALL)


def test_same_seed_builds_an_identical_city(db):
    build_demo_city(seed=7, **SMALL)
    first = fingerprint()
    wipe()
    build_demo_city(seed=7, **SMALL)
    assert fingerprint() == first
    assert Project.objects.count() == 30 and StageEvent.objects.count() > 90


def test_another_seed_builds_another_city(db):
    build_demo_city(seed=7, **SMALL)
    first = fingerprint()
    first_codes = set(Enterprise.objects.values_list("uscc", flat=True))
    wipe()
    build_demo_city(seed=8, **SMALL)
    assert fingerprint() != first
    assert set(Enterprise.objects.values_list("uscc", flat=True)) != first_codes


def test_summary_counts_what_was_built(small_city):
    assert (small_city.zones, small_city.sub_parks) == (4, 9)
    assert small_city.enterprises == Enterprise.objects.count() == 120
    assert small_city.parcels == Parcel.objects.count() == 150
    assert small_city.enterprise_years == EnterpriseYear.objects.count()
    assert small_city.projects == Project.objects.count() == 30
    assert small_city.line().startswith("demo city: 4 zones, 9 sub-parks, 120 enterprises, 150 parcels, 30 projects, ")
    assert set(EnterpriseYear.objects.values_list("year", flat=True)) == {2023, 2024, 2025}


def test_demo_leaves_two_published_huaian_runs(small_city):
    from yuanqu.evaluation.models import EvaluationRun
    from yuanqu.evaluation.selectors import migration_matrix

    assert small_city.evaluation_runs == 2
    earlier, later = EvaluationRun.objects.order_by("year")
    assert [(r.year, r.status, r.method.preset) for r in (earlier, later)] == [
        (2024, "published", "huaian-2024"),
        (2025, "published", "huaian-2024"),
    ]
    # Huai'an quotas 20/40/35/5 % per group; 2025 has more D than 5 % because incidents veto to D.
    assert (earlier.enterprise_count, earlier.grade_counts(), earlier.count_other) == (
        100,
        {"A": 12, "B": 24, "C": 21, "D": 3, "T": 15},
        25,
    )
    assert (later.enterprise_count, later.grade_counts(), later.count_other) == (
        103,
        {"A": 12, "B": 24, "C": 21, "D": 6, "T": 14},
        26,
    )
    matrix = migration_matrix(earlier=earlier, later=later, user=None)
    assert matrix["both"] == 98  # enterprises evaluated in both years (two of 2024 have no 2025 figures)


def test_every_credit_code_is_valid_and_from_the_city(small_city):
    codes = list(Enterprise.objects.values_list("uscc", flat=True))
    assert len(set(codes)) == len(codes) == 120
    for code in codes:
        assert stdnum_uscc.is_valid(code), code
        assert code.startswith("913205")


def test_enterprise_names_and_industries_look_real(small_city):
    names = list(Enterprise.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)
    assert all(name.endswith("有限公司") for name in names)
    divisions = list(Enterprise.objects.values_list("industry_division", flat=True))
    manufacturing = [d for d in divisions if "13" <= d <= "43"]
    assert len(manufacturing) / len(divisions) > 0.75
    assert statistics.mode(manufacturing) == "39"


def test_parcels_do_not_overlap_and_have_realistic_areas(small_city):
    parcels = list(Parcel.objects.all())
    shapes = [shapely.from_wkb(bytes(p.geometry)) for p in parcels]
    assert all(s.is_valid and s.geom_type == "Polygon" for s in shapes)
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    pairs = left < right
    overlaps = shapely.area(shapely.intersection([shapes[i] for i in left[pairs]], [shapes[j] for j in right[pairs]]))
    assert overlaps.max(initial=0.0) < 0.01  # neighbours touch along shared edges only
    for parcel, shape in zip(parcels, shapes, strict=True):
        assert parcel.source_srid == 4549
        assert 9.0 <= float(parcel.area_mu) <= 330.0
        assert float(parcel.area_mu) == pytest.approx(geo.area_mu(shape, 4549), abs=1e-4)
        assert 119.5 < parcel.min_lon < parcel.max_lon < 120.6
        assert 31.0 < parcel.min_lat < parcel.max_lat < 31.7
    minx, miny, maxx, maxy = shapely.total_bounds(shapes)
    assert 470_000 < minx < maxx < 550_000 and 3_440_000 < miny < maxy < 3_500_000


def test_zones_of_four_kinds_with_sub_parks_around_their_parcels(small_city):
    top = list(Zone.objects.filter(parent__isnull=True))
    assert len(top) == 4
    assert {(z.level, z.kind) for z in top} == {
        ("national", "etdz"),
        ("national", "htz"),
        ("provincial", "provincial_dz"),
        ("other", "industrial_cluster"),
    }
    etdz = Zone.objects.get(kind="etdz", parent__isnull=True)
    assert etdz.code == "G321061" and etdz.approved_area_ha == Decimal("1050.00")
    assert etdz.leading_industries.startswith("电子信息")
    assert Zone.objects.get(level="provincial", parent__isnull=True).code.startswith("S32")
    for zone in top:
        if zone.kind != "industrial_cluster":
            assert zone.children.count() >= 2
    assert Zone.objects.filter(parent__isnull=False).count() == 9
    for parcel in Parcel.objects.select_related("zone")[:40]:
        outline = shapely.from_wkb(bytes(parcel.zone.boundary))
        assert outline.contains(shapely.from_wkb(bytes(parcel.geometry_lonlat)).centroid)


def test_a_city_given_more_zones_lays_parcels_and_firms_out_in_each_of_them(db):
    # The province benchmark builds the city with the zones of thirteen cities; here one more zone elsewhere.
    nanjing = replace(
        ZONES[0],
        key="3201-01",
        code="G3201001",
        name="南京经济技术开发区",
        short_name="南京经开区",
        region="320102",
        share=0.5,
        standard_factory_share=0.25,
    )
    specs = (*ZONES, nanjing)
    summary_ = build_demo_city(seed=7, enterprises=200, parcels=300, years=2, zones=specs)
    zone = Zone.objects.get(code="G3201001", parent=None)
    assert summary_.zones == 5 and summary_.sub_parks == 9
    parcels = Parcel.objects.filter(zone=zone)
    assert parcels.count() == split(300, [spec.share for spec in specs], 2)[-1] == 93
    outline = shapely.from_wkb(bytes(zone.boundary))
    assert all(outline.contains(shapely.from_wkb(bytes(p.geometry_lonlat)).centroid) for p in parcels)
    firms = Enterprise.objects.filter(zone=zone)
    assert firms.filter(name="南京经开区标准厂房建设发展有限公司").count() == 1
    assert firms.filter(name__startswith="南京").exists()
    assert all(uscc[2:8] == "320102" for uscc in firms.values_list("uscc", flat=True))
    assert Project.objects.filter(zone=zone).exists()


def test_tax_per_mu_is_realistic_with_a_long_tail(db):
    build_demo_city(seed=7, enterprises=400, parcels=600, years=2)
    rows = list(EnterpriseYear.objects.filter(year=2025))
    per_mu = sorted(float(r.tax / r.land_mu) for r in rows)
    assert 10 <= statistics.median(per_mu) <= 40
    assert per_mu[0] < 2 and per_mu[-1] > 100
    above = sum(r.above_scale for r in rows) / len(rows)
    assert 0.45 <= above <= 0.8
    assert all(r.above_scale == (r.revenue >= 2000) for r in rows)
    for r in rows:
        assert Decimal("0.199") * r.industrial_output <= r.value_added <= Decimal("0.301") * r.industrial_output
        assert r.rd_spending <= Decimal("0.0601") * r.revenue
    assert any(r.emissions is None for r in rows)
    assert 0.03 < sum(r.high_tech for r in rows) / len(rows) < 0.25


def test_some_enterprises_rent_land_and_some_small_firms_use_under_3_mu(small_city):
    rented = EnterpriseLand.objects.filter(tenure="rented")
    assert rented.count() >= 20
    assert EnterpriseLand.objects.filter(tenure="own").count() >= 40
    assert EnterpriseYear.objects.filter(land_mu__lt=3, above_scale=False).exists()
    # What is rented out of a parcel never exceeds the parcel.
    for parcel in Parcel.objects.filter(enterprise_uses__tenure="rented").distinct():
        used = sum(u.area_mu for u in parcel.enterprise_uses.filter(tenure="rented"))
        assert used <= parcel.area_mu


def test_some_enterprises_lack_early_years_and_some_started_production_recently(small_city):
    first_years = [
        min(e.years.values_list("year", flat=True)) for e in Enterprise.objects.filter(years__isnull=False).distinct()
    ]
    assert 2023 in first_years and 2025 in first_years
    recent = small_city.as_of - 2 * YEAR
    assert Enterprise.objects.filter(production_started_on__gt=recent).exists()


def test_parcels_cover_every_land_situation(small_city):
    as_of = small_city.as_of
    year_ago = as_of - YEAR
    industrial = Parcel.objects.filter(land_use__in=["industrial", "warehouse"])
    assert industrial.filter(approved_on__isnull=False, supplied_on__isnull=True).exists()
    assert industrial.filter(supplied_on__isnull=False, started_on__isnull=True, agreed_start_on__gt=year_ago).exists()
    idle = industrial.filter(started_on__isnull=True, agreed_start_on__lt=year_ago)
    assert idle.filter(delay_cause="government").exists() and idle.filter(delay_cause="holder").exists()
    halted = [p for p in industrial.filter(halted_since__lt=year_ago, completed_on__isnull=True)]
    assert halted
    for p in halted:
        assert p.developed_area_mu < p.area_mu / 3 or p.invested < p.total_investment / 4
    completed = [p for p in industrial.filter(completed_on__isnull=False)]
    ratios = [float(p.built_floor_area_m2) / (float(p.area_mu) * geo.SQ_M_PER_MU) for p in completed]
    assert any(r < 0.5 for r in ratios)
    assert sum(0.6 <= r <= 2.5 for r in ratios) > len(ratios) / 2
    for p in completed:
        assert p.approved_on < p.supplied_on < p.started_on < p.completed_on <= as_of
        assert 150 <= p.total_investment / p.area_mu <= 900
        assert p.land_price > 0


def test_demo_users_log_in_with_their_roles(small_city, client):
    users = {u.username: u for u in User.objects.all()}
    assert {name: u.role for name, u in users.items()} == {
        "admin": "city_admin",
        "analyst": "city_analyst",
        "zone_admin": "zone_admin",
        "zone_staff": "zone_staff",
        "leader": "leader",
    }
    etdz = Zone.objects.get(code="G321061")
    assert list(users["zone_staff"].zones.all()) == [etdz]
    assert visible_zone_ids(users["zone_admin"]) == {etdz.pk, *etdz.children.values_list("pk", flat=True)}
    assert users["admin"].is_superuser
    for name in users:
        assert client.login(username=name, password=DEMO_PASSWORD), name
        client.logout()


def test_bulk_writes_are_in_the_change_log_unless_skipped(db):
    build_demo_city(seed=3, enterprises=40, parcels=60, years=1)
    entries = ChangeLogEntry.objects.filter(content_type__model="enterprise")
    assert entries.count() == 40
    assert ChangeLogEntry.objects.filter(content_type__model="project").count() == Project.objects.count() == 30
    assert ChangeLogEntry.objects.filter(content_type__model="stageevent").count() == StageEvent.objects.count()
    assert set(entries.values_list("source", "action").distinct()) == {("cli", "create")}
    wipe()
    summary_ = build_demo_city(seed=3, enterprises=40, parcels=60, years=1, log=False)
    assert not ChangeLogEntry.objects.filter(content_type__model="enterprise").exists()
    assert summary_.line().endswith("(change log skipped: --no-log)")
    assert not ChangeLogEntry.objects.filter(content_type__model__in=["project", "stageevent"]).exists()


def test_demo_command_prints_the_users_and_summary_and_no_address_it_does_not_serve(db):
    out = io.StringIO()
    call_command("demo", "--no-serve", "--enterprises", "60", "--parcels", "80", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "http://" not in text and f"demo users  密码 / password: {DEMO_PASSWORD}" in text
    for name in ("admin", "analyst", "zone_admin", "zone_staff", "leader"):
        assert f"\n  {name} " in text
    last = text.strip().splitlines()[-1]
    assert last.startswith("demo city: 4 zones, 9 sub-parks, 60 enterprises, 80 parcels, 30 projects, ")
    assert last.endswith(" s")

    again = io.StringIO()
    call_command("demo", "--no-serve", stdout=again, stderr=io.StringIO())
    assert "already holds 13 zones" in again.getvalue()
    assert Enterprise.objects.count() == 60


@pytest.mark.django_db(transaction=True)  # flush truncates: PostgreSQL refuses that mid-transaction
def test_demo_command_reset_rebuilds_from_scratch():
    build_demo_city(seed=1, enterprises=50, parcels=70, years=1)
    out = io.StringIO()
    call_command("demo", "--no-serve", "--reset", "--enterprises", "30", "--parcels", "45", stdout=out)
    assert "reset: every table emptied" in out.getvalue()
    assert (Enterprise.objects.count(), Parcel.objects.count(), Zone.objects.count()) == (30, 45, 13)
    assert User.objects.count() == 5
    # The flush emptied the calendar and deadline rules of the migration: the demo seeds them again.
    assert StageDeadline.objects.filter(from_stage="signed", to_stage="started").exists()
    assert CalendarYear.objects.filter(published=True).exists()
    assert Project.objects.count() == 30


def test_demo_command_leaves_a_database_with_other_data_alone(zone_a, city_admin):
    with pytest.raises(CommandError, match="not the demo city"):
        call_command("demo", "--no-serve", stdout=io.StringIO())
    assert not User.objects.filter(username="admin").exists()
    assert Enterprise.objects.count() == 0


def test_demo_command_refuses_bad_numbers(db):
    with pytest.raises(CommandError, match="--enterprises"):
        call_command("demo", "--no-serve", "--enterprises", "0", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--projects"):
        call_command("demo", "--no-serve", "--projects", "-1", stdout=io.StringIO())


def test_demo_command_builds_the_projects_asked_for(db):
    out = io.StringIO()
    call_command("demo", "--no-serve", "--enterprises", "40", "--parcels", "60", "--projects", "45", stdout=out)
    assert ", 45 projects, " in out.getvalue().strip().splitlines()[-1]
    assert Project.objects.count() == 45


def test_init_is_idempotent(db):
    out = io.StringIO()
    call_command("init", stdout=out)
    call_command("init", stdout=out)
    assert out.getvalue().count("database: up to date") == 2


def test_serve_parses_addresses_and_calls_waitress(db, monkeypatch):
    assert parse_addr("0.0.0.0:9000") == ("0.0.0.0", 9000)
    assert parse_addr("8080") == ("127.0.0.1", 8080)
    assert parse_addr("[::1]:8000") == ("::1", 8000)
    for bad in ("localhost", "host:99999", ":80", "[::1]"):
        with pytest.raises(CommandError, match="HOST:PORT"):
            parse_addr(bad)
    calls = []
    monkeypatch.setattr("waitress.serve", lambda app, **kw: calls.append(kw))
    out = io.StringIO()
    call_command("serve", "--addr", "127.0.0.1:8765", "--threads", "2", stdout=out)
    assert calls == [{"host": "127.0.0.1", "port": 8765, "threads": 2, "ident": "yuanqu"}]
    assert "http://127.0.0.1:8765/" in out.getvalue()


def test_progress_writes_a_line_per_tenth_and_a_closing_line():
    stream = io.StringIO()
    with Progress("导入 / importing", total=1000, stream=stream) as p:
        for _ in range(100):
            p.advance(10)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "导入 / importing: 100/1,000 (10%)"
    assert len(lines) == 10  # nine tenths on the way, then the closing line
    assert lines[-1].startswith("导入 / importing: 1,000/1,000 (100%) in ")
    out = io.StringIO()
    assert summary("imported 3 rows", stream=out) == "imported 3 rows"
    assert out.getvalue() == "imported 3 rows\n"


def test_every_zone_has_a_signed_letter_and_forty_tasks_in_every_state(small_city):
    from yuanqu.targets.models import ResponsibilityLetter
    from yuanqu.targets.selectors import GREEN, RED, letter_progress, task_rows

    as_of = dt.date(2026, 6, 30)
    tops = Zone.objects.filter(parent__isnull=True)
    letters = ResponsibilityLetter.objects.filter(year=2026)
    assert sorted(letters.values_list("zone_id", flat=True)) == sorted(tops.values_list("pk", flat=True))
    assert not Target.objects.filter(letter__isnull=True).exists()
    colours = {row["colour"] for letter in letters for row in letter_progress(letter, user=None, as_of=as_of)}
    assert {GREEN, RED} <= colours
    assert Task.objects.count() == 40
    assert set(Task.objects.values_list("state", flat=True)) == {s.value for s in Task.State}
    rows = task_rows(Task.objects.all(), as_of=as_of)
    assert any(r["light"] == RED and not r["closed"] for r in rows)
    assert Task.objects.filter(zone__isnull=True).exists()


def test_the_demo_ranking_warns_a_platform_zone_and_no_peer(small_city):
    """Eight zones in the national group, so the 'twice in the last five' rule has a group it applies to: the
    city's national zones, mid-table among the neighbours' larger ones, fill the warning's column."""
    from yuanqu.ranking.models import ZoneEvaluationResult

    last = ZoneEvaluationResult.objects.filter(run__year=2025)
    assert last.filter(group="national").count() == 8
    warned = set(last.exclude(warning="").values_list("zone__code", "peer_id", "warning"))
    assert warned and all(code is not None and peer is None for code, peer, _ in warned)
    assert "downgrade" in {warning for _, _, warning in warned} <= {"downgrade", "delisting"}
