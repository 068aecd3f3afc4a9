"""The demo city's investment projects: stages, timelines, links, sizes, alerts, compliance and targets."""

import collections
import datetime as dt
import itertools
import statistics

import pytest

from yuanqu.accounts.models import User
from yuanqu.demo.builder import build_demo_city
from yuanqu.land.models import EnterpriseLand
from yuanqu.projects import selectors
from yuanqu.projects import services as project_services
from yuanqu.projects.alerts import project_alerts
from yuanqu.projects.demo import DOMESTIC, project_count
from yuanqu.projects.models import Project, Stage, StageEvent, stage_rank
from yuanqu.projects.services import advance_stage, save_project
from yuanqu.targets.models import Target
from yuanqu.targets.selectors import target_progress
from yuanqu.zones.models import Zone

SMALL = {"enterprises": 120, "parcels": 150, "years": 3}
AS_OF = dt.date(2026, 6, 30)  # the generator's reference date for last_year 2025


@pytest.fixture
def small_city(db):
    return build_demo_city(seed=7, **SMALL)


@pytest.fixture
def admin(small_city):
    return User.objects.get(username="admin")


def test_project_count_follows_the_enterprises_within_bounds():
    assert project_count(2000) == 286
    assert project_count(120) == 30  # enough for every stage
    assert project_count(100_000) == 600


def test_every_stage_and_every_top_level_zone_has_projects(small_city):
    projects = list(Project.objects.select_related("zone", "zone__parent"))
    assert len(projects) == 30
    assert {p.stage for p in projects} == set(Stage.values)
    tops = {(p.zone.parent or p.zone).code for p in projects}
    assert tops == {"G321061", "G322031", "S321285", "JZQ320585001"}
    for p in Project.objects.filter(stage=Stage.DROPPED):
        assert p.dropped_reason


def test_stage_events_are_dated_in_order_and_follow_the_stage_rules(small_city):
    events = collections.defaultdict(list)
    for event in StageEvent.objects.order_by("project_id", "on", "recorded_at", "pk"):
        events[event.project_id].append(event)
    for project in Project.objects.all():
        timeline = events[project.pk]
        assert timeline[0].from_stage == "" and timeline[0].to_stage == Stage.LEAD
        assert timeline[-1].to_stage == project.stage
        for before, after in itertools.pairwise(timeline):
            assert before.on <= after.on <= AS_OF
            assert after.from_stage == before.to_stage
            back = stage_rank(after.to_stage) is not None and stage_rank(after.to_stage) < stage_rank(before.to_stage)
            if back or after.to_stage == Stage.DROPPED:
                assert after.reason
        assert [e.recorded_by.username for e in timeline] == ["admin"] * len(timeline)


def test_demo_timelines_replay_through_advance_stage(admin, monkeypatch):
    monkeypatch.setattr(project_services.timezone, "localdate", lambda: dt.date(2030, 1, 1))
    replayed = 0
    for source in Project.objects.select_related("zone").order_by("pk"):
        events = list(source.events.order_by("on", "recorded_at", "pk"))
        copy = Project(
            zone=source.zone,
            name=f"{source.name}（复核）",
            industry_code=source.industry_code,
            investor=source.investor,
            lead_source=source.lead_source,
            contact_verified=True,  # the lead screening, so that the copy may leave "lead"
            investor_capacity="adequate",
        )
        save_project(project=copy, user=admin, on=events[0].on)
        for event in events[1:]:
            # The copy is a near-duplicate of its source by design: confirmed as not one.
            advance_stage(
                project=copy, to_stage=event.to_stage, on=event.on, user=admin, reason=event.reason, not_duplicate=True
            )
        assert copy.stage == source.stage
        replayed += 1
    assert replayed == 30


def test_linked_projects_take_their_dates_from_the_parcel_and_enterprise(small_city):
    linked = list(Project.objects.filter(parcel__isnull=False).select_related("parcel", "enterprise"))
    assert linked
    for project in linked:
        parcel = project.parcel
        assert parcel.zone_id == project.zone_id
        assert stage_rank(project.stage) >= stage_rank(Stage.LAND_SUPPLIED)
        assert project.events.get(to_stage=Stage.LAND_SUPPLIED).on == parcel.supplied_on
        if stage_rank(project.stage) >= stage_rank(Stage.STARTED):
            assert project.events.get(to_stage=Stage.STARTED).on == parcel.started_on
        assert EnterpriseLand.objects.filter(enterprise=project.enterprise, parcel=parcel).exists()
        assert project.land_mu == parcel.area_mu
    for project in Project.objects.exclude(stage__in=[Stage.DROPPED]).filter(enterprise__isnull=False):
        assert stage_rank(project.stage) >= stage_rank(Stage.REGISTERED)


def test_overdue_deadlines_and_broken_promises_show_now_and_later(admin):
    for today in (AS_OF, dt.date(2026, 11, 20), dt.date(2029, 3, 1)):
        overdue = selectors.overdue_deadlines(user=admin, today=today)
        assert overdue, today
        assert all(a.status.rule.days == 60 and a.status.days_overdue > 0 for a in overdue)
        assert all(a.project.leader and a.project.agent for a in overdue)
        kinds = {a.kind for a in project_alerts(user=admin, today=today)}
        assert {"deadline", "agreement"} <= kinds, today
        verdicts = collections.Counter(
            result.verdict
            for p in Project.objects.filter(agreement__isnull=False)
            if (result := selectors.project_compliance(p, today=today)) is not None
        )
        assert verdicts["breached"] >= 1, today
    verdicts = collections.Counter(
        selectors.project_compliance(p, today=AS_OF).verdict
        for p in Project.objects.filter(agreement__isnull=False).exclude(stage=Stage.DROPPED)
    )
    assert verdicts["on_track"] >= 1 and verdicts["breached"] >= 1


def test_investment_is_long_tailed_with_investors_from_home_and_abroad(db):
    build_demo_city(seed=11, enterprises=300, parcels=450, years=1, projects=300)
    projects = list(Project.objects.select_related("zone"))
    assert len(projects) == 300
    totals = [float(p.total_investment) for p in projects]
    assert sum(5_000 <= t <= 50_000 for t in totals) / len(totals) > 0.6
    assert sum(t >= 100_000 for t in totals) >= 8
    assert sum(t >= 200_000 for t in totals) >= 3
    assert sum(t >= 1_000_000 for t in totals) == 1
    assert 8_000 < statistics.median(totals) < 30_000
    origins = {p.investor_origin for p in projects}
    assert {"江苏", "上海", "中国香港", "德国", "日本", "韩国", "新加坡", "美国"} <= origins
    for p in projects:
        assert (p.foreign_investment is not None) == (p.investor_origin not in DOMESTIC), p.name
        assert p.name.endswith("项目") and p.investor and p.leader and p.agent and p.lead_source
        assert p.fixed_asset_investment <= p.total_investment
    assert sum(p.name.startswith("年产 ") for p in projects) > 100
    assert 1 <= sum(p.is_top500 for p in projects) <= 30
    assert len({(p.zone_id, p.name) for p in projects}) == len(projects)
    steps_back = StageEvent.objects.filter(from_stage=Stage.NEGOTIATING, to_stage=Stage.LEAD)
    assert steps_back.exists() and all(e.reason for e in steps_back)
    electronics = [p.industry_division for p in projects if p.zone.code == "G321061-01"]
    assert statistics.mode(electronics) == "39"
    auto = [p.industry_division for p in projects if p.zone.code == "G321061-02"]
    assert statistics.mode(auto) == "36"


def test_every_top_level_zone_has_yearly_targets(admin):
    # The projects' targets; the supervision step adds lines on reported figures and a reported line to the letters.
    projects = ("signed_count", "started_count", "completed_count", "signed_investment", "foreign_investment")
    targets = Target.objects.filter(indicator__in=projects)
    assert targets.count() == 4 * 5 * 2
    assert set(targets.values_list("year", flat=True)) == {2025, 2026}
    assert all(t.value > 0 for t in targets)
    etdz = Zone.objects.get(code="G321061")
    rows = target_progress(user=admin, zone=etdz, year=2025, today=dt.date(2025, 12, 31))
    rows = [r for r in rows if r["target"].indicator in projects]
    assert len(rows) == 5 and {r["rag"] for r in rows} <= {"green", "amber", "red"}


def test_alert_list_is_a_readable_handful_with_every_kind(admin):
    """At the reference date and months later (the demo's data frozen), fewer alerts than live projects."""
    live = Project.objects.exclude(stage=Stage.DROPPED).count()
    for today in (AS_OF, dt.date(2026, 11, 22)):
        alerts = project_alerts(user=admin, today=today)
        kinds = collections.Counter(a.kind for a in alerts)
        assert set(kinds) == {"deadline", "stalled", "agreement", "idle_land"}, today
        assert 10 <= len(alerts) <= live, today
        overdue = {a.project.pk for a in alerts if a.kind == "deadline"}
        assert not any(a.kind == "stalled" and a.project.pk in overdue for a in alerts)
        assert all(a.leader and a.agent for a in alerts)


def test_long_overdue_deadlines_are_already_taken_up_so_the_list_opens_on_open_work(admin):
    """A deadline missed by more than 250 working days is acknowledged with what the zone does about it; the open
    alerts, which the list shows first, are the recent ones."""
    from yuanqu.projects.alerts import OPEN, attach_responses, state_of
    from yuanqu.projects.demo import LONG_LATE_REASONS, LONG_LATE_WORKDAYS

    alerts = attach_responses(project_alerts(user=admin, today=AS_OF, kind="deadline"), today=AS_OF)
    long_late = [a for a in alerts if a.days > LONG_LATE_WORKDAYS]
    assert long_late, "the small city has long-overdue signings"
    assert all(a.response is not None and a.response.reason in LONG_LATE_REASONS.values() for a in long_late)
    still_open = [a for a in alerts if state_of(a, AS_OF) == OPEN]
    assert still_open and max(a.days for a in still_open) <= LONG_LATE_WORKDAYS
