"""The cockpit page at a province's size: each section drawn once per data version and kept (a warm page joins the
drawn parts), long tables shown by their first rows with the rest fetched on demand from the user's own zones."""

from __future__ import annotations

import html as html_lib
import io
import re

import pytest

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.dashboard import cockpit, drawing
from yuanqu.zones.testing import make_zone

PAGE = {"year": 2025, "month": 6}


@pytest.fixture
def leader(db):
    return make_user("leader_all", Role.LEADER)


@pytest.fixture
def many_zones(zone_a, zone_b):
    """Twenty zones beside A and B: 22 top-level zones side by side for a leader who sees them all."""
    return [make_zone(f"第{n:02d}园区", code=f"M{n:03d}") for n in range(20)]


def block(html: str, table: str) -> str:
    start = html.index(f'<div class="cockpit-table-block" id="block-long-{table}">')
    end = html.index("</table>", start)
    more = html.find('<p class="table-more">', end)
    return html[start : html.index("</p>", more) if more == end + len("</table></div>") else end]


def more_url(html: str, table: str) -> str:
    found = re.search(rf'hx-target="#block-long-{table}"', html)
    assert found, f"no control under {table}"
    control = html[html.rindex("<a ", 0, found.start()) : html.index(">", found.start())]
    return html_lib.unescape(re.search(r'hx-get="([^"]+)"', control).group(1))


def counting_drawings(monkeypatch) -> list[str]:
    """The keys of the sections drawn (their HTML made) from now on, in order."""
    keys: list[str] = []
    draw = drawing.section_view

    def counting(section, *args, **kwargs):
        keys.append(section.key)
        return draw(section, *args, **kwargs)

    monkeypatch.setattr(drawing, "section_view", counting)
    return keys


def number(html: str) -> str:
    return re.search(r'id="figure-long-builds".*?<span class="number">([^<]*)</span>', html, re.S).group(1)


def test_a_long_zone_table_shows_its_first_15_rows_and_a_control_for_all(client, leader, many_zones, long_section):
    client.force_login(leader)
    html = client.get("/cockpit/", PAGE).content.decode()
    table = block(html, "by-zone")
    assert table.count("<tr data-drill=") == 15
    names = re.findall(r'class="drill"[^>]*>([^<]+)</a>', table)
    assert names[:2] == ["甲经济开发区", "乙高新技术产业开发区"] and names[2] == "第00园区" and names[-1] == "第12园区"
    assert '<tfoot><tr class="total"><td class="">合计</td><td class="num">253</td>' in table  # all 22 zones
    assert ">展开全部 22 个园区</a>" in table and "已显示 15 / 22" in table
    items = block(html, "items")
    assert (
        items.count("<tr><td") == 15 and ">展开全部 30 行</a>" in items and "事项14" in items and "事项15" not in items
    )


def test_show_all_fetches_the_whole_table_in_place(client, leader, many_zones, long_section):
    client.force_login(leader)
    page = client.get("/cockpit/", PAGE).content.decode()
    url = more_url(page, "by-zone")
    assert url.startswith("/cockpit/table/?year=2025&month=6&section=long&table=by-zone")
    response = client.get(url, headers={"HX-Request": "true"})
    full = response.content.decode()
    assert response.status_code == 200 and full.startswith('<div class="cockpit-table-block" id="block-long-by-zone">')
    assert full.count("<tr data-drill=") == 22 and "table-more" not in full
    assert f'<tr data-drill="/cockpit/?year=2025&amp;month=6&amp;zone={many_zones[19].pk}">' in full
    assert '<td class="num">22</td>' in full and '<td class="num">253</td>' in full
    items = client.get(more_url(page, "items"), headers={"HX-Request": "true"}).content.decode()
    assert items.count("<tr><td") == 30 and "事项29" in items
    # Without script the control is a link: the same table on a page of its own, with the way back.
    page_of_its_own = client.get(url).content.decode()
    assert "<html" in page_of_its_own and page_of_its_own.count("<tr data-drill=") == 22
    assert 'href="/cockpit/?year=2025&amp;month=6"' in page_of_its_own


def test_show_all_in_english(client, leader, many_zones, long_section):
    client.force_login(leader)
    client.get("/cockpit/", PAGE)  # the Chinese page drawn first must not be served in English
    client.cookies["django_language"] = "en"
    html = client.get("/cockpit/", PAGE).content.decode()
    assert ">Show all 22 zones</a>" in block(html, "by-zone") and "showing 15 of 22" in block(html, "by-zone")
    assert ">Show all 30 rows</a>" in block(html, "items")
    full = client.get(more_url(html, "by-zone"), headers={"HX-Request": "true"}).content.decode()
    assert 'title="Open this zone&#x27;s cockpit"' in full and "进入该园区" not in full


def test_the_whole_table_is_of_the_users_own_zones(client, zone_a, zone_b, many_zones, long_section):
    leader = make_user("leader_all", Role.LEADER)
    client.force_login(leader)
    client.get(more_url(client.get("/cockpit/", PAGE).content.decode(), "by-zone"), headers={"HX-Request": "true"})
    user_a = make_user("staff_of_a", Role.ZONE_STAFF, zones=[zone_a])
    client.force_login(user_a)
    for zone in (None, zone_b.pk):  # a zone not the user's is ignored, as on the page
        params = {**PAGE, "section": "long", "table": "by-zone", **({"zone": zone} if zone else {})}
        full = client.get("/cockpit/table/", params, headers={"HX-Request": "true"}).content.decode()
        assert re.findall(r"<tbody>.*</tbody>", full, re.S)[0].count("<tr") == 1
        assert zone_a.name in full and zone_b.name not in full and "第00园区" not in full
    page = client.get("/cockpit/", PAGE).content.decode()
    assert zone_b.name not in page and "第00园区" not in page and "table-more" not in block(page, "by-zone")


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"section": "long", "table": "none"}, 404),
        ({"section": "nothing", "table": "by-zone"}, 404),
        ({"section": "long"}, 400),
        ({"section": "long", "table": "by zone<script>"}, 400),
    ],
)
def test_a_table_that_is_not_there_is_a_clear_error(client, leader, long_section, params, status):
    client.force_login(leader)
    response = client.get("/cockpit/table/", params)
    assert response.status_code == status
    assert response.content.decode() in ("驾驶舱中没有这张表", "缺少或无效的参数：section、table")


def test_a_warm_page_joins_drawn_sections_until_a_rebuilt_one_is_drawn_again(
    client, leader, zone_a, long_section, monkeypatch, django_capture_on_commit_callbacks
):
    drawn = counting_drawings(monkeypatch)
    client.force_login(leader)
    assert number(client.get("/cockpit/", PAGE).content.decode()) == "1" and drawn.count("long") == 1
    assert number(client.get("/cockpit/", PAGE).content.decode()) == "1" and drawn.count("long") == 1
    zone_a.name = "甲经济开发区（更名）"
    zone_a.save()  # any tracked write moves the data version
    with django_capture_on_commit_callbacks(execute=False):
        stale = client.get("/cockpit/", PAGE).content.decode()
    # The part drawn before the write, marked as being rebuilt; nothing drawn again while the worker has not run.
    assert number(stale) == "1" and "更新中，显示" in stale.split('id="section-long"')[1].split("</header>")[0]
    assert drawn.count("long") == 1 and long_section == [6]
    # The warm-up builds the section again and draws both pages of it (the page and the big screen) ...
    assert cockpit.warm() == 1 and long_section == [6, 6] and drawn.count("long") == 3
    fresh = client.get("/cockpit/", PAGE).content.decode()
    # ... so the next look joins the new parts, drawing nothing.
    assert number(fresh) == "2" and "更新中" not in fresh and drawn.count("long") == 3
    assert "甲经济开发区（更名）" in fresh


def test_the_warm_command_draws_every_users_pages_ahead_of_the_first_look(
    client, leader, zone_a, long_section, monkeypatch
):
    from django.core.management import call_command

    drawn = counting_drawings(monkeypatch)
    call_command("cockpit", "warm", "--users", stdout=io.StringIO())
    assert drawn.count("long") == 4  # the page and the big screen, in Chinese and English
    client.force_login(leader)
    html = client.get("/cockpit/").content.decode()
    screen = client.get("/cockpit/screen/").content.decode()
    assert number(html) == "1" and 'id="panel-long"' in screen and drawn.count("long") == 4
