"""The options commands share: the file to write (--out) and the zone named by --zone."""

import pytest
from django.core.management.base import CommandError

from yuanqu.accounts.testing import make_user
from yuanqu.core.management.users import output_option, zone_ids_option, zone_option
from yuanqu.zones.testing import make_zone


def test_output_option_accepts_a_listed_suffix_in_any_case(tmp_path):
    assert output_option(str(tmp_path / "layer.GeoJSON"), ".gpkg", ".geojson") == tmp_path / "layer.GeoJSON"


@pytest.mark.parametrize(
    ("suffixes", "message"),
    [
        ((".xlsx",), "输出文件须为 .xlsx：out.csv / the output must be an .xlsx file: out.csv"),
        ((".docx",), "输出文件须为 .docx：out.csv / the output must be a .docx file: out.csv"),
        (
            (".gpkg", ".geojson"),
            "输出文件须为 .gpkg 或 .geojson：out.csv / the output must be a .gpkg or .geojson file: out.csv",
        ),
    ],
)
def test_output_option_names_the_suffixes_it_wants(tmp_path, suffixes, message):
    with pytest.raises(CommandError) as caught:
        output_option(str(tmp_path / "out.csv"), *suffixes)
    assert str(caught.value) == message


def test_output_option_refuses_a_missing_folder(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(CommandError) as caught:
        output_option(str(missing / "out.xlsx"), ".xlsx")
    assert str(caught.value) == f"目录不存在：{missing} / no such directory: {missing}"


def test_zone_option_finds_by_code_or_name_and_hides_another_zone(db):
    zone_a = make_zone("甲经济开发区", code="A001")
    zone_b = make_zone("乙高新区", code="B001")
    user = make_user("options_staff", "zone_staff", zones=[zone_a])
    assert zone_option("A001", user) == zone_a
    assert zone_option("甲经济开发区", user) == zone_a
    assert zone_option("B001", None) == zone_b  # no user: the system sees every zone
    with pytest.raises(CommandError) as caught:
        zone_option("B001", user)
    assert str(caught.value) == "没有这个园区：B001 / no such zone: B001"
    assert zone_ids_option(["A001"], user) == frozenset({zone_a.pk})
    assert zone_ids_option([], user) is None
