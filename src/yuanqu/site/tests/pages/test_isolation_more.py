"""More rows of the page isolation matrix (test_isolation.py holds the first): the forms that create, the pages
that edit or delete the newer apps' rows (supervision letters and their lines, milestones and attachments, chain
links and target firms, service plans, measures and linked officials, stage events, jobs), the pickers and the
city's own pages. A user of zone A gets 404 for zone B's objects, finds none of B's zones, firms or projects
among a form's choices, and a POST naming them is refused with nothing written. Each refusal has its control:
the same request for zone A's row, or naming A's zone, firm or project, is answered (and saved by A's editors).

Every page route is named here or in test_isolation.py, or exempt with its reason (test_isolation_guard.py).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.test import Client

from yuanqu.accounts.models import User
from yuanqu.core.access import Role
from yuanqu.service.testing import make_category

# Strings of zone B's rows made below, besides the names of its world (zone, sub-park, firms, parcels, projects).
B_NAMES = [
    "乙营商环境评价",
    "乙签订人",
    "乙督办事项",
    "乙节点",
    "乙附件.pdf",
    "乙扩能目标",
    "乙协调措施",
    "乙产业链",
    "乙目标企业",
]


def assert_nothing_of_b(text: str, world_b) -> None:
    leaked = [name for name in [*world_b.names, *B_NAMES] if name in text]
    assert leaked == []


def edits(user) -> bool:
    return user.role != Role.LEADER


def _zone_rows(world, tag: str, user, node) -> dict:
    """A zone's rows of the newer apps: a letter with a line, a sub-park's task with a step, an attachment and a
    milestone, a plan with a measure, a linked official, a request, a chain of the zone alone with a link, a target
    firm on the link of a shared chain, a job of the zone's user with no zone, and its project's first stage change."""
    from yuanqu.chains.models import TargetFirm
    from yuanqu.chains.testing import make_chain, make_node
    from yuanqu.core.jobs.models import Job
    from yuanqu.service.models import EnterprisePlan, PlanMeasure
    from yuanqu.service.testing import link, make_request
    from yuanqu.targets.models import ResponsibilityLetter, Target, Task, TaskAttachment, TaskMilestone, TaskStep

    letter = ResponsibilityLetter.objects.create(zone=world.zone, year=2026, signed_by=f"{tag}签订人")
    line = Target.objects.create(letter=letter, zone=world.zone, year=2026, name=f"{tag}营商环境评价", value=90)
    task = Task.objects.create(
        code=f"{tag}-DB-9", title=f"{tag}督办事项", zone=world.sub_park, lead_unit=f"{tag}招商局",
        assigned_on=dt.date(2026, 1, 5), deadline=dt.date(2026, 6, 30),
    )  # fmt: skip
    step = TaskStep.objects.create(task=task, state="assigned", on=dt.date(2026, 1, 6), by=f"{tag}督办员")
    attachment = TaskAttachment(step=step, name=f"{tag}附件.pdf", size=7)
    attachment.file.save("report.pdf", ContentFile(f"%PDF-1 {tag}".encode()), save=True)
    plan = EnterprisePlan.objects.create(enterprise=world.enterprise, year=2026, goal=f"{tag}扩能目标")
    chain = make_chain([world.zone], f"{tag}产业链")
    rows = {
        "letter": letter,
        "line": line,
        "task": task,
        "attachment": attachment,
        "milestone": TaskMilestone.objects.create(task=task, title=f"{tag}节点", due_on=dt.date(2026, 3, 1)),
        "plan": plan,
        "measure": PlanMeasure.objects.create(
            plan=plan, content=f"{tag}协调措施", owner="某局", due_on=dt.date(2026, 9, 1)
        ),
        "official": link(world.enterprise, user),
        "request": make_request(
            world.enterprise, received_on=dt.date(2026, 3, 2), number=f"{tag}-SQ-9", unit=f"{tag}承办局"
        ),
        "chain": chain,
        "link": make_node(chain, f"{tag}1", industry_codes=world.enterprise.industry_code),
        "shared": node.chain,
        "node": node,
        "target": TargetFirm.objects.create(node=node, zone=world.zone, name=f"{tag}目标企业"),
        "job": Job.objects.create(kind="import", label=f"导入：{tag}的文件.xlsx", user=user, zone=None),
        "event": world.project.events.order_by("on").first(),
    }
    return rows


@pytest.fixture
def rows(world_a, world_b, user_of_a, user_b, settings, tmp_path) -> dict:
    """Each zone's rows, by its tag; a chain shared by A and B holds a target firm of each."""
    from yuanqu.chains.testing import make_chain, make_node

    settings.MEDIA_ROOT = tmp_path
    shared = make_chain([world_a.zone, world_b.zone], "共享产业链")
    node = make_node(shared, "S1", industry_codes=world_a.enterprise.industry_code)
    return {"甲": _zone_rows(world_a, "甲", user_of_a, node), "乙": _zone_rows(world_b, "乙", user_b, node)}


@pytest.fixture
def b_rows(rows) -> dict:
    return rows["乙"]


def _b_state(rows: dict) -> tuple:
    """Everything of zone B a write could touch: each row as stored, and how many there are of each kind."""
    from yuanqu.chains.models import Chain, ChainNode, ChainProject, TargetFirm
    from yuanqu.projects.models import StageEvent
    from yuanqu.service.models import EnterpriseOfficial, EnterprisePlan, PlanMeasure, ServiceRequest
    from yuanqu.targets.models import ResponsibilityLetter, Target, TaskMilestone

    letter = ResponsibilityLetter.objects.get(pk=rows["letter"].pk)
    line = Target.objects.get(pk=rows["line"].pk)
    milestone = TaskMilestone.objects.get(pk=rows["milestone"].pk)
    plan = EnterprisePlan.objects.get(pk=rows["plan"].pk)
    measure = PlanMeasure.objects.get(pk=rows["measure"].pk)
    request = ServiceRequest.objects.get(pk=rows["request"].pk)
    event = StageEvent.objects.get(pk=rows["event"].pk)
    job = type(rows["job"]).objects.get(pk=rows["job"].pk)
    return (
        (letter.zone_id, letter.year, letter.signed_by),
        (line.name, line.value, Target.objects.filter(letter=letter).count()),
        (milestone.title, milestone.due_on, milestone.done_on, rows["task"].milestone_items.count()),
        rows["task"].steps.count(),
        (plan.goal, plan.year, PlanMeasure.objects.filter(plan=plan).count(), measure.content, measure.state),
        EnterpriseOfficial.objects.filter(enterprise=rows["plan"].enterprise).count(),
        EnterprisePlan.objects.filter(enterprise=rows["plan"].enterprise).count(),
        (request.state, request.unit, request.steps.count()),
        (event.on, event.to_stage, event.reason),
        (job.state, job.cancel_requested),
        Chain.objects.count(),
        ChainNode.objects.count(),
        TargetFirm.objects.filter(zone=letter.zone).count(),
        ChainProject.objects.count(),
    )


# --- zone B's objects by their address: not found, and nothing changes -------------------------------------------

PAGES_OF_B = {
    "letter edit": lambda r: f"/supervision/letters/{r['letter'].pk}/edit/",
    "letter's new line": lambda r: f"/supervision/letters/{r['letter'].pk}/lines/new/",
    "line edit": lambda r: f"/supervision/lines/{r['line'].pk}/edit/",
    "attachment": lambda r: f"/supervision/attachments/{r['attachment'].pk}/",
    "stage event correction": lambda r: f"/projects/events/{r['event'].pk}/correct/",
    "official add": lambda r: f"/service/enterprises/{r['plan'].enterprise_id}/officials/add/",
    "plan add": lambda r: f"/service/enterprises/{r['plan'].enterprise_id}/plans/add/",
    "plan edit": lambda r: f"/service/plans/{r['plan'].pk}/edit/",
    "plan's new measure": lambda r: f"/service/plans/{r['plan'].pk}/measures/add/",
    "measure edit": lambda r: f"/service/measures/{r['measure'].pk}/edit/",
    "chain's new link": lambda r: f"/chains/{r['chain'].pk}/links/new/",
    "chain's new target": lambda r: f"/chains/{r['chain'].pk}/links/{r['link'].pk}/targets/new/",
    "job": lambda r: f"/jobs/{r['job'].pk}/",
    "job status": lambda r: f"/jobs/{r['job'].pk}/status/",
    "job file": lambda r: f"/jobs/{r['job'].pk}/file/",
}


@pytest.mark.parametrize("page", PAGES_OF_B)
def test_pages_of_zone_b_rows_are_not_found(client_a, world_b, b_rows, page):
    response = client_a.get(PAGES_OF_B[page](b_rows))
    assert response.status_code == 404
    assert_nothing_of_b(response.content.decode(), world_b)


# page → what a POST to it sends (each naming zone A where it names a zone, so only the address points at B)
POSTS_TO_B = {
    "letter edit": (
        lambda r: f"/supervision/letters/{r['letter'].pk}/edit/",
        lambda a: {"zone": a.zone.pk, "year": 2026, "signed_by": "被篡改"},
    ),
    "letter's new line": (
        lambda r: f"/supervision/letters/{r['letter'].pk}/lines/new/",
        lambda a: {"name": "越界目标", "value": "1", "kind": "reported"},
    ),
    "line edit": (lambda r: f"/supervision/lines/{r['line'].pk}/edit/", lambda a: {"name": "被篡改", "value": "1"}),
    "line delete": (lambda r: f"/supervision/lines/{r['line'].pk}/delete/", lambda a: {}),
    "milestone add": (
        lambda r: f"/supervision/tasks/{r['task'].pk}/milestones/",
        lambda a: {"title": "越界节点", "due_on": "2026-04-01"},
    ),
    "milestone done": (
        lambda r: f"/supervision/milestones/{r['milestone'].pk}/done/",
        lambda a: {"done_on": "2026-02-01"},
    ),
    "stage event correction": (
        lambda r: f"/projects/events/{r['event'].pk}/correct/",
        lambda a: {"on": "2025-08-01", "reason": "被篡改"},
    ),
    "official add": (
        lambda r: f"/service/enterprises/{r['plan'].enterprise_id}/officials/add/",
        lambda a: {
            "official": User.objects.get(username__endswith="_of_a").pk,
            "role": "zone_contact",
            "since": "2026-01-05",
        },
    ),
    "official delete": (lambda r: f"/service/officials/{r['official'].pk}/delete/", lambda a: {}),
    "plan add": (
        lambda r: f"/service/enterprises/{r['plan'].enterprise_id}/plans/add/",
        lambda a: {"year": 2027, "goal": "越界目标"},
    ),
    "plan edit": (lambda r: f"/service/plans/{r['plan'].pk}/edit/", lambda a: {"year": 2026, "goal": "被篡改"}),
    "plan delete": (lambda r: f"/service/plans/{r['plan'].pk}/delete/", lambda a: {}),
    "plan's new measure": (
        lambda r: f"/service/plans/{r['plan'].pk}/measures/add/",
        lambda a: {"content": "越界措施", "owner": "x", "due_on": "2026-10-01", "state": "planned"},
    ),
    "measure edit": (
        lambda r: f"/service/measures/{r['measure'].pk}/edit/",
        lambda a: {"content": "被篡改", "owner": "x", "due_on": "2026-10-01", "state": "done"},
    ),
    "measure delete": (lambda r: f"/service/measures/{r['measure'].pk}/delete/", lambda a: {}),
    "chain's new link": (
        lambda r: f"/chains/{r['chain'].pk}/links/new/",
        lambda a: {"code": "X", "name": "x", "position": "midstream", "order": 0},
    ),
    "chain's link projects": (
        lambda r: f"/chains/{r['chain'].pk}/links/{r['link'].pk}/projects/",
        lambda a: {"project": a.project.pk, "kind": "fill"},
    ),
    "chain's new target": (
        lambda r: f"/chains/{r['chain'].pk}/links/{r['link'].pk}/targets/new/",
        lambda a: {"zone": a.zone.pk, "name": "越界目标企业", "status": "to_contact"},
    ),
    "target on a shared chain, deleted": (
        lambda r: f"/chains/{r['shared'].pk}/links/{r['node'].pk}/targets/{r['target'].pk}/delete/",
        lambda a: {},
    ),
    "job cancel": (lambda r: f"/jobs/{r['job'].pk}/cancel/", lambda a: {}),
    "job retry": (lambda r: f"/jobs/{r['job'].pk}/retry/", lambda a: {}),
}


@pytest.mark.parametrize("post", POSTS_TO_B)
def test_posts_to_zone_b_rows_are_not_found_and_change_nothing(client_a, world_a, world_b, b_rows, post):
    url, data = POSTS_TO_B[post]
    before = _b_state(b_rows)
    response = client_a.post(url(b_rows), data(world_a))
    assert response.status_code == 404
    assert_nothing_of_b(response.content.decode(), world_b)
    assert _b_state(b_rows) == before


# The controls: the same addresses of zone A's rows are found (so each 404 above is zone B's).
READ_ONLY = {"attachment", "job", "job status"}


@pytest.mark.parametrize("page", sorted(set(PAGES_OF_B) - {"job file"}))  # A's job has made no file
def test_the_same_pages_of_zone_a_rows_are_found(client_a, user_of_a, world_a, rows, page):
    response = client_a.get(PAGES_OF_B[page](rows["甲"]))
    assert response.status_code == (200 if edits(user_of_a) or page in READ_ONLY else 403)


# posts a leader gets a redirect for: the user's own job, or a refusal said as a message on the page returned to
ANSWERED_WITH_A_MESSAGE = {"milestone add", "milestone done", "chain's link projects", "job cancel", "job retry"}


@pytest.mark.parametrize("post", POSTS_TO_B)
def test_the_same_posts_to_zone_a_rows_are_found(client_a, user_of_a, world_a, rows, post):
    url, data = POSTS_TO_B[post]
    response = client_a.post(url(rows["甲"]), data(world_a))
    assert response.status_code == (302 if edits(user_of_a) or post in ANSWERED_WITH_A_MESSAGE else 403)


# --- forms that create: nothing of B among the choices, a POST naming B refused --------------------------------


# page → (what a POST sends, naming a world's zone, firm or project; the model that gains a row when it is A's)
NEW_FORMS = {
    "/supervision/letters/new/": (
        lambda w: {"zone": w.zone.pk, "year": 2031, "signed_by": "签订人"},
        ("targets", "ResponsibilityLetter"),
    ),
    "/service/requests/add/": (
        lambda w: {
            "enterprise": w.enterprise.pk,
            "received_on": "2026-03-02",
            "channel": "visit",
            "kind": "help",
            "category": make_category().pk,
            "content": "厂房用电增容",
            "number": f"{w.zone.code}-SQ-7",
        },
        ("service", "ServiceRequest"),
    ),
    "/chains/new/": (
        lambda w: {
            "name": f"{w.zone.code}产业链",
            "zones": [w.zone.pk],
            "leading_enterprises": [w.enterprise.pk],
            "weak_below": 3,
        },
        ("chains", "Chain"),
    ),
    "/chains/{shared}/links/{node}/targets/new/": (
        lambda w: {"zone": w.zone.pk, "name": "招引目标企业", "status": "to_contact", "project": w.project.pk},
        ("chains", "TargetFirm"),
    ),
    "/evaluation/new/": (
        lambda w: {"preset": "huangyan-2022", "year": 2024, "zone": w.zone.pk},
        ("evaluation", "EvaluationRun"),
    ),
    "/users/add/": (
        lambda w: {
            "username": f"u{w.zone.code}",
            "role": "zone_staff",
            "zones": [w.zone.pk],
            "password": "Yq-long-pass-9",
        },
        ("accounts", "User"),
    ),
}


@pytest.mark.parametrize("url", NEW_FORMS)
def test_new_forms_offer_nothing_of_zone_b_and_refuse_it(client_a, user_of_a, world_a, world_b, b_rows, url):
    from django.apps import apps

    from yuanqu.core.access import can_manage_users

    data, (app, model_name) = NEW_FORMS[url]
    url = url.format(shared=b_rows["shared"].pk, node=b_rows["node"].pk)
    model = apps.get_model(app, model_name)
    allowed = can_manage_users(user_of_a) if url == "/users/add/" else edits(user_of_a)
    response = client_a.get(url)
    if not allowed:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        html = response.content.decode()
        assert_nothing_of_b(html, world_b)
        assert world_a.zone.name in html or world_a.enterprise.name in html  # among the choices: A's
    count = model.objects.count()
    response = client_a.post(url, data(world_b))
    assert response.status_code in ((200, 400) if allowed else (403,))  # the form again, its problem named
    assert_nothing_of_b(response.content.decode(), world_b)
    assert model.objects.count() == count
    # The control: the same form naming zone A's zone, firm or project saves (so the refusal above is B's).
    response = client_a.post(url, data(world_a))
    assert response.status_code == (302 if allowed else 403)
    assert model.objects.count() == count + allowed


def test_tagging_a_shared_chain_link_with_a_zone_b_project_is_refused(client_a, user_of_a, world_a, world_b, b_rows):
    from yuanqu.chains.models import ChainProject

    shared, node = b_rows["shared"], b_rows["node"]
    for project in (world_b.project, world_b.sub_project):
        client_a.post(f"/chains/{shared.pk}/links/{node.pk}/projects/", {"project": project.pk, "kind": "fill"})
    assert not ChainProject.objects.exists()
    client_a.post(f"/chains/{shared.pk}/links/{node.pk}/projects/", {"project": world_a.project.pk, "kind": "fill"})
    tagged = [world_a.project.pk] if edits(user_of_a) else []  # the control: A's project is tagged by its editors
    assert list(ChainProject.objects.values_list("project", flat=True)) == tagged


def test_a_link_of_a_chain_shared_with_zone_b_is_the_citys_to_add(client_a, world_b, b_rows):
    from yuanqu.chains.models import ChainNode

    response = client_a.post(f"/chains/{b_rows['shared'].pk}/links/new/", {"code": "S9", "name": "越界环节"})
    assert response.status_code == 403
    assert not ChainNode.objects.filter(code="S9").exists()


# --- lists and pickers: nothing of B -------------------------------------------------------------------------


def test_the_project_picker_offers_zone_a_projects_only(client_a, user_of_a, world_a, world_b, b_rows):
    picked = client_a.get("/projects/pick/projects.json", {"q": "项目"}).json()["results"]
    labels = " ".join(item["label"] for item in picked)
    if edits(user_of_a):
        assert {item["id"] for item in picked} == {world_a.project.pk, world_a.sub_project.pk}
    else:
        assert picked == []  # a leader changes nothing, so picks nothing
    assert_nothing_of_b(labels, world_b)
    for zone in (world_b.zone, world_b.sub_park):
        assert client_a.get("/projects/pick/projects.json", {"zone": zone.pk}).json() == {"results": []}
    assert client_a.get("/projects/pick/projects.json", {"q": world_b.project.name}).json() == {"results": []}


def test_request_groups_hold_nothing_of_zone_b_and_its_requests_are_not_dispatched(
    client_a, user_of_a, world_a, world_b, rows, b_rows
):
    response = client_a.get("/service/groups/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_nothing_of_b(html, world_b)
    assert "乙-SQ-9" not in html and "乙承办局" not in html
    before = _b_state(b_rows)
    for chosen in ([b_rows["request"].pk], [b_rows["request"].pk, rows["甲"]["request"].pk]):
        response = client_a.post("/service/groups/dispatch/", {"request": chosen, "unit": "越界局"})
        assert response.status_code == 302
        assert _b_state(b_rows) == before
    # The control: A's request alone is dispatched by A's editors (all or none: not with B's above).
    assert rows["甲"]["request"].steps.count() == 1
    client_a.post("/service/groups/dispatch/", {"request": [rows["甲"]["request"].pk], "unit": "甲承办局"})
    assert rows["甲"]["request"].steps.count() == (2 if edits(user_of_a) else 1)


def test_the_import_page_and_another_users_upload_are_nothing_of_zone_b(
    client_a, user_of_a, world_b, user_b, settings, tmp_path
):
    from yuanqu.enterprises.models import EnterpriseYear

    settings.YUANQU_DATA_DIR = tmp_path
    settings.YUANQU_JOB_IMPORT_THRESHOLD_KB = 10**6
    page = client_a.get("/imports/")
    assert page.status_code == 200
    assert_nothing_of_b(page.content.decode(), world_b)
    # Zone B's user checks a file of B's firm: its confirmation is good in B's session only.
    book = openpyxl.Workbook()
    book.active.append(["统一社会信用代码", "企业名称", "年份", "实缴税收(万元)"])
    book.active.append([world_b.enterprise.uscc, world_b.enterprise.name, 2021, 77])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "years.xlsx"
    b_client = Client()
    b_client.force_login(user_b)
    checked = b_client.post("/imports/", {"kind": "enterprise-years", "file": data}).content.decode()
    token = re.search(r"/imports/confirm/([0-9a-f]{32})/", checked)[1]
    response = client_a.post(f"/imports/confirm/{token}/")
    assert response.status_code == (404 if edits(user_of_a) else 403)
    assert_nothing_of_b(response.content.decode(), world_b)
    assert not EnterpriseYear.objects.filter(year=2021).exists()
    assert b_client.post(f"/imports/confirm/{token}/").status_code == 200  # the control: B's own confirmation
    assert EnterpriseYear.objects.get(year=2021).tax == Decimal("77")


def test_the_monthly_report_holds_zone_a_and_refuses_zone_b(client_a, user_of_a, world_a, world_b, settings, tmp_path):
    from yuanqu.core.jobs import services
    from yuanqu.core.jobs.models import Job

    settings.MEDIA_ROOT = tmp_path
    for zone in (world_b.zone, world_b.sub_park):
        assert client_a.post("/report/monthly/", {"zone": zone.pk, "year": 2025, "month": 9}).status_code == 404
    assert not Job.objects.exists()
    response = client_a.post("/report/monthly/", {"year": 2025, "month": 9, "format": "xlsx"})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert (job.user, services.execute(job.pk)) == (user_of_a, "succeeded")
    download = client_a.get(f"/jobs/{job.pk}/file/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    cells = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert "新签约亿元以上项目数" in cells
    assert_nothing_of_b(cells, world_b)


# --- the city's own pages (methods, peers, base maps): a zone user reads what is city-wide, changes nothing ----


@pytest.fixture
def city_methods(world_a, world_b):
    """The city's methods, and a run of the zone method ranking A and B (whose ranks are not opened)."""
    from yuanqu.evaluation.services import preset_method
    from yuanqu.ranking.models import ZoneYear
    from yuanqu.ranking.services import preset_zone_method, run_zone_evaluation

    for world, gdp in ((world_a, 100), (world_b, 300)):
        for year in (2024, 2025):
            ZoneYear.objects.create(zone=world.zone, year=year, gdp=gdp, budget_revenue=gdp / 10)
    ranking = preset_zone_method(name="zones-reference")
    run_zone_evaluation(method=ranking, year=2025, user=None)
    return {"evaluation": preset_method(name="huangyan-2022"), "ranking": ranking}


# page → the status a zone user gets
CITY_PAGES = {
    "/ranking/methods/{ranking}/": 200,
    "/ranking/methods/presets/zones-reference/": 200,
    "/ranking/methods/new/": 403,
    "/ranking/methods/{ranking}/edit/": 403,
    "/ranking/peers/": 404,
    "/map/basemaps/": 403,
    "/map/basemaps/new/": 403,
    "/map/basemaps/1/": 403,
}


@pytest.mark.parametrize("url", CITY_PAGES)
def test_city_pages_answer_a_zone_user_and_hold_nothing_of_zone_b(client_a, world_b, city_methods, url):
    response = client_a.get(url.format(ranking=city_methods["ranking"].pk))
    assert response.status_code == CITY_PAGES[url]
    assert_nothing_of_b(response.content.decode(), world_b)


def test_an_evaluation_methods_edit_page_previews_zone_a_only(client_a, user_of_a, world_a, world_b, city_methods):
    method = city_methods["evaluation"]
    response = client_a.get(f"/evaluation/methods/{method.pk}/edit/")
    if not edits(user_of_a):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert_nothing_of_b(response.content.decode(), world_b)
    data = {"name": "x", "format": "toml", "text": method.text, "action": "preview", "year": "2024"}
    preview = client_a.post(f"/evaluation/methods/{method.pk}/edit/", data)
    assert preview.context["preview"]["enterprise_count"] == 2
    assert_nothing_of_b(preview.content.decode(), world_b)
    refused = client_a.post(f"/evaluation/methods/{method.pk}/edit/", data | {"zone": str(world_b.zone.pk)})
    assert refused.status_code == 403
