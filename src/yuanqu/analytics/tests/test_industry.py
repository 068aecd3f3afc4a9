"""The GB/T 4754-2017 class table shipped with the platform, and codes checked against it."""

from __future__ import annotations

import pytest

from yuanqu.analytics.industry import IndustryCodeError, class_codes, class_name, code_names, parse_industry_code


def test_the_table_holds_every_group_and_class():
    names = code_names()
    assert len(class_codes()) == 1380
    assert sum(1 for code in names if len(code) == 3) == 274
    assert sum(1 for code in names if len(code) == 2) == 97
    assert class_name("3841") == "锂离子电池制造"
    assert class_name("3670") == "汽车零部件及配件制造"
    assert class_name("2761") == "生物药品制造"
    assert class_name("9999") == ""


def test_a_class_parses_with_its_name_section_and_division():
    code = parse_industry_code("c3841")
    assert (code.code, code.section, code.division, code.name) == ("3841", "C", "38", "锂离子电池制造")
    assert code.label == "C3841 锂离子电池制造"
    assert parse_industry_code("38").name == "电气机械和器材制造业"
    assert parse_industry_code("384").name == "电池制造"


@pytest.mark.parametrize(
    ("raw", "zh", "en"),
    [
        ("3845", "GB/T 4754-2017 中没有小类 3845", "GB/T 4754-2017 has no class 3845"),
        ("C1810", "GB/T 4754-2017 中没有小类 1810", "GB/T 4754-2017 has no class 1810"),
        ("369", "GB/T 4754-2017 中没有中类 369", "GB/T 4754-2017 has no group 369"),
    ],
)
def test_a_code_missing_from_the_table_is_refused_with_reasons(raw, zh, en):
    with pytest.raises(IndustryCodeError) as error:
        parse_industry_code(raw)
    assert (error.value.reason_zh, error.value.reason_en) == (zh, en)
