"""The alert list: parcels of stalled projects near the idle-land line, owners, a constant number of queries,
and the page's filters by kind and zone with the count per kind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.land.testing import make_parcel
from yuanqu.projects.alerts import project_alerts
from yuanqu.projects.models import Agreement, Stage
from yuanqu.projects.testing import make_project
from yuanqu.zones.testing import make_zone

D = dt.date
SUPPLIED = [(Stage.SIGNED, D(2024, 10, 8)), (Stage.LAND_SUPPLIED, D(2024, 12, 2))]


def idle_alerts(user, today, **options):
    return [(a.project.name, a.late_zh) for a in project_alerts(user=user, today=today, kind="idle_land", **options)]


@pytest.fixture
def supplied(zone_a):
    """A project on a parcel supplied 2024-12-02 with construction agreed for 2025-03-01: idle from 2026-03-02."""
    parcel = make_parcel(zone_a, "JA-101", supplied_on=D(2024, 12, 2), agreed_start_on=D(2025, 3, 1))
    return make_project(zone_a, "甲供地未开工项目", history=SUPPLIED, parcel=parcel, leader="王副区长", agent="李代办")


def test_parcel_approaching_the_idle_line_names_parcel_dates_and_owner(supplied, user_a):
    alerts = project_alerts(user=user_a, today=D(2026, 1, 15), kind="idle_land")
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.rule_zh == "地块 JA-101 约定 2025-03-01 开工，尚未开工：2026-03-02 起认定闲置，2027-03-02 起可无偿收回"
    assert alert.rule_en == (
        "parcel JA-101: agreed start 2025-03-01, not started; idle from 2026-03-02, can be taken back from 2027-03-02"
    )
    assert (alert.late_zh, alert.late_en, alert.days) == ("距闲置认定还有 46 天", "46 days until idle", -46)
    assert (alert.leader, alert.agent, alert.kind_label) == ("王副区长", "李代办", "临近闲置")


def test_idle_alert_only_within_the_warning_days_or_past_the_line(supplied, user_a, settings):
    assert idle_alerts(user_a, D(2025, 12, 1)) == []  # 91 days before the line
    assert idle_alerts(user_a, D(2025, 12, 2)) == [("甲供地未开工项目", "距闲置认定还有 90 天")]
    assert idle_alerts(user_a, D(2026, 4, 1)) == [("甲供地未开工项目", "已闲置 30 天")]
    settings.YUANQU_IDLE_WARNING_DAYS = 30
    assert idle_alerts(user_a, D(2026, 1, 15)) == []
    assert idle_alerts(user_a, D(2026, 1, 31)) == [("甲供地未开工项目", "距闲置认定还有 30 天")]


def test_no_idle_alert_for_government_delay_started_or_unsupplied(zone_a, user_a):
    delayed = make_parcel(
        zone_a, "JA-102", supplied_on=D(2024, 12, 2), agreed_start_on=D(2025, 3, 1), delay_cause="government"
    )
    make_project(zone_a, "甲政府原因延迟项目", history=SUPPLIED, parcel=delayed)
    built = make_parcel(zone_a, "JA-103", supplied_on=D(2024, 12, 2), agreed_start_on=D(2025, 3, 1))
    make_project(zone_a, "甲已开工项目", history=[*SUPPLIED, (Stage.STARTED, D(2025, 2, 1))], parcel=built)
    unsupplied = make_parcel(zone_a, "JA-104", agreed_start_on=D(2025, 3, 1))
    make_project(zone_a, "甲未供地项目", history=[(Stage.SIGNED, D(2024, 10, 8))], parcel=unsupplied)
    assert idle_alerts(user_a, D(2026, 4, 1)) == []


def test_agreed_start_and_supply_taken_from_the_agreement_and_the_timeline(zone_a, user_a):
    parcel = make_parcel(zone_a, "JA-105")  # neither supplied_on nor agreed start on the parcel
    project = make_project(zone_a, "甲协议约定项目", history=SUPPLIED, parcel=parcel)
    Agreement.objects.create(project=project, start_by=D(2025, 6, 30))
    alerts = project_alerts(user=user_a, today=D(2026, 6, 1), kind="idle_land")
    assert [a.rule_zh for a in alerts] == [
        "地块 JA-105 约定 2025-06-30 开工（协议约定），尚未开工：2026-07-01 起认定闲置，2027-07-01 起可无偿收回"
    ]
    assert alerts[0].late_zh == "距闲置认定还有 30 天"


def test_alerts_of_zone_b_stay_hidden_and_zone_filter_keeps_sub_parks(supplied, zone_a, zone_b, user_a, user_b):
    sub = make_zone("甲光电产业园", code="A001-S", parent=zone_a)
    make_project(sub, "甲园中园停滞项目", history=[(Stage.LEAD, D(2025, 6, 1))])
    make_project(zone_b, "乙停滞项目", history=[(Stage.LEAD, D(2025, 6, 1))])
    today = D(2026, 1, 15)
    assert {a.project.name for a in project_alerts(user=user_b, today=today)} == {"乙停滞项目"}
    names = {a.project.name for a in project_alerts(user=user_a, today=today, zone_ids=[sub.pk])}
    assert names == {"甲园中园停滞项目"}
    names = {a.project.name for a in project_alerts(user=user_a, today=today, zone_ids=[zone_a.pk])}
    assert names == {"甲园中园停滞项目", "甲供地未开工项目"}


def build(zone, n: int) -> None:
    """n projects giving every kind of alert: stalls, deadlines, agreements with enterprise figures, parcels."""
    for i in range(n):
        kind = i % 3
        if kind == 0:
            make_project(zone, f"甲线索项目{i}", leader="王")  # a lead since 2025-01-02: stalled
        elif kind == 1:
            parcel = make_parcel(zone, supplied_on=D(2024, 12, 2), agreed_start_on=D(2025, 3, 1))
            project = make_project(zone, f"甲供地项目{i}", history=SUPPLIED, parcel=parcel)
            Agreement.objects.create(project=project, start_by=D(2025, 3, 1))
        else:
            enterprise = make_enterprise(zone)
            make_enterprise_year(enterprise, 2025, industrial_output=Decimal("5000"))
            parcel = make_parcel(zone, invested=Decimal("1000"), started_on=D(2024, 3, 1))
            project = make_project(
                zone,
                f"甲达产项目{i}",
                history=[
                    (Stage.SIGNED, D(2023, 1, 5)),
                    (Stage.STARTED, D(2023, 3, 1)),
                    (Stage.COMPLETED, D(2024, 3, 1)),
                    (Stage.AT_CAPACITY, D(2025, 3, 1)),
                ],
                parcel=parcel,
                enterprise=enterprise,
            )
            Agreement.objects.create(
                project=project, total_investment=Decimal("5000"), tax_per_mu=Decimal("100"), output_per_mu=1
            )


def count_queries(user, today) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        alerts = project_alerts(user=user, today=today)
    kinds: dict[str, int] = {}
    for alert in alerts:
        kinds[alert.kind] = kinds.get(alert.kind, 0) + 1
    return len(captured.captured_queries), kinds


def test_alert_list_makes_the_same_number_of_queries_for_3_and_30_projects(
    zone_a, user_a, django_assert_max_num_queries
):
    today = D(2026, 1, 15)
    build(zone_a, 3)
    project_alerts(user=user_a, today=today)  # the working-day calendar is cached after the first call
    few, kinds = count_queries(user_a, today)
    assert kinds == {"stalled": 1, "deadline": 1, "agreement": 2, "idle_land": 1}
    build(zone_a, 27)
    many, kinds = count_queries(user_a, today)
    assert kinds == {"stalled": 10, "deadline": 10, "agreement": 20, "idle_land": 10}
    assert many == few
    with django_assert_max_num_queries(few):
        project_alerts(user=user_a, today=today)


def test_alerts_page_filters_by_kind_and_zone_and_counts_each_kind(client, supplied, zone_a, zone_b, user_a):
    make_project(zone_a, "甲逾期项目", history=[(Stage.SIGNED, D(2025, 9, 26))], leader="王副市长", agent="张代办")
    make_project(zone_b, "乙停滞项目", history=[(Stage.LEAD, D(2025, 6, 1))])
    client.force_login(user_a)
    html = client.get("/projects/alerts/").content.decode()
    assert "甲供地未开工项目" in html and "甲逾期项目" in html and "王副市长" in html and "张代办" in html
    assert "乙停滞项目" not in html
    response = client.get("/projects/alerts/", {"kind": "idle_land"})
    assert [a.project.name for a in response.context["page"].object_list] == ["甲供地未开工项目"]
    counts = {c["kind"]: c["count"] for c in response.context["counts"]}
    assert counts == {"deadline": 2, "stalled": 0, "agreement": 0, "idle_land": 1}  # overdue: not also stalled
    assert 'data-kind="idle_land" href="?kind=idle_land">临近闲置 <strong>1</strong>' in response.content.decode()
    assert client.get("/projects/alerts/", {"zone": zone_a.pk}).status_code == 200
    for query in ({"zone": zone_b.pk}, {"kind": "made_up"}):
        refused = client.get("/projects/alerts/", query)
        assert refused.status_code == 400
        assert "乙停滞项目" not in refused.content.decode() and zone_b.name not in refused.content.decode()
