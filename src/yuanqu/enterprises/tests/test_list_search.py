"""The list's search: Chinese words found in names and products as written, Latin letters in any case, credit
codes in lower case; and the list's indexes, which keep a province's list fast."""

from __future__ import annotations

import pytest
from django.db import connection

from yuanqu.enterprises.filtersets import EnterpriseFilterSet
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.testing import make_enterprise

pytestmark = pytest.mark.django_db


def searched(value: str) -> list[str]:
    filterset = EnterpriseFilterSet({"q": value, "sort": "name"}, queryset=Enterprise.objects.all())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.values_list("name", flat=True))


def lookups(value: str) -> set[str]:
    """The lookups of the search condition (the OR of one lookup per searched field)."""
    filterset = EnterpriseFilterSet({"q": value}, queryset=Enterprise.objects.all())
    assert filterset.is_valid(), filterset.errors
    (condition,) = filterset.qs.query.where.children
    return {child.lookup_name for child in condition.children}


@pytest.fixture
def firms(zone_a):
    make_enterprise(zone_a, "甲精密机械有限公司")
    make_enterprise(zone_a, "甲模具有限公司", main_products="精密模具、冲压件")
    make_enterprise(zone_a, "甲ABB电气有限公司", main_products="Switchgear")
    make_enterprise(zone_a, "甲化工有限公司", main_products="涂料")
    return zone_a


def test_chinese_word_found_in_names_and_products(firms):
    # Ordered by code point: 模 (U+6A21) before 精 (U+7CBE).
    assert searched("精密") == ["甲模具有限公司", "甲精密机械有限公司"]
    assert searched("涂料") == ["甲化工有限公司"]
    assert searched("纺织") == []


def test_latin_letters_found_in_any_case(firms):
    assert searched("abb") == ["甲ABB电气有限公司"]
    assert searched("SWITCH") == ["甲ABB电气有限公司"]


def test_credit_code_found_from_a_lower_case_part(zone_a):
    firm = make_enterprise(zone_a, "甲电子有限公司")
    make_enterprise(zone_a, "甲纺织有限公司")
    assert searched(firm.uscc[-8:].lower()) == ["甲电子有限公司"]


def test_words_without_letter_case_are_matched_as_written_and_letters_in_any_case():
    # A case-insensitive match upper-cases every row's text on PostgreSQL: only letters need it.
    assert lookups("精密") == {"contains"}
    assert lookups("2024") == {"contains"}
    assert lookups("abb") == {"icontains"}
    assert lookups("精密abb") == {"icontains"}


def test_list_indexes_exist_on_names_and_on_each_years_firms():
    with connection.cursor() as cursor:
        firm_indexes = connection.introspection.get_constraints(cursor, Enterprise._meta.db_table)
        year_indexes = connection.introspection.get_constraints(cursor, EnterpriseYear._meta.db_table)
    assert firm_indexes["enterprise_name_idx"]["columns"] == ["name", "id"]
    assert year_indexes["enterprise_year_firms_idx"]["columns"] == [
        "year",
        "enterprise_id",
        "tax",
        "land_mu",
        "above_scale",
    ]
    assert "enterprise_year_year_idx" not in year_indexes
