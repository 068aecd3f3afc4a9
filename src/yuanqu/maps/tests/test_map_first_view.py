"""The map's first view: the box around the user's parcels and, per zone, the box it zooms to when that first view
is too far out to draw the parcels (only the user's zones)."""

from __future__ import annotations

import json

import pytest

from yuanqu.accounts.testing import make_user
from yuanqu.land.testing import make_parcel, square
from yuanqu.zones.testing import make_zone


@pytest.fixture
def two_zones(db, zone_b):
    first = make_zone("甲经济开发区", code="A001")
    second = make_zone("甲高新区", code="A002")
    make_parcel(first, "甲-XZ-001", geometry=square(500000, 3460000, 100))
    make_parcel(first, "甲-XZ-002", geometry=square(500200, 3460000, 100))
    make_parcel(second, "甲-XZ-003", geometry=square(560000, 3460000, 100))
    make_parcel(zone_b, "乙-XZ-001", geometry=square(600000, 3460000, 100))
    return first, second


def config_of(client, **query) -> dict:
    html = client.get("/map/", query).content.decode()
    return json.loads(html.split('id="one-map-config" type="application/json">')[1].split("</script>")[0])


def test_each_zone_of_the_user_has_the_box_of_its_parcels(client, two_zones):
    first, second = two_zones
    client.force_login(make_user("two_zone_staff", "zone_staff", zones=[first, second]))
    config = config_of(client)
    boxes = config["zone_bounds"]
    assert len(boxes) == 2  # not zone B's
    west, south, east, north = config["bounds"]
    for box in boxes:  # within the first view
        assert west <= box[0] < box[2] <= east and south <= box[1] < box[3] <= north
    # The first zone's two parcels side by side: 300 m wide, 100 m high (at 31°N: about 0.0031° by 0.0009°).
    assert round(boxes[0][2] - boxes[0][0], 4) == 0.0031 and round(boxes[0][3] - boxes[0][1], 4) == 0.0009
    assert boxes[1][0] > boxes[0][2] + 0.5  # 60 km east
    assert config["tiles_minzoom"] == 12
    assert len(config_of(client, zone=second.pk)["zone_bounds"]) == 1
