"""A new app plugs in without editing core: the sample app, installed by one line in INSTALLED_APPS and one in the
URL map (sample_settings.py), shows its menu entry, its import kind, its figure per zone and its panel."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from yuanqu.accounts.testing import make_user
    from yuanqu.core.importing.registry import import_kinds
    from yuanqu.zones.testing import make_zone

    call_command("migrate", verbosity=0)
    zone = make_zone("样例园区", code="S001")
    client = Client()
    client.force_login(make_user("city", "city_admin"))
    home = client.get("/").content.decode()
    zone_page = client.get(f"/zones/{zone.pk}/").content.decode()
    print("KINDS", ",".join(import_kinds()))
    print("MENU", '<a href="/sample/">样例页</a>' in home)
    print("CARD", '<div class="figure" id="sample-total">7</div>' in home)
    print("PANEL", '<p id="sample-panel">样例面板：样例园区</p>' in zone_page)
    print("PAGE", client.get("/sample/").content.decode())
    """
)


def run_with_sample_app(tmp_path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "yuanqu.site.tests.sample_settings",
        "YUANQU_DATA_DIR": str(tmp_path),
        "YUANQU_DATABASE_URL": f"sqlite:///{tmp_path / 'sample.sqlite3'}",
    }
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)


def test_an_app_added_by_settings_alone_shows_in_menus_imports_home_and_zone_page(tmp_path):
    found = run_with_sample_app(tmp_path)
    assert found["KINDS"].split(",")[-1] == "samples"
    assert found["MENU"] == "True"
    assert found["CARD"] == "True"
    assert found["PANEL"] == "True"
    assert found["PAGE"] == "样例页面"


def test_without_the_sample_app_nothing_of_it_shows(client, city_admin, zone_a):
    from yuanqu.core.importing.registry import import_kinds

    client.force_login(city_admin)
    assert "samples" not in import_kinds()
    assert "样例" not in client.get("/").content.decode()
    assert "样例面板" not in client.get(f"/zones/{zone_a.pk}/").content.decode()
