"""A new app plugs in without editing core: the sample app, installed by one line in INSTALLED_APPS and one in the
URL map (sample_settings.py), shows its menu entry, its import kind and export, its figure per zone and home card,
its panel on the zone page, its map layer, its cockpit section and its part of the demo city."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import json, tempfile
    import django
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from openpyxl import load_workbook
    from yuanqu.accounts.models import User
    from yuanqu.core.importing.registry import import_kinds
    from yuanqu.demo.builder import build_demo_city
    from yuanqu.zones.models import Zone

    call_command("migrate", verbosity=0)
    summary = build_demo_city(seed=7, enterprises=120, parcels=150, years=2)
    zone = Zone.objects.filter(parent=None).order_by("code").first()
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    home = client.get("/").content.decode()
    zone_page = client.get(f"/zones/{zone.pk}/").content.decode()
    map_page = client.get("/map/").content.decode()
    layer = client.get("/map/layers/samples.geojson").json()
    cockpit = client.get("/cockpit/").content.decode()
    with tempfile.TemporaryDirectory() as folder:
        call_command("export", "samples", f"{folder}/samples.xlsx", user="admin", verbosity=0)
        exported = [row for row in load_workbook(f"{folder}/samples.xlsx").active.iter_rows(values_only=True)]
    found = {
        "kinds": import_kinds(),
        "menu": '<a href="/sample/">样例页</a>' in home,
        "column_card": '<div class="figure" id="sample-total">' + str(7 * Zone.objects.count()) + "</div>" in home,
        "home_card": '<p id="sample-card">样例卡片：admin</p>' in home,
        "panel": f'<p id="sample-panel">样例面板：{zone.name}</p>' in zone_page,
        "map_layer": 'data-layer="samples" checked> 样例图层</label>' in map_page,
        "layer_names": sorted(feature["properties"]["name"] for feature in layer["features"]),
        "zone_names": sorted(f"样例点·{name}" for name in Zone.objects.values_list("name", flat=True)),
        "cockpit": "样例板块" in cockpit and "样例园区数" in cockpit,
        "exported": exported,
        "export_expected": [("名称",), *((f"样例·{name}",) for name in Zone.objects.order_by("code").values_list("name", flat=True))],
        "demo_count": summary.counts.get("样例 / samples"),
        "zones": Zone.objects.count(),
        "page": client.get("/sample/").content.decode(),
    }
    print("FOUND " + json.dumps(found, ensure_ascii=False, default=list))
    """
)


def run_with_sample_app(tmp_path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "yuanqu.site.tests.sample_settings",
        "YUANQU_DATA_DIR": str(tmp_path),
        "YUANQU_DATABASE_URL": f"sqlite:///{tmp_path / 'sample.sqlite3'}",
    }
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("FOUND "))
    return json.loads(line.removeprefix("FOUND "))


def test_an_app_added_by_settings_alone_shows_everywhere_an_app_registers(tmp_path):
    found = run_with_sample_app(tmp_path)
    assert found["kinds"][-1] == "samples"
    assert found["menu"] is True
    assert found["column_card"] is True  # 7 per zone, over the demo city's 13 zones and sub-parks
    assert found["home_card"] is True
    assert found["panel"] is True
    assert found["map_layer"] is True
    assert found["zones"] == 13
    assert found["layer_names"] == found["zone_names"]
    assert len(found["layer_names"]) == 13
    assert found["cockpit"] is True
    assert [list(row) for row in found["exported"]] == [list(row) for row in found["export_expected"]]
    assert len(found["exported"]) == 14  # the header and a row per zone
    assert found["demo_count"] == 13  # the sample step ran after the zones' step, and saw its zones
    assert found["page"] == "样例页面"


def test_without_the_sample_app_nothing_of_it_shows(client, city_admin, zone_a):
    from yuanqu.core.importing.registry import import_kinds
    from yuanqu.core.registry import cockpit_sections, demo_steps, home_cards, map_layers

    client.force_login(city_admin)
    assert "samples" not in import_kinds()
    assert map_layers.get("samples") is None
    assert "sample" not in cockpit_sections.keys() + home_cards.keys() + demo_steps.keys()
    assert "样例" not in client.get("/").content.decode()
    assert "样例面板" not in client.get(f"/zones/{zone_a.pk}/").content.decode()
    assert "样例图层" not in client.get("/map/").content.decode()
