"""The map page's Content-Security-Policy lets in the active base map's tile host, and nothing else."""

from __future__ import annotations

import pytest

from yuanqu.maps.basemaps import tile_origin
from yuanqu.maps.models import BaseMap


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        (
            "https://t0.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={TileMatrix}&TILEROW={TileRow}&TILECOL={TileCol}",
            "https://t0.tianditu.gov.cn",
        ),
        ("http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png", "http://10.1.2.3:8080"),
        ("/tiles/{z}/{x}/{y}.png", None),  # this site's own: 'self' already
        ("https://{s}.tiles.example/{z}/{x}/{y}.png", None),  # not a host a policy can name
        ("javascript:alert(1)//{z}/{x}/{y}", None),
    ],
)
def test_tile_origin(url, origin):
    assert tile_origin(BaseMap(url=url)) == origin
    assert tile_origin(None) is None


def _policy(client) -> dict[str, str]:
    header = client.get("/map/")["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_the_map_page_allows_the_active_base_maps_host_only(client, user_a):
    client.force_login(user_a)
    assert _policy(client)["img-src"] == "'self' data: blob:"
    BaseMap.objects.create(name="旧底图", url="https://old.example.gov.cn/{z}/{x}/{y}.png")
    BaseMap.objects.create(name="底图", url="https://tiles.example.gov.cn/{z}/{x}/{y}.png", active=True)
    policy = _policy(client)
    assert policy["img-src"] == "'self' data: blob: https://tiles.example.gov.cn"
    assert policy["connect-src"] == "'self' https://tiles.example.gov.cn"
    # Other pages keep the plain policy.
    assert "tiles.example.gov.cn" not in client.get("/")["Content-Security-Policy"]
