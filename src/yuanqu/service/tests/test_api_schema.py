"""The service API answers as its OpenAPI schema says (the fuzz test found the first of these on the demo city)."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from yuanqu.service.testing import make_visit


def test_a_visit_without_an_official_has_a_null_official_name_and_the_schema_allows_it(enterprise_a, user_a):
    visit = make_visit(enterprise_a, visited_on=dt.date(2026, 7, 20))
    client = APIClient()
    client.force_authenticate(user_a)
    row = client.get("/api/service-visits/").json()["results"][0]
    assert (row["id"], row["official"], row["official_name"]) == (visit.pk, None, None)
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["components"]["schemas"]["Visit"]["properties"]["official_name"] == {
        "type": "string",
        "readOnly": True,
        "nullable": True,
    }
