"""Parameters parsed in one place per kind: a bad one is refused naming it, in both languages, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict
from django.test import Client

from yuanqu.core import params


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[("12", 12), (" 7 ", 7), ("0", None), ("-1", None), ("²", None), ("١٢", None), (str(2**63 - 1), 2**63 - 1)],
        *[(str(2**63), None), ("9" * 30, None), ("1e3", None), ("", None), ("a\x00", None)],
    ],
)
def test_ids_are_ascii_digits_a_database_can_hold(text, expected):
    assert params.to_id(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[("2025-09-26", dt.date(2025, 9, 26)), ("1900-01-01", dt.date(1900, 1, 1))],
        *[("2199-12-31", dt.date(2199, 12, 31)), ("0001-01-01", None), ("99999-12-31", None)],
        *[("2025-02-30", None), ("２０２５-01-01", None), ("", None)],
    ],
)
def test_dates_lie_in_the_platforms_span(text, expected):
    assert params.to_date(text) == expected


def test_a_bad_parameter_names_itself_in_both_languages():
    with pytest.raises(params.BadParameter) as raised:
        params.date_param(QueryDict("as_of=0001-01-01"), "as_of")
    message = str(raised.value)
    assert "参数 as_of=0001-01-01 无效" in message
    assert "parameter as_of=0001-01-01 is invalid" in message
    with pytest.raises(params.BadParameter, match="parameter zone=²"):
        params.id_param(QueryDict("zone=²"), "zone")
    with pytest.raises(params.BadParameter, match="parameter year=1 "):
        params.year_param(QueryDict("year=1"))
    with pytest.raises(params.BadParameter, match="parameter month=13 "):
        params.month_param(QueryDict("month=13"))
    with pytest.raises(params.BadParameter, match="one of: a, b"):
        params.choice_param(QueryDict("kind=c"), "kind", ["a", "b"])
    assert params.page_param(QueryDict("page=²")) == 1
    assert params.page_param(QueryDict("page=3")) == 3
    assert params.year_param(QueryDict(""), default=2025) == 2025


def test_form_fields_give_form_errors():
    from django import forms

    class Form(forms.Form):
        zone = params.IdField(required=False)
        year = params.YearField(required=False, min_value=2000)
        on = params.DateField(required=False)

    form = Form({"zone": "١", "year": "1", "on": "0001-01-01"})
    assert not form.is_valid()
    assert set(form.errors) == {"zone", "year", "on"}
    assert Form({"zone": "3", "year": "2025", "on": "2025-01-02"}).is_valid()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/land/parcel/?zone__id__exact=abc",
        "/land/ledger/?as_of=0001-01-01",
        "/land/ledger/export/?as_of=0001-01-01",
        "/imports/export/zones.xlsx?zone=%C2%B2",
        "/imports/export/zones.xlsx?zone=99999999999999999999",
        "/enterprises/?zone=99999999999999999999",
        "/api/enterprises/?zone=99999999999999999999",
        "/api/land-ledger/?as_of=0001-01-01",
        "/api/parcels/?zone=%C2%B2",
    ],
)
def test_the_causes_found_answer_400(city_admin, zone_a, url):
    client = Client(raise_request_exception=False)
    client.force_login(city_admin)
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]


def test_a_bad_parameter_page_names_it(city_admin):
    client = Client(raise_request_exception=False)
    client.force_login(city_admin)
    response = client.get("/imports/export/zones.xlsx?zone=%C2%B2")
    assert response.status_code == 400
    assert "zone=²" in response.content.decode()
