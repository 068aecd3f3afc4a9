"""The land ledger page, its export, the parcel list's status filter, the parcel's status, the rules page and the
ledger API."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from rest_framework.test import APIClient

from yuanqu.land.models import LandRuleSet
from yuanqu.land.status import current_rules

AS_OF = "2025-03-02"


@pytest.fixture
def client_a(client: Client, user_a) -> Client:
    client.force_login(user_a)
    return client


def test_ledger_page_shows_mu_by_status_for_the_users_zone(client_a, land_world):
    response = client_a.get("/land/ledger/", {"as_of": AS_OF})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="ledger-count">4<' in html
    for label in ("闲置", "供而未用", "用而未尽", "已盘活"):
        assert label in html
    assert "乙-XZ-001" not in html
    assert "乙高新技术产业开发区" not in html
    assert f"/land/parcels/?status=idle&amp;as_of={AS_OF}" in html
    assert "land-ledger-data" in html
    assert "/land/ledger/export/?as_of=2025-03-02" in html


def test_ledger_totals_link_to_the_parcels_behind_them(client_a, land_world):
    response = client_a.get("/land/parcels/", {"status": "idle", "as_of": AS_OF})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="result-count">1<' in html
    assert "甲-XZ-001" in html
    assert "甲-ZF-002" not in html


def test_parcel_page_shows_its_status_and_reason(client_a, land_world):
    html = client_a.get(f"/land/parcels/{land_world.government.pk}/").content.decode()
    assert "土地状态" in html
    assert "供而未用" in html
    assert "因政府原因延迟，不认定为闲置" in html


def test_ledger_export_is_the_users_ledger(client_a, land_world):
    response = client_a.get("/land/ledger/export/", {"as_of": AS_OF})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="yuanqu-land-ledger-2025-03-02.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    codes = [row[1] for row in book["地块台账"].iter_rows(min_row=3, values_only=True)]
    assert sorted(codes) == ["甲-PH-004", "甲-XZ-001", "甲-YJ-003", "甲-ZF-002"]


def test_ledger_of_zone_b_is_refused_for_a_user_of_zone_a(client_a, land_world, zone_b):
    for url in ("/land/ledger/", "/land/ledger/export/"):
        response = client_a.get(url, {"zone": zone_b.pk, "as_of": AS_OF})
        assert response.status_code == 400
        assert "乙-XZ-001" not in response.content.decode()


def test_bad_date_on_the_ledger_page_is_a_clear_400(client_a, land_world):
    response = client_a.get("/land/ledger/", {"as_of": "2025-02-30"})
    assert response.status_code == 400


def rules_post(divisions: dict[str, str] | None = None, **changes) -> dict:
    """The rules page's POST: the default rules as form fields, with these changes and these division rows."""
    from yuanqu.analytics.land_status import LandRules

    rules = LandRules().to_dict()
    data = {name: "" if value is None else str(value) for name, value in rules.items() if not isinstance(value, dict)}
    data["indicator_land_uses"] = rules["indicator_land_uses"]
    data["halted_counts_as_idle"] = "on"
    data.update(changes)
    rows = divisions if divisions is not None else {"17": "0.8", "26": "0.6"}
    data |= {"divisions-TOTAL_FORMS": str(len(rows)), "divisions-INITIAL_FORMS": "0"}
    for index, (division, value) in enumerate(rows.items()):
        data |= {f"divisions-{index}-division": division, f"divisions-{index}-plot_ratio_min": value}
    return data


def test_rules_page_lets_a_city_administrator_change_the_rules(client, city_admin):
    client.force_login(city_admin)
    page = client.get("/land/rules/").content.decode()
    assert 'name="idle_fee_share"' in page and 'value="20 %"' in page
    assert 'name="divisions-0-division"' in page
    response = client.post(
        "/land/rules/",
        rules_post(
            {"17": "0.9", "39": "1.2"},
            idle_after_years="2",
            idle_fee_after_years="2",
            recovery_after_years="3",
            inefficient_tax_per_mu_min="",
            indicator_land_uses=["industrial", "warehouse"],
        ),
    )
    assert response.status_code == 302
    rules = current_rules()
    assert (rules.idle_after_years, rules.idle_fee_after_years, rules.recovery_after_years) == (2, 2, 3)
    assert rules.inefficient_tax_per_mu_min is None
    assert rules.indicator_land_uses == ("industrial", "warehouse")
    assert (rules.plot_ratio_min("17"), rules.plot_ratio_min("39"), rules.plot_ratio_min("26")) == (0.9, 1.2, 0.6)


def test_rules_page_shows_each_problem_in_both_languages_and_saves_nothing(client, city_admin):
    client.force_login(city_admin)
    response = client.post("/land/rules/", rules_post(idle_fee_share="3", building_coverage_min="abc"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入数字 / enter a number" in html
    response = client.post("/land/rules/", rules_post(idle_fee_share="3"))
    form = response.context["form"]
    assert list(form.errors) == ["idle_fee_share"]
    assert "idle_fee_share" in form.errors["idle_fee_share"][0] and "at most 1" in form.errors["idle_fee_share"][0]
    response = client.post("/land/rules/", rules_post(idle_after_years="3", idle_fee_after_years="2"))
    assert "the years must satisfy" in response.content.decode()
    response = client.post("/land/rules/", rules_post({"17": "0.9", "26": "-1"}))
    assert "the minimum plot ratio must be above 0: -1" in response.content.decode()
    assert LandRuleSet.objects.count() == 0


def test_rules_page_refuses_a_division_listed_twice(client, city_admin):
    client.force_login(city_admin)
    data = rules_post({"17": "0.9", "26": "0.6"})
    data["divisions-1-division"] = "17"
    html = client.post("/land/rules/", data).content.decode()
    assert "row 2: division 17 is listed twice" in html
    assert LandRuleSet.objects.count() == 0


def test_rules_page_is_read_only_for_others(client_a):
    html = client_a.get("/land/rules/").content.decode()
    assert "&quot;idle_after_years&quot;: 1" in html
    assert 'name="idle_after_years"' in html and "disabled" in html
    assert client_a.post("/land/rules/", rules_post()).status_code == 403
    assert LandRuleSet.objects.count() == 0


def test_ledger_api_returns_totals_of_the_users_zones(land_world, user_a, zone_b):
    api = APIClient()
    api.force_authenticate(user_a)
    data = api.get("/api/land-ledger/", {"as_of": AS_OF}).json()
    assert data["parcels"] == 4
    assert {t["status"]: t["parcels"] for t in data["totals"]} == {
        "supplied_unused": 1,
        "idle": 1,
        "underused": 1,
        "revitalised": 1,
    }
    assert data["area_mu"] == pytest.approx(60.0)
    assert api.get("/api/land-ledger/", {"zone": zone_b.pk}).status_code == 400
    assert api.get("/api/land-ledger/", {"as_of": "nonsense"}).status_code == 400


def test_parcels_api_filters_by_status(land_world, user_a):
    api = APIClient()
    api.force_authenticate(user_a)
    data = api.get("/api/parcels/", {"status": "idle", "as_of": AS_OF}).json()
    assert [p["code"] for p in data["results"]] == ["甲-XZ-001"]


def test_rules_in_the_admin_are_validated_and_for_city_administrators_only(client, city_admin, admin_a):
    client.force_login(city_admin)
    response = client.post("/admin/land/landruleset/add/", {"name": "default", "rules": '{"idle_fee_share": 2}'})
    assert response.status_code == 200
    assert LandRuleSet.objects.count() == 0
    response = client.post("/admin/land/landruleset/add/", {"name": "江苏", "rules": '{"building_coverage_min": 0.35}'})
    assert response.status_code == 302
    assert current_rules().building_coverage_min == 0.35
    assert LandRuleSet.objects.get().name == "江苏"
    admin_a.is_staff = True
    admin_a.save()
    client.force_login(admin_a)
    assert client.get("/admin/land/landruleset/").status_code == 403


def test_ledger_summary_is_a_zone_by_status_table(client, analyst, land_world):
    import re

    client.force_login(analyst)
    html = client.get("/land/ledger/", {"as_of": AS_OF}).content.decode()
    table = re.search(r'<table id="ledger-by-zone">.*?</table>', html, re.S).group(0)
    statuses = re.findall(r'<th colspan="2" class="group" data-status="(\w+)">', table)
    assert "idle" in statuses and len(statuses) == len(set(statuses))
    rows = re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", table, re.S)
    assert sorted(zone for zone, _cells in rows) == sorted(["甲经济开发区", "乙高新技术产业开发区"])
    cells = dict(rows)
    counts = [c.strip() for c in re.findall(r'<td class="num">(.*?)</td>', cells["乙高新技术产业开发区"])]
    # zone B: one idle parcel, nothing else; its total is that parcel
    idle = statuses.index("idle")
    assert counts[2 * idle] == "1" and counts[-2] == "1"
    assert [c for i, c in enumerate(counts[:-2]) if i // 2 != idle] == ['<span class="muted">—</span>'] * (
        len(counts) - 4
    )
    total = re.search(r"<tfoot>.*?</tfoot>", table, re.S).group(0)
    assert re.findall(r"<td class=\"num\">(.*?)</td>", total)[-2] == "5"  # four in A, one in B


def test_parcel_list_shows_each_parcels_status(client_a, land_world):
    html = client_a.get("/land/parcels/", {"as_of": AS_OF}).content.decode()
    assert "土地状态" in html
    import re

    statuses = dict(re.findall(r'>(甲-\w+-\d+)</a></td>.*?data-status="(\w*)"', html, re.S))
    assert statuses["甲-XZ-001"] == "idle"
    assert statuses["甲-ZF-002"] != "idle"  # delayed by the government: not idle


def test_shares_are_written_and_shown_as_people_write_them(client, city_admin):
    from yuanqu.land.forms import share_text

    assert [share_text(v) for v in (0.2, 1 / 3, 2 / 3, 0.25, 0.125, 0.3, 1.0)] == [
        "20 %",
        "1/3",
        "2/3",
        "25 %",
        "12.5 %",
        "30 %",
        "100 %",
    ]
    client.force_login(city_admin)
    response = client.post(
        "/land/rules/",
        rules_post(idle_fee_share="25 %", halted_developed_share_min="1/3", building_coverage_min="0.3"),
    )
    assert response.status_code == 302
    rules = current_rules()
    assert (rules.idle_fee_share, rules.halted_developed_share_min, rules.building_coverage_min) == (0.25, 1 / 3, 0.3)
    page = client.get("/land/rules/").content.decode()
    assert 'value="25 %"' in page and 'value="1/3"' in page and 'value="30 %"' in page
    assert "0.3333333333333333" not in page.split('id="land-rules"')[0]
    refused = client.post("/land/rules/", rules_post(idle_fee_share="1/0"))
    assert "请输入数字 / enter a number" in refused.content.decode()


def test_zone_page_shows_its_land_by_status(client_a, land_world, zone_a):
    import re

    html = client_a.get(f"/zones/{zone_a.pk}/").content.decode()
    table = re.search(r'<table id="zone-land-status">.*?</table>', html, re.S).group(0)
    statuses = re.findall(r'<tr data-status="(\w+)">', table)
    assert "idle" in statuses and "revitalised" in statuses
    total = re.search(r"<tfoot>.*?</tfoot>", table, re.S).group(0)
    assert re.findall(r'<td class="num">(.*?)</td>', total)[0] == "4"  # zone A's four parcels, not B's
    assert "乙-XZ-001" not in html
