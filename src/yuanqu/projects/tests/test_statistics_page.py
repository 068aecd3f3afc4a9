"""The monthly statistics page: the latest month with data by default, every zone side by side with the total,
and one unit per column."""

from __future__ import annotations

import datetime as dt

from yuanqu.projects.models import Stage
from yuanqu.projects.testing import make_project
from yuanqu.zones.testing import make_zone

D = dt.date


def ledger(zone_a, zone_b):
    sub = make_zone("甲光电产业园", code="A001-S", parent=zone_a)
    make_project(
        zone_a,
        "甲大项目",
        history=[(Stage.SIGNED, D(2025, 3, 10)), (Stage.STARTED, D(2025, 5, 6))],
        total_investment="250000",
    )
    make_project(sub, "甲小项目", history=[(Stage.SIGNED, D(2025, 5, 20))], total_investment="5000")
    make_project(zone_b, "乙项目", history=[(Stage.SIGNED, D(2025, 7, 5))], total_investment="900000")


def cells(html, row_id):
    import re

    row = re.search(rf'<tr (?:id|data-zone)="{row_id}".*?</tr>', html, re.S).group(0)
    return [c.strip() for c in re.findall(r'<td class="num">(.*?)</td>', row)]


def test_a_city_user_sees_every_zone_side_by_side_in_the_latest_month(client, analyst, zone_a, zone_b):
    ledger(zone_a, zone_b)
    client.force_login(analyst)
    response = client.get("/projects/statistics/")
    assert (response.context["year"], response.context["month"]) == (2025, 7)  # 乙's signing, the latest
    html = response.content.decode()
    assert "全市合计" in html and 'id="zone-comparison"' in html
    # signed: this month, year to date, 亿元; started; completed
    assert cells(html, zone_a.pk) == ["0", "2", "25.50", "0", "1", "25.00", "0", "0", "0.00"]
    assert cells(html, zone_b.pk) == ["1", "1", "90.00", "0", "0", "0.00", "0", "0", "0.00"]
    assert cells(html, "comparison-total") == ["1", "3", "115.50", "0", "1", "25.00", "0", "0", "0.00"]
    assert "本月个数（个）" in html and "本月总投资（亿元）" in html


def test_a_zone_user_sees_only_its_zone_and_its_total(client, user_a, zone_a, zone_b):
    ledger(zone_a, zone_b)
    client.force_login(user_a)
    response = client.get("/projects/statistics/")
    assert (response.context["year"], response.context["month"]) == (2025, 5)
    html = response.content.decode()
    assert zone_b.name not in html and "全市合计" not in html
    assert cells(html, zone_a.pk) == ["1", "2", "25.50", "1", "1", "25.00", "0", "0", "0.00"]
    assert cells(html, "comparison-total") == cells(html, zone_a.pk)
    chosen = client.get("/projects/statistics/?year=2025&month=3")
    assert cells(chosen.content.decode(), zone_a.pk)[:2] == ["1", "1"]


def test_zone_and_enterprise_pages_show_their_projects(client, user_a, zone_a, zone_b):
    from yuanqu.enterprises.testing import make_enterprise

    firm = make_enterprise(zone_a, "甲精工机械有限公司")
    ledger(zone_a, zone_b)
    make_project(zone_a, "甲企业项目", history=[(Stage.LEAD, D(2025, 6, 1))], enterprise=firm, total_investment="30000")
    make_project(zone_a, "甲终止项目", history=[(Stage.DROPPED, D(2025, 6, 1))])
    client.force_login(user_a)
    html = client.get(f"/zones/{zone_a.pk}/").content.decode()
    assert 'id="zone-project-stages"' in html
    # 甲大 started, 甲小 (the sub-park's) signed, 甲企业 a lead, 甲终止 dropped: counted, not listed
    assert f'?zone={zone_a.pk}&amp;stage=started">1<' in html and f'?zone={zone_a.pk}&amp;stage=signed">1<' in html
    assert f'?zone={zone_a.pk}&amp;stage=dropped">1<' in html
    listed = html.split('id="zone-projects"')[1].split("</table>")[0]
    assert listed.index("甲大项目") < listed.index("甲企业项目") < listed.index("甲小项目")
    assert "甲终止项目" not in listed and "乙项目" not in html
    page = client.get(f"/enterprises/{firm.pk}/").content.decode()
    assert 'id="enterprise-projects"' in page and "甲企业项目" in page and "甲大项目" not in page
