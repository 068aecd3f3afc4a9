"""OpenAPI schema and docs, authentication by token and by session, and constant query counts."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.land.models import EnterpriseLand
from yuanqu.land.testing import make_parcel

from .conftest import token_client


def test_schema_generates_valid_without_warnings(db, tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in ("/api/zones/", "/api/parcels/", "/api/enterprises/by-uscc/{uscc}/", "/api/enterprise-years/"):
        assert f"  {path}:" in text
    assert "实缴税收，单位：万元" in text
    assert "用地面积，单位：亩" in text


def test_schema_endpoint_serves_openapi(db):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_docs_served_from_local_sidecar_not_a_cdn(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_wrong_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get("/api/enterprises/").status_code == 401


def test_session_login_reads_the_api_and_writes_need_csrf(zone_a, enterprise_a):
    user = make_user("session_user", Role.ZONE_STAFF, zones=[zone_a])
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get("/api/enterprises/")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    refused = client.patch(f"/api/enterprises/{enterprise_a.pk}/", {"name": "无 CSRF"}, content_type="application/json")
    assert refused.status_code == 403
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "甲精密机械有限公司"


def queries_for(client, url: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url", ["/api/enterprises/", "/api/enterprise-years/", "/api/parcels/", "/api/enterprise-land/"]
)
def test_query_count_does_not_grow_with_page_size(zone_a, url):
    for n in range(55):
        enterprise = make_enterprise(zone_a)
        make_enterprise_year(enterprise, 2023)
        make_enterprise_year(enterprise, 2024)
        parcel = make_parcel(zone_a)
        EnterpriseLand.objects.create(enterprise=enterprise, parcel=parcel, area_mu=n + 1)
    client = token_client(make_user("counter", Role.ZONE_STAFF, zones=[zone_a]))
    assert queries_for(client, url, 5) == queries_for(client, url, 50)


def test_lists_are_paginated_with_count_next_previous_results(zone_a):
    for _ in range(3):
        make_enterprise(zone_a)
    client = token_client(make_user("pager", Role.ZONE_STAFF, zones=[zone_a]))
    first = client.get("/api/enterprises/", {"page_size": 2}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert (first["count"], len(first["results"]), first["previous"]) == (3, 2, None)
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
