"""The service pages: the request list with its board and filters, a request's timeline and next step, a new
request, statistics, "my enterprises", the visit log and its form, and the service panel of the enterprise page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yuanqu.service import services
from yuanqu.service.models import EnterprisePlan, PlanMeasure, ServiceRequest, Visit
from yuanqu.service.testing import link, make_category, make_request, make_visit

D = dt.date


@pytest.fixture
def client_a(user_a) -> Client:
    client = Client()
    client.force_login(user_a)
    return client


@pytest.fixture
def requests_a(enterprise_a, user_a):
    """One request long late (received 2026-03-02, due 03-09, open) and one closed on time."""
    late = make_request(enterprise_a, received_on=D(2026, 3, 2), user=user_a, content="用电增容")
    done = make_request(
        enterprise_a, received_on=D(2026, 3, 2), user=user_a, category=make_category("labour", "用工"), content="招工"
    )
    for action, kwargs in [
        ("dispatch", {"unit": "人社局"}),
        ("handle", {}),
        ("reply", {"note": "已对接"}),
        ("close", {}),
    ]:
        services.advance_request(request=done, action=action, user=user_a, on=D(2026, 3, 4), **kwargs)
    return late, done


def test_the_list_shows_the_board_and_marks_late_requests(client_a, requests_a):
    late, done = requests_a
    html = client_a.get("/service/").content.decode()
    assert 'id="board-accepted">1<' in html
    assert 'id="board-closed">1<' in html
    assert 'id="board-late">1<' in html
    assert late.number in html and done.number in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("late=true", ["late"]),
        ("late=false", ["done"]),
        ("state=closed", ["done"]),
        ("category=labour", ["done"]),
        ("unit=人社", ["done"]),
        ("open=true", ["late"]),
        ("q=增容", ["late"]),
    ],
)
def test_the_list_filters(client_a, requests_a, query, expected):
    late, done = requests_a
    by_name = {"late": late.number, "done": done.number}
    html = client_a.get(f"/service/?{query}").content.decode()
    table = html[html.index('id="result-count"') :]
    assert [name for name, number in by_name.items() if number in table] == expected


def test_a_bad_filter_is_400(client_a, requests_a):
    assert client_a.get("/service/?state=nonsense").status_code == 400


def test_the_detail_shows_the_timeline_and_takes_the_next_step(client_a, requests_a):
    late, _done = requests_a
    html = client_a.get(f"/service/requests/{late.pk}/").content.decode()
    assert 'id="request-timeline"' in html and "受理" in html
    assert 'value="dispatch"' in html and 'value="chase"' in html  # late: 督办 offered
    assert 'value="close"' not in html
    today = timezone.localdate().isoformat()
    response = client_a.post(
        f"/service/requests/{late.pk}/", {"action": "dispatch", "on": today, "unit": "供电公司", "note": ""}
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert (late.state, late.unit) == ("dispatched", "供电公司")


def test_a_refused_step_shows_why_and_changes_nothing(client_a, requests_a):
    late, _done = requests_a
    response = client_a.post(f"/service/requests/{late.pk}/", {"action": "dispatch", "on": "2026-03-03", "unit": ""})
    assert response.status_code == 400
    assert "派单须指明承办单位" in response.content.decode()
    assert ServiceRequest.objects.get(pk=late.pk).state == "accepted"


def test_a_new_request_is_accepted_with_its_due_date(client_a, enterprise_a):
    category = make_category()
    response = client_a.post(
        "/service/requests/add/",
        {
            "enterprise": enterprise_a.pk,
            "received_on": "2026-02-13",
            "channel": "hotline",
            "kind": "help",
            "category": category.pk,
            "content": "厂房漏水",
        },
    )
    assert response.status_code == 302
    request = ServiceRequest.objects.get(content="厂房漏水")
    assert (request.number, request.due_on, request.steps.count()) == ("SQ20260213-0001", D(2026, 2, 27), 1)


def test_statistics_by_category_unit_and_linked_leader(client_a, requests_a, enterprise_a, admin_a):
    link(enterprise_a, admin_a)
    html = client_a.get("/service/statistics/").content.decode()
    assert 'id="total-received">2<' in html
    assert 'id="total-closed">1<' in html
    assert 'id="total-on-time">100.0%<' in html
    assert "人社局" in html and "用工" in html
    by_leader = html[html.index("按挂钩领导") :]
    assert '<th scope="row">admin_a</th><td class="num">2</td><td class="num">1</td>' in by_leader


def test_my_enterprises_lists_the_links_with_open_requests_and_last_visit(client_a, enterprise_a, user_a, requests_a):
    link(enterprise_a, user_a)
    make_visit(enterprise_a, official=user_a, visited_on=D(2026, 3, 1), findings="正常")
    html = client_a.get("/service/mine/").content.decode()
    table = html[html.index('id="my-enterprises"') :]
    assert enterprise_a.name in table and "挂钩领导" in table and "2026-03-01" in table
    assert "逾期 1" in table
    assert requests_a[0].number in html[html.index('id="my-requests"') :]


def test_unvisited_key_enterprises_are_listed(client_a, enterprise_a, user_a):
    enterprise_a.key_enterprise = True
    enterprise_a.save()
    html = client_a.get("/service/mine/").content.decode()
    assert enterprise_a.name in html[html.index('id="unvisited-key-enterprises"') :]


def test_the_visit_log_flags_visits_never_written_up(client_a, enterprise_a, user_a):
    make_visit(enterprise_a, official=user_a, visited_on=timezone.localdate() - dt.timedelta(days=10))
    make_visit(enterprise_a, official=user_a, visited_on=timezone.localdate() - dt.timedelta(days=1))
    html = client_a.get("/service/visits/").content.decode()
    assert 'id="unwritten-warning"' in html and "1 次走访三天后仍未填写走访情况" in html
    listed = client_a.get("/service/visits/?unwritten=true").content.decode()
    assert 'id="result-count">1<' in listed


def test_before_a_visit_the_official_sees_other_agencies_visits_and_open_requests(
    client_a, enterprise_a, user_a, requests_a
):
    make_visit(
        enterprise_a, agency="税务分局", visited_on=timezone.localdate() - dt.timedelta(days=20), findings="核查发票"
    )
    make_visit(enterprise_a, agency="科技局", visited_on=timezone.localdate() - dt.timedelta(days=120), findings="旧")
    make_visit(enterprise_a, agency="招商局", state="planned", visited_on=timezone.localdate() + dt.timedelta(days=5))
    html = client_a.get(f"/service/visits/add/?enterprise={enterprise_a.pk}").content.decode()
    start = html.index('id="before-visit"')
    before = html[start : html.index('<form method="post"', start)]
    assert "税务分局" in before and "招商局" in before
    assert "科技局" not in before  # more than 90 days ago
    assert requests_a[0].number in before


def test_recording_a_visit(client_a, enterprise_a, user_a):
    response = client_a.post(
        "/service/visits/add/",
        {
            "enterprise": enterprise_a.pk,
            "state": "done",
            "visited_on": timezone.localdate().isoformat(),
            "official": user_a.pk,
            "findings": "扩产需求",
        },
    )
    assert response.status_code == 302
    assert Visit.objects.get().findings == "扩产需求"


def test_the_enterprise_page_shows_the_service_panel_with_plan_and_officials(
    client_a, enterprise_a, user_a, requests_a
):
    link(enterprise_a, user_a, role="zone_contact")
    plan = EnterprisePlan.objects.create(enterprise=enterprise_a, year=2026, goal="扩能")
    PlanMeasure.objects.create(plan=plan, content="协调用地", owner="国土分局", due_on=D(2026, 9, 30))
    html = client_a.get(f"/enterprises/{enterprise_a.pk}/").content.decode()
    panel = html[html.index('id="service-panel"') :]
    assert "园区联络员" in panel and "staff_a" in panel
    assert "协调用地" in panel and "国土分局" in panel and "2026-09-30" in panel
    assert requests_a[0].number in panel
    assert "共 2 件，未办结 1 件" in panel


@pytest.mark.parametrize(
    "url", ["/service/", "/service/statistics/", "/service/mine/", "/service/visits/", "/service/visits/add/"]
)
def test_pages_in_english(client_a, requests_a, url):
    client_a.cookies["django_language"] = "en"
    html = client_a.get(url).content.decode()
    assert '<html lang="en">' in html
    for chinese in ("企业诉求", "走访记录", "诉求统计", "我的企业"):
        assert chinese not in html


def test_quarters():
    from yuanqu.service.selectors import quarter_of

    assert quarter_of(D(2026, 2, 13)) == (D(2026, 1, 1), D(2026, 3, 31))
    assert quarter_of(D(2026, 12, 7)) == (D(2026, 10, 1), D(2026, 12, 31))


def test_visit_quota_this_quarter_per_official(client_a, enterprise_a, user_a, admin_a, settings):
    settings.YUANQU_SERVICE_VISIT_QUOTA = 4
    link(enterprise_a, user_a)
    link(enterprise_a, admin_a, role="zone_contact")
    today = timezone.localdate()
    start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    make_visit(enterprise_a, official=user_a, visited_on=start, findings="a")
    make_visit(enterprise_a, official=user_a, visited_on=today, findings="b")
    make_visit(enterprise_a, official=user_a, visited_on=start - dt.timedelta(days=1), findings="last quarter")
    html = client_a.get("/service/mine/").content.decode()
    assert "已走访 2 次，任务 4 次" in html and "（50%）" in html
    table = client_a.get("/service/statistics/").content.decode()
    table = table[table.index('id="visit-quotas"') :]
    assert table.index("admin_a") < table.index("staff_a")  # the furthest behind first
    assert '<td class="num flagged">50%</td>' in table and '<td class="num flagged">0%</td>' in table


def test_a_new_visit_starts_today_by_the_user_and_read_only_users_cannot_add(client_a, enterprise_a, user_a, zone_a):
    from yuanqu.accounts.testing import make_user

    html = client_a.get(f"/service/visits/add/?enterprise={enterprise_a.pk}").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert f'<option value="{user_a.pk}" selected>' in html
    assert f'<option value="{enterprise_a.pk}" selected>' in html
    leader = Client()
    leader.force_login(make_user("leader_of_a", "leader", zones=[zone_a]))
    assert leader.get("/service/visits/add/").status_code == 403
    assert leader.get("/service/requests/add/").status_code == 403


def test_the_board_puts_each_request_in_its_state_column(client_a, requests_a):
    late, done = requests_a
    html = client_a.get("/service/board/").content.decode()
    accepted = html[html.index('id="column-accepted"') : html.index('id="column-dispatched"')]
    closed = html[html.index('id="column-closed"') : html.index('id="column-called_back"')]
    assert late.number in accepted and "逾期" in accepted
    assert done.number in closed and late.number not in closed
    assert '<span class="muted column-count">1</span>' in accepted
