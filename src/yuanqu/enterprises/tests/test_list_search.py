"""The list's search (Chinese words found in names and products as written, Latin letters in any case, credit
codes in lower case), its pages in the order of a sort by a figure, and its indexes, which keep a province's list
fast."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from yuanqu.enterprises import selectors
from yuanqu.enterprises.filtersets import EnterpriseFilterSet
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year

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


def test_list_indexes_exist_on_names_and_on_each_years_firms_and_tax():
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
    by_tax = year_indexes["enterprise_year_tax_idx"]
    assert (by_tax["columns"], by_tax["orders"]) == (["year", "tax", "enterprise_id"], ["ASC", "DESC", "ASC"])
    assert "enterprise_year_year_idx" not in year_indexes


@pytest.fixture
def taxed(zone_a):
    """Firms with the year's tax (ties among them), with a row but no tax, with no land, and with no row."""
    figures = [("300", "10"), ("100", "4"), ("300", "30"), (None, "5"), ("50", "0"), ("100", None), ("75", "3")]
    for n in range(21):
        firm = make_enterprise(zone_a, f"甲企业{n:02d}有限公司")
        if n % 8 != 7:
            tax, land = figures[n % len(figures)]
            make_enterprise_year(
                firm,
                2024,
                tax=None if tax is None else Decimal(tax),
                land_mu=None if land is None else Decimal(land),
            )
    return zone_a


@pytest.mark.parametrize("one_query_up_to", [0, 5000])
@pytest.mark.parametrize("sort", ["-tax", "tax", "-tax_per_mu", "tax_per_mu"])
def test_pages_by_a_figure_are_those_of_the_one_query_order(taxed, sort, one_query_up_to, monkeypatch):
    # 0: every page read as the two queries (as for a province's firms); 5000: in one query (as for a zone's).
    monkeypatch.setattr(selectors.FiguresFirst, "ONE_QUERY_UP_TO", one_query_up_to)
    filterset = EnterpriseFilterSet({"sort": sort}, queryset=Enterprise.objects.all())
    assert filterset.is_valid(), filterset.errors
    expected = list(filterset.qs.values_list("pk", flat=True))  # ordered by SORTS[sort], nulls last
    ids = selectors.ordered_ids(filterset.qs, sort)
    assert isinstance(ids, selectors.FiguresFirst)
    assert ids.count() == len(expected) == 21
    for size in (1, 4, 7):
        pages = [ids[start : start + size] for start in range(0, len(expected), size)]
        assert [pk for page in pages for pk in page] == expected
    assert ids[15:40] == expected[15:]
    assert ids[30:40] == []


def test_pages_by_name_are_one_query():
    filterset = EnterpriseFilterSet({"sort": "-name"}, queryset=Enterprise.objects.all())
    assert filterset.is_valid()
    assert not isinstance(selectors.ordered_ids(filterset.qs, "-name"), selectors.FiguresFirst)
