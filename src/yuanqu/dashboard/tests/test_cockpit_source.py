"""The one source of the cockpit and the monthly report: the scope a user sees, and sections cached until a
write moves the data version."""

import datetime as dt

from yuanqu.accounts.models import Role
from yuanqu.accounts.testing import make_user
from yuanqu.core import registry
from yuanqu.core.cockpit import Figure, Period, Section
from yuanqu.core.jobs.models import Job
from yuanqu.dashboard import cockpit
from yuanqu.projects.models import Stage
from yuanqu.projects.testing import make_project
from yuanqu.zones.testing import make_zone

PERIOD = Period(2026, 5, dt.date(2026, 12, 7))


def test_the_city_sees_its_top_level_zones_side_by_side_and_a_zone_user_its_own(zone_a, zone_b, user_a, city_admin):
    sub = make_zone("甲园", parent=zone_a)
    city = cockpit.scope_for(city_admin)
    assert [zone.code for zone in city.zones] == ["A001", "B001"] and city.side_by_side
    assert city.zone_ids == {zone_a.pk, zone_b.pk, sub.pk}
    own = cockpit.scope_for(user_a)
    assert [zone.pk for zone in own.zones] == [zone_a.pk] and own.zone_ids == {zone_a.pk, sub.pk}
    drilled = cockpit.scope_for(city_admin, zone_id=zone_a.pk)
    assert (drilled.zone, drilled.zone_ids, drilled.side_by_side) == (zone_a, {zone_a.pk, sub.pk}, False)


def test_a_zone_the_user_may_not_see_is_not_drilled_into(zone_a, zone_b, user_a):
    scope = cockpit.scope_for(user_a, zone_id=zone_b.pk)
    assert scope.zone is None and [zone.pk for zone in scope.zones] == [zone_a.pk]
    assert zone_b.pk not in scope.zone_ids


def test_projects_signed_this_year_to_date_against_the_same_months_of_last_year(zone_a, zone_b, city_admin):
    signed = [(Stage.LEAD, dt.date(2024, 12, 1))]
    make_project(zone_a, "甲1", history=[*signed, (Stage.SIGNED, dt.date(2026, 3, 4))], total_investment=20000)
    make_project(zone_b, "乙1", history=[*signed, (Stage.SIGNED, dt.date(2026, 5, 31))], total_investment=15000)
    make_project(zone_b, "乙2", history=[*signed, (Stage.SIGNED, dt.date(2026, 6, 1))], total_investment=15000)
    make_project(zone_a, "甲0", history=[*signed, (Stage.SIGNED, dt.date(2025, 2, 1))], total_investment=12000)
    make_project(zone_a, "甲9", history=[*signed, (Stage.SIGNED, dt.date(2025, 7, 1))], total_investment=12000)
    make_project(zone_a, "小", history=[*signed, (Stage.SIGNED, dt.date(2026, 4, 1))], total_investment=9000)
    (section,) = cockpit.build_sections(cockpit.scope_for(city_admin), PERIOD, keys=["projects"])
    figure = next(f for f in section.figures if f.key == "signed_count")
    # January–May: 甲1 and 乙1 this year (乙2 is June, 小 is under 1 亿元); 甲0 last year (甲9 is July).
    assert (figure.value, figure.previous, figure.change) == (2, 1, 100)
    investment = next(f for f in section.figures if f.key == "signed_investment")
    assert (investment.value, investment.previous) == (44000, 12000)
    by_zone = next(t for t in section.tables if t.key == "projects-by-zone")
    assert [row.cells[:2] for row in by_zone.rows] == [[zone_a.name, 1], [zone_b.name, 1]]


def test_sections_are_cached_and_rebuilt_by_a_worker_after_a_write(
    zone_a, city_admin, django_capture_on_commit_callbacks
):
    calls = []

    def build(*, scope, period):
        calls.append(period.month)
        return Section("counted", "计数", figures=[Figure("n", "次数", len(calls))])

    registry.cockpit_sections.register(registry.CockpitSection("counted", "计数", build, order=999))
    try:
        scope = cockpit.scope_for(city_admin)
        first = cockpit.build_sections(scope, PERIOD, keys=["counted"])
        again = cockpit.build_sections(scope, PERIOD, keys=["counted"])
        assert calls == [5] and first[0].figures[0].value == again[0].figures[0].value == 1
        cockpit.build_sections(scope, Period(2026, 4, PERIOD.today), keys=["counted"])
        assert calls == [5, 4]  # another period is another entry
        zone_a.name = "甲经济开发区（更名）"
        zone_a.save()  # any tracked write
        with django_capture_on_commit_callbacks(execute=False):
            (shown,) = cockpit.build_sections(scope, PERIOD, keys=["counted"])
        # The page shows what was built, marked with when, and a worker is asked to rebuild it.
        assert calls == [5, 4] and shown.figures[0].value == 1 and shown.stale is not None
        assert list(Job.objects.filter(kind="cockpit-warm-up").values_list("state", flat=True)) == ["queued"]
        cockpit.build_sections(scope, PERIOD, keys=["counted"])
        assert Job.objects.filter(kind="cockpit-warm-up").count() == 1  # one queued warm-up serves every view
        assert cockpit.warm(today=PERIOD.today) == 1  # the one view seen stale
        assert calls == [5, 4, 5]
        (rebuilt,) = cockpit.build_sections(scope, PERIOD, keys=["counted"])
        assert calls == [5, 4, 5] and rebuilt.figures[0].value == 3 and rebuilt.stale is None
        (fresh,) = cockpit.build_sections(scope, PERIOD, keys=["counted"], stale_ok=False)
        assert fresh.figures[0].value == 3 and calls == [5, 4, 5]
        other = make_user("leader_x", Role.LEADER, zones=[zone_a])
        cockpit.build_sections(cockpit.scope_for(other), PERIOD, keys=["counted"], stale_ok=False)
        assert len(calls) == 4  # another user's scope is built apart
    finally:
        registry.cockpit_sections.unregister("counted")


def test_a_jobs_states_do_not_make_the_figures_stale(zone_a, django_capture_on_commit_callbacks):
    from yuanqu.core.changelog import data_version
    from yuanqu.core.jobs.services import submit
    from yuanqu.core.models import ChangeLogEntry

    version, entries = data_version(), ChangeLogEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=False):
        submit(kind="cockpit-warm-up", user=None)
    assert ChangeLogEntry.objects.count() == entries + 1  # the job is logged ...
    assert data_version() == version  # ... but changes no figure
    zone_a.name = "甲经济开发区（更名）"
    zone_a.save()
    assert data_version() != version


def test_the_warm_command_builds_every_users_current_month_once_per_scope(zone_a, zone_b, city_admin, user_a):
    import io

    from django.core.management import call_command

    calls = []

    def build(*, scope, period):
        calls.append((tuple(z.code for z in scope.zones), period.month))
        return Section("counted", "计数", figures=[Figure("n", "次数", 1)])

    make_user("staff_a2", Role.ZONE_STAFF, zones=[zone_a])  # the same scope as user_a: built once
    registry.cockpit_sections.register(registry.CockpitSection("counted", "计数", build, order=999))
    try:
        out = io.StringIO()
        call_command("cockpit", "warm", "--users", stdout=out)
    finally:
        registry.cockpit_sections.unregister("counted")
    # The city and zone A's staff, each in Chinese and English.
    assert sorted(set(calls)) == sorted({(("A001", "B001"), dt.date.today().month), (("A001",), dt.date.today().month)})
    assert len(calls) == 4 and "2 user scopes built" in out.getvalue()
