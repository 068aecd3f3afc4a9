"""The page half of the isolation matrix: a user of zone A sees, counts and changes nothing of zone B.

Every list page, search and filter, every detail and edit page, and the admin are checked for each
kind of zone-bound user (staff, administrator, leader).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client

from yuanqu.accounts.models import User
from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.land.models import Parcel


def assert_nothing_of(html: str, world) -> None:
    leaked = [name for name in world.names if name in html]
    assert leaked == []


# page → the names of zone A's objects it must show
LIST_PAGES = {
    "/": lambda a: [a.zone.name, a.sub_park.name],
    "/zones/": lambda a: [a.zone.name, a.sub_park.name],
    "/zones/?level=provincial": lambda a: [a.zone.name],
    "/enterprises/": lambda a: [a.enterprise.name, a.sub_enterprise.name, a.enterprise.uscc],
    "/enterprises/?year=2023&sort=-tax": lambda a: [a.enterprise.name],
    "/enterprises/?above_scale=true": lambda a: [a.enterprise.name, a.sub_enterprise.name],
    "/land/parcels/": lambda a: [a.parcel.code, a.sub_parcel.code, a.enterprise.name],
    "/land/parcels/?status=unknown": lambda a: [a.parcel.code, a.sub_parcel.code],
    "/land/ledger/": lambda a: [a.zone.name, a.sub_park.name],
    "/map/parcels.geojson": lambda a: [a.parcel.code, a.sub_parcel.code, a.zone.name, a.sub_park.name],
    "/map/": lambda a: [a.zone.name, a.sub_park.name],
    "/map/layers/enterprises.geojson": lambda a: [a.enterprise.name, a.enterprise.uscc],  # on its parcel
    "/map/layers/projects.geojson": lambda a: [],  # no project has a parcel: counted, not drawn
    "/map/search.json?q=GY": lambda a: [a.parcel.code, a.sub_parcel.code],
    "/map/search.json?q=%E7%B2%BE%E5%B7%A5": lambda a: [a.enterprise.name],  # 精工: 甲's, never 乙's
    "/map/search.json?q=%E4%B9%99": lambda a: [],  # 乙, the tag of zone B's names
    "/projects/": lambda a: [a.project.name, a.sub_project.name],
    "/projects/?stage=signed": lambda a: [a.project.name],
    "/projects/board/": lambda a: [a.project.name, a.sub_project.name],
    "/projects/alerts/": lambda a: [a.project.name],  # signed 2025-09-26, 60 workdays long past
    "/projects/alerts/?kind=deadline": lambda a: [a.project.name],
    "/projects/alerts/?state=all&sort=-days&min_days=0": lambda a: [a.project.name],
    "/projects/statistics/?year=2025&month=9": lambda a: [a.zone.name],
    "/ranking/figures/": lambda a: [a.zone.name, a.sub_park.name],
    "/ranking/": lambda a: [],
    "/ranking/methods/": lambda a: [],
    # The cockpit: every registered section, for A's zone and its sub-park (a way down to it).
    "/cockpit/?year=2025&month=9": lambda a: [a.zone.name, a.sub_park.name],
    "/cockpit/screen/?year=2025&month=9": lambda a: [a.zone.name],
    # A cockpit table in full (its "show all" control): the overdue stage deadlines, A's project among them.
    "/cockpit/table/?section=projects&table=projects-late": lambda a: [a.project.name, a.zone.name],
}


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_show_zone_a_and_nothing_of_zone_b(client_a, world_a, world_b, url):
    response = client_a.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    for name in LIST_PAGES[url](world_a):
        assert name in html
    assert_nothing_of(html, world_b)


SEARCHES = {
    "enterprise name": ("/enterprises/", lambda b: b.enterprise.name),
    "sub-park enterprise name": ("/enterprises/", lambda b: b.sub_enterprise.name),
    "credit code": ("/enterprises/", lambda b: b.enterprise.uscc),
    "parcel code": ("/land/parcels/", lambda b: b.parcel.code),
    "project name": ("/projects/", lambda b: b.project.name),
    "sub-park project name": ("/projects/", lambda b: b.sub_project.name),
}


@pytest.mark.parametrize("search", SEARCHES)
def test_searching_for_zone_b_finds_nothing(client_a, world_b, search):
    url, term = SEARCHES[search]
    response = client_a.get(url, {"q": term(world_b)})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="result-count">0<' in html
    # The search box (and the language switch's return address) show back what was typed; nothing else may.
    echoes = re.compile(r'value="[^"]*' + re.escape(term(world_b)) + r'[^"]*"')
    assert_nothing_of(echoes.sub("", html), world_b)


ZONE_FILTERS = {
    "enterprises by zone B": lambda b: f"/enterprises/?zone={b.zone.pk}",
    "enterprises by B's sub-park": lambda b: f"/enterprises/?zone={b.sub_park.pk}",
    "parcels by zone B": lambda b: f"/land/parcels/?zone={b.zone.pk}",
    "parcels by B's sub-park": lambda b: f"/land/parcels/?zone={b.sub_park.pk}",
    "project statistics of zone B": lambda b: f"/projects/statistics/?zone={b.zone.pk}",
    "project statistics of B's sub-park": lambda b: f"/projects/statistics/?zone={b.sub_park.pk}",
    "project statistics export of zone B": lambda b: f"/projects/statistics/export/?zone={b.zone.pk}",
    "project statistics export of B's sub-park": lambda b: f"/projects/statistics/export/?zone={b.sub_park.pk}",
    "project alerts of zone B": lambda b: f"/projects/alerts/?zone={b.zone.pk}",
    "project alerts of B's sub-park": lambda b: f"/projects/alerts/?zone={b.sub_park.pk}",
    "project alerts export of zone B": lambda b: f"/projects/alerts/export.xlsx?zone={b.zone.pk}",
    "land ledger of zone B": lambda b: f"/land/ledger/?zone={b.zone.pk}",
    "land ledger of B's sub-park": lambda b: f"/land/ledger/?zone={b.sub_park.pk}",
    "land ledger export of zone B": lambda b: f"/land/ledger/export/?zone={b.zone.pk}",
    "map of zone B": lambda b: f"/map/?zone={b.zone.pk}",
    "map layer of zone B": lambda b: f"/map/parcels.geojson?zone={b.zone.pk}",
    "map layer of B's sub-park": lambda b: f"/map/parcels.geojson?zone={b.sub_park.pk}",
    "zone layer of zone B": lambda b: f"/map/zones.geojson?zone={b.zone.pk}",
    "map tile of zone B": lambda b: f"/map/tiles/14/13653/6693.mvt?zone={b.zone.pk}",
    "map tile of B's sub-park": lambda b: f"/map/tiles/14/13653/6693.mvt?zone={b.sub_park.pk}",
    "enterprise layer of zone B": lambda b: f"/map/layers/enterprises.geojson?zone={b.zone.pk}",
    "project layer of B's sub-park": lambda b: f"/map/layers/projects.geojson?zone={b.sub_park.pk}",
    "map search in zone B": lambda b: f"/map/search.json?q=GY&zone={b.zone.pk}",
    "status layer of zone B": lambda b: f"/land/ledger/export/layer/?zone={b.zone.pk}&format=geojson",
}


@pytest.mark.parametrize("zone_filter", ZONE_FILTERS)
def test_filtering_by_a_zone_of_b_is_refused_and_shows_nothing(client_a, world_b, zone_filter):
    response = client_a.get(ZONE_FILTERS[zone_filter](world_b))
    assert response.status_code == 400
    assert_nothing_of(response.content.decode(), world_b)


COCKPIT_OF_B = {
    "cockpit of zone B": lambda b: f"/cockpit/?year=2025&month=9&zone={b.zone.pk}",
    "cockpit of B's sub-park": lambda b: f"/cockpit/?zone={b.sub_park.pk}",
    "big screen of zone B": lambda b: f"/cockpit/screen/?year=2025&month=9&zone={b.zone.pk}",
    "cockpit table of zone B": lambda b: f"/cockpit/table/?zone={b.zone.pk}&section=projects&table=projects-late",
}


@pytest.mark.parametrize("page", COCKPIT_OF_B)
def test_the_cockpit_of_a_zone_of_b_falls_back_to_zone_a(client_a, world_a, world_b, page):
    """A leader's bookmark never fails: a zone not the user's is ignored, and the cockpit shows the user's own."""
    response = client_a.get(COCKPIT_OF_B[page](world_b))
    html = response.content.decode()
    assert response.status_code == 200
    assert world_a.zone.name in html
    assert_nothing_of(html, world_b)


DETAIL_AND_EDIT_PAGES = {
    "zone": lambda b: f"/zones/{b.zone.pk}/",
    "sub-park": lambda b: f"/zones/{b.sub_park.pk}/",
    "enterprise": lambda b: f"/enterprises/{b.enterprise.pk}/",
    "sub-park enterprise": lambda b: f"/enterprises/{b.sub_enterprise.pk}/",
    "parcel": lambda b: f"/land/parcels/{b.parcel.pk}/",
    "sub-park parcel": lambda b: f"/land/parcels/{b.sub_parcel.pk}/",
    "enterprise edit": lambda b: f"/enterprises/{b.enterprise.pk}/edit/",
    "year add": lambda b: f"/enterprises/{b.enterprise.pk}/years/add/",
    "year edit": lambda b: f"/enterprises/years/{b.year.pk}/edit/",
    "parcel edit": lambda b: f"/land/parcels/{b.parcel.pk}/edit/",
    "project": lambda b: f"/projects/{b.project.pk}/",
    "sub-park project": lambda b: f"/projects/{b.sub_project.pk}/",
    "project edit": lambda b: f"/projects/{b.project.pk}/edit/",
    "sub-park project edit": lambda b: f"/projects/{b.sub_project.pk}/edit/",
    "project delete": lambda b: f"/projects/{b.project.pk}/delete/",
    "project agreement": lambda b: f"/projects/{b.project.pk}/agreement/",
    "reported figures": lambda b: f"/ranking/zones/{b.zone.pk}/figures/",
    "sub-park reported figures": lambda b: f"/ranking/zones/{b.sub_park.pk}/figures/",
}


@pytest.mark.parametrize("page", DETAIL_AND_EDIT_PAGES)
def test_detail_and_edit_pages_of_zone_b_are_not_found(client_a, world_b, page):
    response = client_a.get(DETAIL_AND_EDIT_PAGES[page](world_b))
    assert response.status_code == 404
    assert_nothing_of(response.content.decode(), world_b)


def _b_state(world_b) -> tuple:
    enterprise = Enterprise.objects.get(pk=world_b.enterprise.pk)
    year = EnterpriseYear.objects.get(pk=world_b.year.pk)
    parcel = Parcel.objects.get(pk=world_b.parcel.pk)
    return (
        enterprise.name,
        enterprise.zone_id,
        year.tax,
        parcel.code,
        parcel.land_use,
        EnterpriseYear.objects.filter(enterprise=enterprise).count(),
    )


POSTS = {
    "enterprise edit": (
        lambda a, b: f"/enterprises/{b.enterprise.pk}/edit/",
        lambda a, b: {"uscc": b.enterprise.uscc, "name": "被篡改", "zone": a.zone.pk, "status": "active"},
    ),
    "year add": (lambda a, b: f"/enterprises/{b.enterprise.pk}/years/add/", lambda a, b: {"year": 2020, "tax": "1"}),
    "year edit": (lambda a, b: f"/enterprises/years/{b.year.pk}/edit/", lambda a, b: {"year": 2024, "tax": "1"}),
    "parcel edit": (
        lambda a, b: f"/land/parcels/{b.parcel.pk}/edit/",
        lambda a, b: {"zone": a.zone.pk, "code": "被篡改", "land_use": "commercial"},
    ),
}


@pytest.mark.parametrize("post", POSTS)
def test_posting_to_edit_pages_of_zone_b_is_not_found_and_changes_nothing(client_a, world_a, world_b, post):
    url, data = POSTS[post]
    before = _b_state(world_b)
    response = client_a.post(url(world_a, world_b), data(world_a, world_b))
    assert response.status_code == 404
    assert _b_state(world_b) == before
    assert before == ("乙精工机械有限公司", world_b.zone.pk, Decimal("3300.0000"), "乙-GY-001", "industrial", 2)


def test_home_page_counts_only_zone_a(client_a, world_a):
    html = client_a.get("/").content.decode()
    # A and its sub-park; one enterprise and one parcel in each; 2024 tax 1200 + 100 on 50 + 10 mu.
    assert '<div class="figure" id="count-zones">1</div>' in html
    assert '<div class="muted" id="count-sub-parks">另有 1 个分园</div>' in html
    assert '<div class="figure" id="count-enterprises">2</div>' in html
    assert '<div class="figure" id="count-parcels">2</div>' in html
    assert '<div class="figure" id="total-tax">1,300.00</div>' in html
    assert '<div class="figure" id="tax-per-mu">21.67</div>' in html
    assert '<div class="figure" id="parcel-mu">30.00</div>' in html  # two 15-mu squares


def test_city_analyst_sees_both_zones(client, world_a, world_b, analyst):
    client.force_login(analyst)
    html = client.get("/enterprises/").content.decode()
    assert world_a.enterprise.name in html
    assert world_b.enterprise.name in html
    home = client.get("/").content.decode()
    assert '<div class="figure" id="count-zones">2</div>' in home and "另有 2 个分园" in home


# The admin: zone users are not staff, so it is closed to them; a zone admin made staff sees only A.
ADMIN_LISTS = [
    "/admin/zones/zone/",
    "/admin/enterprises/enterprise/",
    "/admin/enterprises/enterpriseyear/",
    "/admin/land/enterpriseland/",
    "/admin/land/parcel/",
    "/admin/maps/parceltilerow/",
    "/admin/projects/project/",
    "/admin/targets/target/",
    "/admin/core/changelogentry/",
]


@pytest.mark.parametrize("url", ["/admin/", *ADMIN_LISTS])
def test_admin_is_closed_to_zone_users_who_are_not_staff(client_a, world_b, url):
    response = client_a.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.fixture
def staff_admin_a(client: Client, zone_a, world_a, world_b) -> Client:
    user = make_user("staff_admin_a", Role.ZONE_ADMIN, zones=[zone_a], is_staff=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ADMIN_LISTS)
def test_admin_lists_show_zone_a_only_to_a_staff_zone_admin(staff_admin_a, world_a, world_b, url):
    response = staff_admin_a.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert world_a.enterprise.name in html or world_a.zone.name in html or world_a.parcel.code in html
    assert_nothing_of(html, world_b)


ADMIN_OBJECTS = {
    "zone": lambda b: f"/admin/zones/zone/{b.zone.pk}/change/",
    "sub-park": lambda b: f"/admin/zones/zone/{b.sub_park.pk}/change/",
    "enterprise": lambda b: f"/admin/enterprises/enterprise/{b.enterprise.pk}/change/",
    "year": lambda b: f"/admin/enterprises/enterpriseyear/{b.year.pk}/change/",
    "land": lambda b: f"/admin/land/enterpriseland/{b.land.pk}/change/",
    "parcel": lambda b: f"/admin/land/parcel/{b.parcel.pk}/change/",
    "enterprise delete": lambda b: f"/admin/enterprises/enterprise/{b.enterprise.pk}/delete/",
    "parcel history": lambda b: f"/admin/land/parcel/{b.parcel.pk}/history/",
    "project": lambda b: f"/admin/projects/project/{b.project.pk}/change/",
}


@pytest.mark.parametrize("page", ADMIN_OBJECTS)
def test_admin_pages_of_zone_b_are_unreachable_for_a_staff_zone_admin(staff_admin_a, world_b, page):
    response = staff_admin_a.get(ADMIN_OBJECTS[page](world_b), follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [("/admin/", 302)] or response.status_code == 404
    assert_nothing_of(html, world_b)


def test_admin_post_to_zone_b_changes_nothing(staff_admin_a, world_a, world_b):
    before = _b_state(world_b)
    staff_admin_a.post(
        f"/admin/enterprises/enterprise/{world_b.enterprise.pk}/change/",
        {"uscc": world_b.enterprise.uscc, "name": "被篡改", "zone": world_a.zone.pk, "status": "active"},
    )
    staff_admin_a.post(f"/admin/enterprises/enterprise/{world_b.enterprise.pk}/delete/", {"post": "yes"})
    assert _b_state(world_b) == before


def test_admin_autocomplete_offers_nothing_of_zone_b(staff_admin_a, world_a, world_b):
    response = staff_admin_a.get(
        "/admin/autocomplete/",
        {"app_label": "enterprises", "model_name": "enterpriseyear", "field_name": "enterprise", "term": "有限公司"},
    )
    names = {item["text"] for item in response.json()["results"]}
    assert names == {world_a.enterprise.name, world_a.sub_enterprise.name}


def test_user_management_lists_and_edits_only_zone_a_users(client, world_a, world_b, admin_a, user_a, user_b):
    client.force_login(admin_a)
    html = client.get("/users/").content.decode()
    assert user_a.username in html
    assert user_b.username not in html
    assert client.get(f"/users/{user_b.pk}/edit/").status_code == 404


def test_land_ledger_export_holds_and_counts_only_zone_a(client_a, world_a, world_b):
    response = client_a.get("/land/ledger/export/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = " ".join(
        str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None
    )
    assert world_a.parcel.code in cells and world_a.sub_parcel.code in cells
    assert_nothing_of(cells, world_b)
    totals = [row for row in book["汇总"].iter_rows(values_only=True) if row[0] == "合计"]
    assert [row[2] for row in totals] == [2]


def test_project_alerts_export_holds_only_zone_a(client_a, world_a, world_b):
    response = client_a.get("/projects/alerts/export.xlsx", {"state": "all"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = " ".join(
        str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None
    )
    assert world_a.project.name in cells
    assert_nothing_of(cells, world_b)


def test_responding_to_an_alert_of_zone_b_is_not_found(client_a, world_a, world_b):
    from yuanqu.projects.models import AlertResponse

    response = client_a.post(
        "/projects/alerts/respond/",
        {"project": world_b.project.pk, "key": "deadline:1", "action": "acknowledged", "next": "/projects/alerts/"},
    )
    assert response.status_code == 404
    assert not AlertResponse.objects.exists()


def test_land_status_layer_holds_only_zone_a(client_a, world_a, world_b):
    response = client_a.get("/land/ledger/export/layer/", {"format": "geojson"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content).decode()
    assert world_a.parcel.code in data and world_a.sub_parcel.code in data
    assert_nothing_of(data, world_b)


def test_advancing_a_project_of_zone_b_is_not_found_and_changes_nothing(client_a, world_b):
    for project in (world_b.project, world_b.sub_project):
        before = (project.stage, project.events.count())
        response = client_a.post(f"/projects/{project.pk}/advance/", {"to_stage": "registered", "on": "2025-10-09"})
        assert response.status_code == 404
        assert client_a.post(f"/projects/{project.pk}/admission/").status_code == 404
        project.refresh_from_db()
        assert (project.stage, project.events.count(), project.admission_checks.count()) == (*before, 0)


def test_project_writes_on_zone_b_are_not_found_and_change_nothing(client_a, world_a, world_b):
    from yuanqu.projects.models import Agreement, Project

    project = world_b.project
    before = (project.name, project.zone_id, project.events.count())
    data = {"name": "被篡改", "zone": world_a.zone.pk}
    assert client_a.post(f"/projects/{project.pk}/edit/", data).status_code == 404
    assert client_a.post(f"/projects/{project.pk}/agreement/", {"tax_per_mu": "1"}).status_code == 404
    assert client_a.post(f"/projects/{project.pk}/delete/", {"confirm": "on"}).status_code == 404
    project = Project.objects.get(pk=project.pk)
    assert (project.name, project.zone_id, project.events.count()) == before
    assert not Agreement.objects.filter(project=project).exists()


def test_new_project_form_offers_nothing_of_zone_b_and_refuses_it(client_a, user_of_a, world_a, world_b):
    from yuanqu.projects.models import Project

    response = client_a.get("/projects/new/")
    if user_of_a.role == Role.LEADER:
        assert response.status_code == 403
    else:
        html = response.content.decode()
        assert world_a.zone.name in html
        assert_nothing_of(html, world_b)
        # the parcel and enterprise pickers propose A's and nothing of B's, whatever is typed
        for url, term, found in (
            ("/projects/pick/parcels.json", "GY", world_a.parcel.code),
            ("/projects/pick/enterprises.json", "精工", world_a.enterprise.name),
            ("/projects/pick/parcels.json", world_b.parcel.code, None),
            ("/projects/pick/enterprises.json", world_b.enterprise.uscc, None),
        ):
            picked = client_a.get(url, {"q": term}).content.decode("unicode_escape")
            assert (found is None and '"results": []' in picked) or found in picked
            assert_nothing_of(picked, world_b)
    data = {"name": "甲越界项目", "zone": world_b.zone.pk, "parcel": world_b.parcel.pk}
    response = client_a.post("/projects/new/", data)
    assert response.status_code == (403 if user_of_a.role == Role.LEADER else 400)
    assert_nothing_of(response.content.decode(), world_b)
    assert not Project.objects.filter(name="甲越界项目").exists()


# ---------------------------------------------------------------------------------------------------
# Per-mu evaluation: a city-wide run holds both zones' results, a run scoped to B is B's alone.


@pytest.fixture
def evaluation_runs(world_a, world_b, zone_b):
    from yuanqu.evaluation.services import preset_method, run_evaluation

    method = preset_method(name="huangyan-2022")
    city = run_evaluation(method=method, year=2024, user=None)
    only_b = run_evaluation(method=method, year=2024, user=None, zone_ids=[zone_b.pk])
    return city, only_b


def test_evaluation_pages_show_zone_a_results_only(client_a, world_a, world_b, evaluation_runs):
    city, only_b = evaluation_runs
    run_list = client_a.get("/evaluation/").content.decode()
    assert f"/evaluation/runs/{city.pk}/" in run_list
    assert f"/evaluation/runs/{only_b.pk}/" not in run_list
    assert client_a.get("/evaluation/").context["page"].object_list[0].visible_total == 2  # A and its sub-park
    for url in (
        f"/evaluation/runs/{city.pk}/",
        f"/evaluation/runs/{city.pk}/distribution/",
        f"/evaluation/runs/{city.pk}/zones/",
    ):
        html = client_a.get(url).content.decode()
        assert world_a.enterprise.name in html or world_a.zone.name in html
        assert_nothing_of(html, world_b)
    migration = client_a.get(f"/evaluation/migration/?from={city.pk}&to={city.pk}")
    assert migration.context["matrix"]["both"] == 2
    assert_nothing_of(migration.content.decode(), world_b)
    filtered = client_a.get(f"/evaluation/runs/{city.pk}/?zone={world_b.zone.pk}").content.decode()
    assert_nothing_of(filtered, world_b)


def test_evaluation_pages_of_zone_b_are_not_found(client_a, world_b, evaluation_runs):
    from yuanqu.evaluation.models import EvaluationResult

    city, only_b = evaluation_runs
    b_result = EvaluationResult.objects.get(run=city, enterprise=world_b.enterprise)
    for url in (
        f"/evaluation/runs/{only_b.pk}/",
        f"/evaluation/runs/{only_b.pk}/distribution/",
        f"/evaluation/runs/{only_b.pk}/public-list.xlsx",
        f"/evaluation/runs/{only_b.pk}/report.docx",
        f"/evaluation/runs/{only_b.pk}/zones/",
        f"/evaluation/results/{b_result.pk}/",
    ):
        assert client_a.get(url).status_code == 404
    migration = client_a.get(f"/evaluation/migration/?from={only_b.pk}&to={city.pk}")
    assert migration.status_code == 400
    assert_nothing_of(migration.content.decode(), world_b)
    assert client_a.post(f"/evaluation/runs/{only_b.pk}/publish/").status_code == 404


def test_evaluation_public_list_holds_only_zone_a(client_a, world_a, world_b, evaluation_runs):
    city, _only_b = evaluation_runs
    response = client_a.get(f"/evaluation/runs/{city.pk}/public-list.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    names = {row[3] for sheet in book.worksheets for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert names == {world_a.enterprise.name, world_a.sub_enterprise.name}


def test_evaluation_report_holds_only_zone_a(client_a, world_a, world_b, evaluation_runs):
    import docx

    city, _only_b = evaluation_runs
    document = docx.Document(io.BytesIO(client_a.get(f"/evaluation/runs/{city.pk}/report.docx").content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "本报告涵盖企业 2 家" in text  # A and its sub-park's enterprise
    assert world_a.zone.name in cells
    assert_nothing_of(text, world_b)


def test_evaluation_methods_and_preview_show_nothing_of_zone_b(client_a, user_of_a, world_a, world_b, evaluation_runs):
    from yuanqu.analytics.mujun import preset_text
    from yuanqu.core.access import can_edit
    from yuanqu.evaluation.models import EvaluationRun

    city, only_b = evaluation_runs
    detail = client_a.get(f"/evaluation/methods/{city.method_id}/").content.decode()
    assert f"/evaluation/runs/{city.pk}/" in detail and f"/evaluation/runs/{only_b.pk}/" not in detail
    listed = client_a.get("/evaluation/methods/").context["methods"]
    assert [(m.pk, m.runs) for m in listed] == [(city.method_id, 1)]  # zone B's run is not even counted
    data = {"name": "x", "format": "toml", "text": preset_text("huangyan-2022"), "action": "preview", "year": "2024"}
    response = client_a.post("/evaluation/methods/new/", data)
    if not can_edit(user_of_a):  # a leader reads, never edits or previews
        assert response.status_code == 403
        return
    assert response.context["preview"]["enterprise_count"] == 2
    html = response.content.decode()
    assert world_a.enterprise.name in html
    assert_nothing_of(html, world_b)
    response = client_a.post("/evaluation/methods/new/", data | {"zone": str(world_b.zone.pk)})
    assert response.status_code == 403
    assert EvaluationRun.objects.count() == 2


def test_map_tiles_hold_zone_a_parcels_and_nothing_of_zone_b(client_a, world_a, world_b):
    """Every zoom-14 tile under a parcel of either zone: A's parcels only, nothing of B in the bytes."""
    import mapbox_vector_tile
    import shapely

    from yuanqu.analytics import mvt

    seen = set()
    for parcel in (world_a.parcel, world_a.sub_parcel, world_b.parcel, world_b.sub_parcel):
        centre = shapely.from_wkb(bytes(parcel.geometry_lonlat)).centroid
        tx, ty = (int(v) for v in mvt.lonlat_to_tile_xy(centre.x, centre.y, 14))
        response = client_a.get(f"/map/tiles/14/{tx}/{ty}.mvt")
        assert response.status_code in (200, 204)
        for name in world_b.names:
            assert name.encode() not in response.content
        layers = mapbox_vector_tile.decode(response.content) if response.content else {}
        seen |= {f["properties"]["code"] for f in layers.get("parcels", {}).get("features", [])}
    assert seen == {world_a.parcel.code, world_a.sub_parcel.code}


def test_project_statistics_export_holds_only_zone_a(client_a, world_a, world_b):
    response = client_a.get("/projects/statistics/export/", {"year": 2025, "month": 9})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = " ".join(
        str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None
    )
    assert world_a.zone.name in cells
    assert_nothing_of(cells, world_b)


def test_evaluation_admin_shows_zone_a_only_to_a_staff_zone_admin(staff_admin_a, world_a, world_b, evaluation_runs):
    from yuanqu.evaluation.models import EvaluationResult

    city, only_b = evaluation_runs
    results = staff_admin_a.get("/admin/evaluation/evaluationresult/")
    assert results.status_code == 200
    html = results.content.decode()
    assert world_a.enterprise.name in html
    assert_nothing_of(html, world_b)
    runs = staff_admin_a.get("/admin/evaluation/evaluationrun/").content.decode()
    assert f"/admin/evaluation/evaluationrun/{city.pk}/change/" in runs
    assert f"/admin/evaluation/evaluationrun/{only_b.pk}/change/" not in runs
    b_result = EvaluationResult.objects.get(run=city, enterprise=world_b.enterprise)
    for url in (
        f"/admin/evaluation/evaluationrun/{only_b.pk}/change/",
        f"/admin/evaluation/evaluationresult/{b_result.pk}/change/",
    ):
        response = staff_admin_a.get(url, follow=True)
        assert response.redirect_chain == [("/admin/", 302)] or response.status_code in (403, 404)
        assert_nothing_of(response.content.decode(), world_b)
    staff_admin_a.post(f"/admin/evaluation/evaluationrun/{only_b.pk}/delete/", {"post": "yes"})
    assert type(only_b).objects.filter(pk=only_b.pk).exists()


# ---------------------------------------------------------------------------------------------------
# The admin, door by door, for a zone administrator of A with admin access: every list, every change form by
# zone B's ids, every autocomplete endpoint, every raw-id label, every list filter and "view on site".


def _admin_request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _platform_admins():
    """The model admins of the platform's own apps (Django's groups are for superusers alone)."""
    from django.contrib import admin

    admin.autodiscover()  # as the URL conf does (yuanqu.core.apps): a test may run before any page was asked for
    return [(model, ma) for model, ma in admin.site._registry.items() if model.__module__.startswith("yuanqu.")]


def _changelist(model) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


def test_every_platform_admin_and_inline_looks_related_rows_up_restricted():
    from yuanqu.core.admin import RestrictedLookups

    loose = [type(ma).__name__ for _m, ma in _platform_admins() if not isinstance(ma, RestrictedLookups)]
    loose += [
        inline.__name__
        for _m, ma in _platform_admins()
        for inline in ma.inlines
        if not issubclass(inline, RestrictedLookups)
    ]
    assert loose == []


def _b_objects(world_b) -> list:
    from yuanqu.core.models import ChangeLogEntry

    b_zones = [world_b.zone.pk, world_b.sub_park.pk]
    return [
        world_b.zone,
        world_b.sub_park,
        world_b.enterprise,
        world_b.sub_enterprise,
        world_b.year,
        world_b.parcel,
        world_b.sub_parcel,
        world_b.land,
        world_b.project,
        world_b.sub_project,
        *ChangeLogEntry.objects.filter(zone__in=b_zones)[:3],
    ]


def test_every_admin_form_offers_only_zone_a_rows(staff_admin_a, world_a, world_b):
    """Each foreign key of each form (and inline form) of the admin chooses among zone A's rows only."""
    from django.forms import ModelChoiceField

    user = User.objects.get(username="staff_admin_a")
    request = _admin_request(user)
    b_rows = {(type(obj)._meta.label, obj.pk) for obj in _b_objects(world_b)}
    a_rows = {(type(obj)._meta.label, obj.pk) for obj in (world_a.zone, world_a.enterprise, world_a.parcel)}
    offered, checked = set(), 0
    for _model, ma in _platform_admins():
        forms = [ma.get_form(request)] if ma.has_view_permission(request) else []
        forms += [inline.get_formset(request, None).form for inline in ma.get_inline_instances(request, None)]
        for form in forms:
            for field in form.base_fields.values():
                if isinstance(field, ModelChoiceField):
                    checked += 1
                    offered |= {(type(obj)._meta.label, obj.pk) for obj in field.queryset}
    assert checked >= 10
    assert offered & b_rows == set()
    assert a_rows <= offered


@pytest.mark.parametrize("url", [_changelist(model) for model, _ma in _platform_admins()])
def test_every_admin_list_and_search_shows_nothing_of_zone_b(staff_admin_a, world_a, world_b, url):
    for query in ({}, {"q": "乙"}, {"q": world_b.enterprise.uscc}, {"q": world_b.parcel.code}, {"q": "乙\x00"}):
        response = staff_admin_a.get(url, query)
        assert response.status_code in (200, 302, 400, 403)  # 302/403: a list closed to a zone administrator
        if response.status_code == 302:
            assert response["Location"].startswith("/admin/")
        html = response.content.decode()
        if query:  # the search box and the filters' links show back what was typed; nothing else may
            html = html.replace(query["q"], "")
        assert_nothing_of(html, world_b)


def test_every_admin_page_of_a_zone_b_object_is_unreachable(staff_admin_a, world_b):
    from django.contrib import admin

    admin.autodiscover()
    pages = 0
    for obj in _b_objects(world_b):
        if not admin.site.is_registered(type(obj)):
            continue
        base = f"{_changelist(type(obj))}{obj.pk}"
        for suffix in ("/change/", "/history/", "/delete/"):
            response = staff_admin_a.get(base + suffix, follow=True)
            assert response.redirect_chain == [("/admin/", 302)] or response.status_code in (403, 404), base + suffix
            assert_nothing_of(response.content.decode(), world_b)
            pages += 1
    assert pages >= 36


# add/change forms with zone B's ids in the query string: Django fills the form from them and labels a raw-id
# field (the project's parcel and enterprise) and an autocomplete field's selected option with the object's name.
RAW_ID_AND_AUTOCOMPLETE_FORMS = {
    "project add, raw-id parcel and enterprise": lambda a, b: (
        f"/admin/projects/project/add/?parcel={b.parcel.pk}&enterprise={b.enterprise.pk}&zone={b.zone.pk}"
    ),
    "project change, raw-id sub-park parcel": lambda a, b: (
        f"/admin/projects/project/{a.project.pk}/change/?parcel={b.sub_parcel.pk}&enterprise={b.sub_enterprise.pk}"
    ),
    "land add, autocomplete enterprise and parcel": lambda a, b: (
        f"/admin/land/enterpriseland/add/?enterprise={b.enterprise.pk}&parcel={b.parcel.pk}"
    ),
    "year add, autocomplete enterprise": lambda a, b: (
        f"/admin/enterprises/enterpriseyear/add/?enterprise={b.enterprise.pk}"
    ),
    "zone add, parent": lambda a, b: f"/admin/zones/zone/add/?parent={b.zone.pk}",
    "parcel add, zone": lambda a, b: f"/admin/land/parcel/add/?zone={b.sub_park.pk}",
}


@pytest.mark.parametrize("form", RAW_ID_AND_AUTOCOMPLETE_FORMS)
def test_admin_forms_name_nothing_of_zone_b_given_its_ids(staff_admin_a, world_a, world_b, form):
    response = staff_admin_a.get(RAW_ID_AND_AUTOCOMPLETE_FORMS[form](world_a, world_b))
    assert response.status_code == 200
    assert_nothing_of(response.content.decode(), world_b)


def test_admin_raw_id_label_names_zone_a_objects(staff_admin_a, world_a, world_b):
    html = staff_admin_a.get(
        f"/admin/projects/project/add/?parcel={world_a.parcel.pk}&enterprise={world_a.enterprise.pk}"
    ).content.decode()
    assert f'href="/admin/land/parcel/{world_a.parcel.pk}/change/"' in html
    assert world_a.parcel.code in html and world_a.enterprise.name in html


def test_admin_refuses_linking_a_zone_a_project_to_zone_b_land(staff_admin_a, world_a, world_b):
    from yuanqu.projects.models import Project

    project = world_a.project
    response = staff_admin_a.post(
        f"/admin/projects/project/{project.pk}/change/",
        {
            "name": project.name,
            "zone": world_a.zone.pk,
            "parcel": world_b.parcel.pk,
            "enterprise": world_b.enterprise.pk,
            "agreement-TOTAL_FORMS": "0",
            "agreement-INITIAL_FORMS": "0",
            "admission_checks-TOTAL_FORMS": "0",
            "admission_checks-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["adminform"].form.errors
    assert set(errors) >= {"parcel", "enterprise"}
    assert_nothing_of(response.content.decode(), world_b)
    assert Project.objects.filter(pk=project.pk, parcel=None, enterprise=None).exists()


def _autocomplete_endpoints() -> list[tuple[str, str, str]]:
    """Every (app, model, field) whose autocomplete the admin answers: a relation to a model with a search."""
    from django.contrib import admin

    endpoints = []
    for model, _ma in _platform_admins():
        for field in model._meta.get_fields():
            if not (field.many_to_one or field.many_to_many) or field.auto_created or not field.concrete:
                continue
            target = field.remote_field.model
            if admin.site.is_registered(target) and admin.site.get_model_admin(target).search_fields:
                endpoints.append((model._meta.app_label, model._meta.model_name, field.name))
    return endpoints


@pytest.mark.parametrize("endpoint", _autocomplete_endpoints(), ids="/".join)
def test_every_admin_autocomplete_offers_nothing_of_zone_b(staff_admin_a, world_a, world_b, endpoint):
    app_label, model_name, field_name = endpoint
    query = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
    for term in ("", "乙", world_b.enterprise.uscc, world_b.parcel.code, world_b.zone.code, "\x00"):
        response = staff_admin_a.get("/admin/autocomplete/", {**query, "term": term})
        assert response.status_code in (200, 403)  # 403: a model the zone administrator may not look at
        html = response.content.decode()
        assert_nothing_of(html.replace(term, "") if term else html, world_b)  # the 403 page shows its address


def test_admin_autocomplete_endpoints_cover_the_land_and_projects(staff_admin_a, world_a):
    endpoints = set(_autocomplete_endpoints())
    assert {
        ("land", "enterpriseland", "parcel"),
        ("land", "enterpriseland", "enterprise"),
        ("projects", "project", "parcel"),
        ("zones", "zone", "parent"),
        ("accounts", "user", "zones"),
    } <= endpoints
    response = staff_admin_a.get(
        "/admin/autocomplete/",
        {"app_label": "projects", "model_name": "project", "field_name": "parcel", "term": "GY"},
    )
    assert {item["text"] for item in response.json()["results"]} == {world_a.parcel.code, world_a.sub_parcel.code}


def test_admin_view_on_site_answers_only_for_zone_a(staff_admin_a, world_a, world_b, monkeypatch):
    from django.contrib.contenttypes.models import ContentType

    monkeypatch.setattr(Enterprise, "get_absolute_url", lambda self: f"/enterprises/{self.pk}/", raising=False)
    content_type = ContentType.objects.get_for_model(Enterprise)
    mine = staff_admin_a.get(f"/admin/r/{content_type.pk}/{world_a.enterprise.pk}/")
    assert (mine.status_code, mine["Location"]) == (302, f"http://testserver/enterprises/{world_a.enterprise.pk}/")
    for pk in (world_b.enterprise.pk, world_b.sub_enterprise.pk, 10**9, "abc"):
        response = staff_admin_a.get(f"/admin/r/{content_type.pk}/{pk}/")
        assert response.status_code == 404
        assert_nothing_of(response.content.decode(), world_b)


# letters for a number or a date, exotic digits, a number past any column, a month 13, a NUL (PostgreSQL)
BAD_FILTER_VALUES = ["abc", "²", "9" * 30, "2024-13-45", "\x00"]


def test_every_admin_list_filter_given_bad_values_answers_400_or_lists_nothing_of_b(staff_admin_a, world_a, world_b):
    """Each filter's parameters (from the list's own filters) with letters, exotic digits, huge numbers, NUL."""
    user = User.objects.get(username="staff_admin_a")
    tried = 0
    for model, ma in _platform_admins():
        request = _admin_request(user)
        if not ma.has_view_permission(request):
            continue
        parameters = {
            p for spec in ma.get_changelist_instance(request).filter_specs for p in spec.expected_parameters()
        }
        for parameter in sorted(parameters):
            for value in BAD_FILTER_VALUES:
                response = staff_admin_a.get(_changelist(model), {parameter: value})
                assert response.status_code in (200, 400), (model, parameter, value, response.status_code)
                assert_nothing_of(response.content.decode(), world_b)
                tried += 1
    assert tried >= 100


def test_admin_zone_filter_lists_nothing_for_another_zone_or_bad_values(staff_admin_a, world_a, world_b):
    ok = staff_admin_a.get("/admin/land/parcel/", {"zone": world_a.zone.pk})
    assert [p.code for p in ok.context["cl"].result_list] == [world_a.parcel.code]
    for value in (world_b.zone.pk, world_b.sub_park.pk, "abc", "²", "9" * 30):
        response = staff_admin_a.get("/admin/land/parcel/", {"zone": value})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == []


def test_admin_list_filter_given_letters_for_a_year_answers_400(staff_admin_a, world_a):
    response = staff_admin_a.get("/admin/enterprises/enterpriseyear/", {"year": "abc", "q": "机械"})
    assert response.status_code == 400
    assert (
        "参数 year=abc 无效：筛选条件无效 / parameter year=abc is invalid: the list cannot be filtered by this value"
        in (response.content.decode())
    )
    response = staff_admin_a.get("/admin/land/parcel/", {"code": "GY\x00"})
    assert response.status_code == 400
    assert "参数 code=GY\\0 无效：筛选条件无效" in response.content.decode()


# Zone evaluation: a city-wide run ranks A (provincial) and B (national); a zone user sees A's result, nothing of B
# until the city opens the run's ranks, and then B's name, total and rank only.


@pytest.fixture
def zone_ranking(world_a, world_b):
    from yuanqu.ranking.models import ZoneYear
    from yuanqu.ranking.services import preset_zone_method, run_zone_evaluation

    for world, gdp in ((world_a, 100), (world_b, 300)):
        for year in (2024, 2025):
            ZoneYear.objects.create(zone=world.zone, year=year, gdp=gdp, budget_revenue=gdp / 10)
        ZoneYear.objects.create(zone=world.sub_park, year=2025, gdp=1)
    method = preset_zone_method(name="zones-reference")
    return run_zone_evaluation(method=method, year=2025, user=None)


def test_zone_evaluation_pages_show_zone_a_and_nothing_of_zone_b(client_a, world_a, world_b, zone_ranking):
    run = zone_ranking
    for url in ("/ranking/", f"/ranking/runs/{run.pk}/", f"/ranking/runs/{run.pk}/zones/{world_a.zone.pk}/"):
        response = client_a.get(url)
        assert response.status_code == 200
        assert_nothing_of(response.content.decode(), world_b)
    assert world_a.zone.name in client_a.get(f"/ranking/runs/{run.pk}/").content.decode()
    panel = client_a.get(f"/zones/{world_a.zone.pk}/").content.decode()
    assert f"/ranking/runs/{run.pk}/zones/{world_a.zone.pk}/" in panel
    for zone in (world_b.zone, world_b.sub_park, world_a.sub_park):
        assert client_a.get(f"/ranking/runs/{run.pk}/zones/{zone.pk}/").status_code == 404
    filtered = client_a.get(f"/ranking/runs/{run.pk}/", {"group": "national"})
    assert_nothing_of(filtered.content.decode(), world_b)


def test_zone_evaluation_downloads_hold_only_zone_a(client_a, world_a, world_b, zone_ranking):
    import docx

    run = zone_ranking
    book = openpyxl.load_workbook(io.BytesIO(client_a.get(f"/ranking/runs/{run.pk}/ranking.xlsx").content))
    cells = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None)
    assert world_a.zone.name in cells
    assert_nothing_of(cells, world_b)
    document = docx.Document(io.BytesIO(client_a.get(f"/ranking/runs/{run.pk}/bulletin.docx").content))
    text = "\n".join(
        [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert world_a.zone.name in text
    assert_nothing_of(text, world_b)


def test_zone_users_cannot_open_a_runs_ranks_or_start_one(client_a, world_a, world_b, zone_ranking):
    from yuanqu.ranking.models import ZoneEvaluationRun

    run = zone_ranking
    assert client_a.post(f"/ranking/runs/{run.pk}/visibility/", {"others_visible": "1"}).status_code == 403
    run.refresh_from_db()
    assert run.others_visible is False
    assert client_a.post("/ranking/runs/new/", {"method": "preset:zones-reference", "year": "2025"}).status_code == 403
    assert ZoneEvaluationRun.objects.count() == 1


def test_zone_evaluation_names_zone_b_with_its_total_and_rank_once_opened(client_a, world_a, world_b, zone_ranking):
    from yuanqu.ranking.models import ZoneEvaluationResult, ZoneEvaluationRun

    run = zone_ranking
    ZoneEvaluationRun.objects.filter(pk=run.pk).update(others_visible=True)
    html = client_a.get(f"/ranking/runs/{run.pk}/").content.decode()
    b = ZoneEvaluationResult.objects.get(run=run, zone=world_b.zone)
    assert world_b.zone.name in html and f"{b.total:.2f}" in html
    # Nothing else of B: not its sub-park, enterprises or parcels, nor its profile.
    for name in world_b.names[1:]:
        assert name not in html
    assert client_a.get(f"/ranking/runs/{run.pk}/zones/{world_b.zone.pk}/").status_code == 404


# ---------------------------------------------------------------------------------------------------
# Supervision: letters, their lines and the supervised tasks (a zone's, a sub-park's, and one of the city's).


@pytest.fixture
def supervision(world_a, world_b):
    import datetime as dt

    from yuanqu.targets.models import ResponsibilityLetter, Target, Task

    made = {}
    for world, tag in ((world_a, "甲"), (world_b, "乙")):
        letter = ResponsibilityLetter.objects.create(zone=world.zone, year=2026, signed_by=f"{tag}签订人")
        line = Target.objects.create(letter=letter, zone=world.zone, year=2026, name=f"{tag}营商环境评价", value=90)
        tasks = [
            Task.objects.create(
                code=f"{tag}-DB-{n}",
                title=f"{tag}督办事项{n}",
                zone=zone,
                lead_unit=f"{tag}招商局",
                assigned_on=dt.date(2026, 1, 5),
                deadline=dt.date(2026, 1, 9),
            )
            for n, zone in ((1, world.zone), (2, world.sub_park))
        ]
        made[tag] = (letter, line, tasks)
    Task.objects.create(
        code="市-DB-1", title="市级督办事项", lead_unit="市督查室", assigned_on=dt.date(2026, 1, 5),
        deadline=dt.date(2026, 1, 9),
    )  # fmt: skip
    return made


SUPERVISION_B_NAMES = ["乙签订人", "乙营商环境评价", "乙-DB-1", "乙-DB-2", "乙督办事项", "乙招商局", "市级督办事项"]
SUPERVISION_PAGES = [
    "/supervision/?year=2026&as_of=2026-06-30",
    "/supervision/tasks/",
    "/supervision/tasks/?overdue=true",
    "/supervision/tasks/?mine=true",
    "/supervision/tasks/bulletin/?start=2026-01-01&end=2026-12-31",
]


def test_supervision_pages_and_exports_show_zone_a_and_nothing_of_zone_b(client_a, world_a, world_b, supervision):
    for url in SUPERVISION_PAGES:
        response = client_a.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "mine" in url or "甲-DB-1" in html or "甲营商环境评价" in html, url
        assert_nothing_of(html, world_b)
        assert [name for name in SUPERVISION_B_NAMES if name in html] == [], url
    letter_a = supervision["甲"][0]
    html = client_a.get(f"/supervision/letters/{letter_a.pk}/").content.decode()
    assert "甲营商环境评价" in html
    for url in ("/supervision/report.xlsx?year=2026", "/supervision/tasks/export.xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(client_a.get(url).content))
        cells = " ".join(str(c) for s in book for row in s.iter_rows(values_only=True) for c in row if c is not None)
        assert "甲" in cells
        assert_nothing_of(cells, world_b)
        assert [name for name in SUPERVISION_B_NAMES if name in cells] == []


def test_supervision_pages_of_zone_b_are_not_found_and_its_filter_refused(client_a, world_b, supervision):
    letter_b, _line_b, tasks_b = supervision["乙"]
    city_task = supervision["甲"][2][0].__class__.objects.get(code="市-DB-1")
    for url in (
        f"/supervision/letters/{letter_b.pk}/",
        *(f"/supervision/tasks/{task.pk}/" for task in [*tasks_b, city_task]),
        *(f"/supervision/tasks/{task.pk}/notice.docx" for task in [*tasks_b, city_task]),
    ):
        response = client_a.get(url)
        assert response.status_code == 404, url
        assert_nothing_of(response.content.decode(), world_b)
    response = client_a.get(f"/supervision/tasks/?zone={world_b.zone.pk}")
    assert response.status_code == 400
    assert_nothing_of(response.content.decode(), world_b)


def test_supervision_writes_on_zone_b_are_not_found_and_change_nothing(client_a, world_b, supervision):
    _letter_b, line_b, tasks_b = supervision["乙"]
    response = client_a.post(
        f"/supervision/lines/{line_b.pk}/report/", {"value": "1", "on": "2026-03-01", "by": "x", "evidence": "x"}
    )
    assert response.status_code == 404
    for task in tasks_b:
        data = {"to_state": "assigned", "on": "2026-01-06", "by": "x"}
        assert client_a.post(f"/supervision/tasks/{task.pk}/advance/", data).status_code == 404
        data = {"new_deadline": "2026-12-31", "reason": "x", "approver": "x"}
        assert client_a.post(f"/supervision/tasks/{task.pk}/extend/", data).status_code == 404
        task.refresh_from_db()
        assert (task.state, task.deadline, task.steps.count()) == ("registered", dt_date(2026, 1, 9), 0)
    line_b.refresh_from_db()
    assert line_b.reported_value is None


def dt_date(*args):
    import datetime as dt

    return dt.date(*args)


# --- industry chains: a chain is seen through any zone it serves; its pages show only the user's firms ---


@pytest.fixture
def chains_ab(world_a, world_b):
    from yuanqu.chains.models import TargetFirm
    from yuanqu.chains.testing import make_chain, make_node

    chain_b = make_chain([world_b.zone], "乙产业链")
    shared = make_chain([world_a.zone, world_b.zone], "共享产业链")
    node_b = make_node(chain_b, "B1", industry_codes=world_b.enterprise.industry_code)
    node = make_node(shared, "S1", industry_codes=world_a.enterprise.industry_code)
    target_b = TargetFirm.objects.create(node=node, zone=world_b.zone, name="乙目标企业")
    target_a = TargetFirm.objects.create(node=node, zone=world_a.zone, name="甲目标企业")
    return {"b": chain_b, "shared": shared, "node_b": node_b, "node": node, "target_b": target_b, "target_a": target_a}


CHAIN_PAGES = {
    "/chains/": lambda a: ["共享产业链"],
    "/chains/{shared}/": lambda a: ["共享产业链", a.enterprise.name, a.sub_enterprise.name, "甲目标企业"],
    "/chains/{shared}/tree/": lambda a: ["S1"],
    "/map/layers/chain-land.geojson": lambda a: [],
    "/zones/{zone_a}/": lambda a: ["共享产业链"],
}


@pytest.mark.parametrize("url", CHAIN_PAGES)
def test_chain_pages_show_zone_a_and_nothing_of_zone_b(client_a, world_a, world_b, chains_ab, url):
    response = client_a.get(url.format(shared=chains_ab["shared"].pk, zone_a=world_a.zone.pk))
    html = response.content.decode()
    assert response.status_code == 200
    for name in CHAIN_PAGES[url](world_a):
        assert name in html
    assert_nothing_of(html, world_b)
    assert "乙产业链" not in html and "乙目标企业" not in html


CHAIN_PAGES_OF_B = {
    "chain of B": lambda c: f"/chains/{c['b'].pk}/",
    "chain of B's tree": lambda c: f"/chains/{c['b'].pk}/tree/",
    "chain of B's edit": lambda c: f"/chains/{c['b'].pk}/edit/",
    "link of B's edit": lambda c: f"/chains/{c['b'].pk}/links/{c['node_b'].pk}/edit/",
    "target of B on a shared chain": lambda c: (
        f"/chains/{c['shared'].pk}/links/{c['node'].pk}/targets/{c['target_b'].pk}/edit/"
    ),
}


@pytest.mark.parametrize("page", CHAIN_PAGES_OF_B)
def test_chain_pages_of_zone_b_are_not_found(client_a, chains_ab, page):
    assert client_a.get(CHAIN_PAGES_OF_B[page](chains_ab)).status_code == 404


def test_the_coverage_workbook_of_a_shared_chain_holds_only_zone_a(
    client_a, user_of_a, world_a, world_b, chains_ab, settings, tmp_path
):
    import io

    import openpyxl

    from yuanqu.core.jobs import services
    from yuanqu.core.jobs.models import Job

    settings.MEDIA_ROOT = tmp_path
    assert client_a.post(f"/chains/{chains_ab['b'].pk}/coverage.xlsx/").status_code == 404
    assert (
        client_a.post(f"/chains/{chains_ab['shared'].pk}/coverage.xlsx/", {"zone": world_b.zone.pk}).status_code == 404
    )
    client_a.post(f"/chains/{chains_ab['shared'].pk}/coverage.xlsx/")
    job = Job.objects.get(kind="chain-coverage")
    assert job.user == user_of_a and services.execute(job.pk) == "succeeded"
    response = client_a.get(f"/jobs/{job.pk}/file/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert world_a.enterprise.name in cells
    assert_nothing_of(cells, world_b)


def test_chain_list_by_zone_b_shows_nothing_of_it(client_a, world_b, chains_ab):
    html = client_a.get(f"/chains/?zone={world_b.zone.pk}").content.decode()
    assert "乙产业链" not in html
    assert_nothing_of(html.replace(f'value="{world_b.zone.pk}"', ""), world_b)


def test_chain_posts_cannot_touch_zone_b(client_a, user_of_a, world_a, world_b, chains_ab):
    from yuanqu.chains.models import ChainFirm, ChainNode

    shared, node = chains_ab["shared"], chains_ab["node"]
    # Zone A may not edit a chain zone B shares, nor correct a zone B firm, nor delete B's links.
    assert client_a.post(f"/chains/{shared.pk}/links/{node.pk}/delete/").status_code == 403
    client_a.post(
        f"/chains/{shared.pk}/links/{node.pk}/firms/", {"enterprise": world_b.enterprise.pk, "decision": "include"}
    )
    assert not ChainFirm.objects.exists()
    assert client_a.post(f"/chains/{chains_ab['b'].pk}/links/{chains_ab['node_b'].pk}/delete/").status_code == 404
    assert ChainNode.objects.count() == 2


# --- enterprise service (诉求, 走访, 一企一策): each zone's requests, visits, links and plans -------------------


@pytest.fixture
def service_a_b(world_a, world_b, user_of_a):
    """A request, a visit, a plan and a link in each zone; A's linked to the user of A."""
    import datetime as dt

    from django.utils import timezone

    from yuanqu.service.models import EnterprisePlan, PlanMeasure
    from yuanqu.service.testing import link, make_request, make_visit

    made = {}
    for tag, world in (("甲", world_a), ("乙", world_b)):
        request = make_request(
            world.enterprise, received_on=dt.date(2026, 3, 2), number=f"{tag}-SQ-1", unit=f"{tag}承办局"
        )
        recently = timezone.localdate() - dt.timedelta(days=10)
        visit = make_visit(world.enterprise, visited_on=recently, findings=f"{tag}走访纪要", agency=f"{tag}经发局")
        plan = EnterprisePlan.objects.create(enterprise=world.enterprise, year=2026, goal=f"{tag}扩能目标")
        PlanMeasure.objects.create(plan=plan, content=f"{tag}协调措施", owner="某局", due_on=dt.date(2026, 9, 1))
        made[tag] = (request, visit, plan)
    link(world_a.enterprise, user_of_a)
    world_a.enterprise.key_enterprise = world_b.enterprise.key_enterprise = True
    world_a.enterprise.save()
    world_b.enterprise.save()
    return made


SERVICE_B_NAMES = ["乙-SQ-1", "乙承办局", "乙走访纪要", "乙经发局", "乙扩能目标", "乙协调措施"]

SERVICE_PAGES = {
    "/service/": ["甲-SQ-1", "甲承办局"],
    "/service/?late=true": ["甲-SQ-1"],
    "/service/?category=land&state=accepted": ["甲-SQ-1"],
    "/service/board/": ["甲-SQ-1"],
    "/service/statistics/": ["甲承办局"],
    "/service/mine/": ["甲-SQ-1"],
    "/service/visits/": ["甲走访纪要", "甲经发局"],
    "/service/visits/?unwritten=false": ["甲走访纪要"],
}


@pytest.mark.parametrize("url", SERVICE_PAGES)
def test_service_pages_show_zone_a_and_nothing_of_zone_b(client_a, service_a_b, world_a, world_b, url):
    response = client_a.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    for name in SERVICE_PAGES[url]:
        assert name in html
    assert_nothing_of(html, world_b)
    assert [name for name in SERVICE_B_NAMES if name in html] == []


def test_the_enterprise_page_service_panel_holds_only_zone_a(client_a, service_a_b, world_a, world_b):
    html = client_a.get(f"/enterprises/{world_a.enterprise.pk}/").content.decode()
    assert "甲扩能目标" in html and "甲-SQ-1" in html and "甲走访纪要" in html
    assert [name for name in SERVICE_B_NAMES if name in html] == []


SERVICE_B_PAGES = {
    "request": lambda s, b: f"/service/requests/{s['乙'][0].pk}/",
    "visit edit": lambda s, b: f"/service/visits/{s['乙'][1].pk}/edit/",
    "visit add for B's enterprise": lambda s, b: f"/service/visits/add/?enterprise={b.enterprise.pk}",
}


@pytest.mark.parametrize("page", SERVICE_B_PAGES)
def test_service_pages_of_zone_b_are_not_found(client_a, service_a_b, world_b, page):
    response = client_a.get(SERVICE_B_PAGES[page](service_a_b, world_b))
    assert response.status_code == 404
    assert [name for name in SERVICE_B_NAMES if name in response.content.decode()] == []


@pytest.mark.parametrize(
    "url",
    ["/service/?zone={}", "/service/board/?zone={}", "/service/statistics/?zone={}", "/service/visits/?zone={}"],
    ids=str,
)
def test_service_filters_naming_zone_b_are_refused(client_a, service_a_b, world_b, url):
    for zone in (world_b.zone, world_b.sub_park):
        response = client_a.get(url.format(zone.pk))
        assert response.status_code == 400
        assert [name for name in SERVICE_B_NAMES if name in response.content.decode()] == []


def test_searching_service_requests_for_zone_b_finds_nothing(client_a, service_a_b, world_b):
    html = client_a.get("/service/", {"q": "乙-SQ"}).content.decode()
    assert 'id="result-count">0<' in html


def test_posting_steps_and_visits_to_zone_b_is_not_found_and_changes_nothing(client_a, service_a_b, world_a, world_b):
    request_b, visit_b, _plan = service_a_b["乙"]
    assert client_a.post(f"/service/requests/{request_b.pk}/", {"action": "dispatch", "unit": "x"}).status_code == 404
    assert client_a.post(f"/service/visits/{visit_b.pk}/edit/", {"findings": "被篡改"}).status_code == 404
    request_b.refresh_from_db()
    visit_b.refresh_from_db()
    assert (request_b.state, request_b.steps.count(), visit_b.findings) == ("accepted", 1, "乙走访纪要")


SERVICE_ADMIN_LISTS = [
    "/admin/service/servicerequest/",
    "/admin/service/visit/",
    "/admin/service/enterpriseofficial/",
    "/admin/service/enterpriseplan/",
]


@pytest.mark.parametrize("url", SERVICE_ADMIN_LISTS)
def test_service_admin_lists_show_zone_a_only(staff_admin_a, service_a_b, world_a, world_b, url):
    response = staff_admin_a.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert world_a.enterprise.name in html
    assert_nothing_of(html, world_b)
    assert [name for name in SERVICE_B_NAMES if name in html] == []


def test_service_admin_objects_of_zone_b_are_unreachable(staff_admin_a, service_a_b):
    request_b, visit_b, plan_b = service_a_b["乙"]
    for url in (
        f"/admin/service/servicerequest/{request_b.pk}/change/",
        f"/admin/service/visit/{visit_b.pk}/change/",
        f"/admin/service/enterpriseplan/{plan_b.pk}/change/",
    ):
        response = staff_admin_a.get(url, follow=True)
        assert response.redirect_chain == [("/admin/", 302)] or response.status_code == 404
        assert [name for name in SERVICE_B_NAMES if name in response.content.decode()] == []


@pytest.fixture
def jobs_of_both(world_a, world_b):
    """A job of each zone (and of its sub-park), as a large import leaves behind."""
    from yuanqu.core.jobs.models import Job

    made = {}
    for world in (world_a, world_b):
        for zone in (world.zone, world.sub_park):
            made[zone.pk] = Job.objects.create(
                kind="import", label=f"导入：{zone.name}.xlsx", zone=zone, problems=[{"zh": zone.name, "en": ""}]
            )
    return made


def test_job_pages_show_zone_a_jobs_and_nothing_of_zone_b(client_a, world_a, world_b, jobs_of_both):
    for url in ("/jobs/", "/jobs/?state=queued"):
        html = client_a.get(url).content.decode()
        assert f"导入：{world_a.zone.name}.xlsx" in html and f"导入：{world_a.sub_park.name}.xlsx" in html
        assert_nothing_of(html, world_b)
    for zone in (world_b.zone, world_b.sub_park):
        job = jobs_of_both[zone.pk]
        for suffix in ("", "status/"):
            response = client_a.get(f"/jobs/{job.pk}/{suffix}")
            assert response.status_code == 404
            assert_nothing_of(response.content.decode(), world_b)
        for action in ("cancel", "retry"):
            assert client_a.post(f"/jobs/{job.pk}/{action}/").status_code == 404
        job.refresh_from_db()
        assert (job.state, job.cancel_requested) == ("queued", False)
    own = jobs_of_both[world_a.zone.pk]
    assert world_a.zone.name in client_a.get(f"/jobs/{own.pk}/").content.decode()


def _download_text(response) -> str:
    """What a downloaded file says: every cell of a workbook, or the bytes of a GeoPackage/GeoJSON as text (a
    GeoPackage is SQLite, which stores text as UTF-8)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        book = openpyxl.load_workbook(io.BytesIO(content))
        return " ".join(
            str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None
        )
    return content.decode("utf-8", errors="replace")


def test_land_status_layer_as_geopackage_holds_only_zone_a(client_a, world_a, world_b):
    response = client_a.get("/land/ledger/export/layer/", {"format": "gpkg"})
    assert response.status_code == 200
    data = _download_text(response)
    assert world_a.parcel.code in data and world_a.sub_parcel.code in data
    assert_nothing_of(data, world_b)


# kind → the names of zone A's objects its export must hold
EXPORT_NAMES = {
    "zones": lambda a: [a.zone.name, a.sub_park.name],
    "enterprises": lambda a: [a.enterprise.name, a.sub_enterprise.name, a.enterprise.uscc],
    "enterprise-years": lambda a: [a.enterprise.uscc],
    "parcels": lambda a: [a.parcel.code, a.sub_parcel.code],
    "projects": lambda a: [a.project.name, a.sub_project.name],
}


def _export_downloads() -> list[tuple[str, str]]:
    from yuanqu.core.exporting import export_kinds, formats

    return [(kind, suffix.lstrip(".")) for kind in export_kinds() for suffix in formats(kind)]


@pytest.mark.parametrize(("kind", "fmt"), _export_downloads())
def test_every_export_download_holds_only_zone_a(client_a, world_a, world_b, kind, fmt):
    response = client_a.get(f"/imports/export/{kind}.{fmt}")
    assert response.status_code == 200
    data = _download_text(response)
    for name in EXPORT_NAMES.get(kind, lambda a: [])(world_a):
        assert name in data
    assert_nothing_of(data, world_b)
    for zone in (world_b.zone, world_b.sub_park):
        refused = client_a.get(f"/imports/export/{kind}.{fmt}", {"zone": zone.pk})
        assert refused.status_code == 404
        assert_nothing_of(_download_text(refused), world_b)


@pytest.fixture
def new_apps_b(world_a, world_b):
    """Zone B's objects of the newer apps (supervision, service, chains, ranking figures), named so that a page
    showing any of them is caught; one object of each in zone A as well."""
    from yuanqu.chains.models import TargetFirm
    from yuanqu.chains.testing import make_chain, make_node
    from yuanqu.ranking.models import ZoneMonth, ZoneYear
    from yuanqu.service.models import EnterpriseOfficial, EnterprisePlan
    from yuanqu.service.testing import link, make_request, make_visit
    from yuanqu.targets.models import ResponsibilityLetter, Target, Task

    objects = {}
    for world, tag in ((world_a, "甲"), (world_b, "乙")):
        zone, enterprise = world.zone, world.enterprise
        letter = ResponsibilityLetter.objects.create(zone=zone, year=2026, signed_by=f"{tag}签字人王某")
        target = Target.objects.create(
            letter=letter, zone=zone, year=2026, name=f"{tag}营商环境评价", unit="分", value=90
        )
        task = Task.objects.create(code=f"{tag}-T1", zone=zone, title=f"{tag}督办整改事项", lead_unit=f"{tag}招商局",
                                   assigned_on=dt.date(2026, 5, 6), deadline=dt.date(2026, 9, 30))  # fmt: skip
        official = make_user(f"official_{world.zone.code}", Role.ZONE_STAFF, zones=[zone])
        request = make_request(enterprise, received_on=dt.date(2026, 3, 2), content=f"{tag}企业诉求用地指标")
        visit = make_visit(enterprise, official=official, visited_on=dt.date(2026, 3, 1), findings=f"{tag}走访发现")
        plan = EnterprisePlan.objects.create(enterprise=enterprise, year=2026, goal=f"{tag}一企一策扩能")
        link(enterprise, official)
        chain = make_chain([zone], f"{tag}园区动力电池链")
        firm = TargetFirm.objects.create(
            node=make_node(chain, "D1", f"{tag}电芯"), zone=zone, name=f"{tag}目标招引企业"
        )
        zone_year = ZoneYear.objects.create(zone=zone, year=2025, gdp=Decimal("123"))
        zone_month = ZoneMonth.objects.create(zone=zone, year=2026, month=5, foreign_investment=Decimal(450))
        objects[tag] = {
            "targets/responsibilityletter": letter, "targets/target": target, "targets/task": task,
            "service/servicerequest": request, "service/visit": visit, "service/enterpriseplan": plan,
            "service/enterpriseofficial": EnterpriseOfficial.objects.get(enterprise=enterprise),
            "chains/chain": chain, "chains/targetfirm": firm, "ranking/zoneyear": zone_year,
            "ranking/zonemonth": zone_month,
        }  # fmt: skip
    return objects


NEW_APP_MARKERS_B = ["乙签字人王某", "乙营商环境评价", "乙督办整改事项", "乙企业诉求用地指标", "乙走访发现", "乙一企一策扩能",
                     "乙园区动力电池链", "乙目标招引企业", "乙电芯"]  # fmt: skip


def test_the_admin_of_the_newer_apps_shows_a_staff_zone_admin_nothing_of_zone_b(
    staff_admin_a, world_a, world_b, new_apps_b
):
    """Every list, change page, history and add form (with B's ids put into its raw-id and autocomplete fields)
    of the supervision, service, chains and ranking admins, walked by a staff zone administrator of A."""

    def clean(html):
        leaked = [marker for marker in NEW_APP_MARKERS_B + world_b.names if marker in html]
        assert leaked == []

    for key, obj in new_apps_b["乙"].items():
        response = staff_admin_a.get(f"/admin/{key}/")
        assert response.status_code == 200, key
        clean(response.content.decode())
        for suffix in ("change/", "history/", "delete/"):
            response = staff_admin_a.get(f"/admin/{key}/{obj.pk}/{suffix}", follow=True)
            assert response.redirect_chain == [("/admin/", 302)] or response.status_code == 404, (key, suffix)
            clean(response.content.decode())
        lookups = {"enterprise": world_b.enterprise.pk, "zone": world_b.zone.pk, "letter": new_apps_b["乙"]["targets/responsibilityletter"].pk,
                   "visit": new_apps_b["乙"]["service/visit"].pk, "official": new_apps_b["乙"]["service/visit"].official_id}  # fmt: skip
        response = staff_admin_a.get(f"/admin/{key}/add/", lookups)
        clean(response.content.decode())
        for name, value in lookups.items():
            response = staff_admin_a.get(f"/admin/{key}/", {f"{name}__id__exact": value})
            assert response.status_code in (200, 400), (key, name)
            clean(response.content.decode())
    # A's own objects are there: the lists are not simply empty.
    html = staff_admin_a.get("/admin/service/servicerequest/").content.decode()
    assert world_a.enterprise.name in html
    assert "甲园区动力电池链" in staff_admin_a.get("/admin/chains/chain/").content.decode()
    for app, model, field in (("service", "servicerequest", "enterprise"), ("service", "visit", "enterprise"),
                              ("service", "enterpriseplan", "enterprise"), ("service", "enterpriseofficial", "enterprise")):  # fmt: skip
        response = staff_admin_a.get(
            "/admin/autocomplete/", {"app_label": app, "model_name": model, "field_name": field, "term": "有限公司"}
        )
        assert {item["text"] for item in response.json()["results"]} == {
            world_a.enterprise.name,
            world_a.sub_enterprise.name,
        }
