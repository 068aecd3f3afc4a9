"""The API fuzzed against its own OpenAPI schema (schemathesis, on Hypothesis): every operation, as a signed-in zone
user, with generated valid and invalid parameters and bodies. No answer is a 5xx, and every answer the schema
describes matches it (body and content type).

Fixed seed and a bounded number of examples per operation, so a run is repeatable and short; requests go through
Django's WSGI application in the test's thread (no server), on the test database.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.land.testing import make_parcel
from yuanqu.projects.models import Stage
from yuanqu.projects.testing import make_project
from yuanqu.zones.testing import make_zone

EXAMPLES_PER_OPERATION = 8
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

_django = WSGIHandler()


def app(environ, start_response):
    """Django's WSGI application, answering inside the test's transaction: a finished request must not close the
    test's connection (Django's own test client holds the same signal back)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = _django(environ, start_response)
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return [body]


schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = app


@pytest.fixture
def zone_user_token(db):
    """A zone administrator of a zone with a sub-park, a parcel, an enterprise with its years, projects (one with a
    history, one on its first stage) and an evaluation run, beside another zone; the user's API token."""
    from rest_framework.authtoken.models import Token

    from yuanqu.evaluation.services import preset_method, run_evaluation

    zone = make_zone("甲经济开发区", code="A001", level="provincial", kind="provincial_dz")
    other = make_zone("乙高新技术产业开发区", code="B001", level="national", kind="htz")
    sub_park = make_zone("甲光电产业园", code="A001-S", parent=zone)
    for owner, tag in ((zone, "甲"), (sub_park, "甲园"), (other, "乙")):
        make_parcel(owner, f"{tag}-GY-001")
        enterprise = make_enterprise(owner, f"{tag}精工机械有限公司")
        make_enterprise_year(enterprise, 2024, tax=Decimal("120"), land_mu=Decimal("15"))
        make_project(owner, f"{tag}新能源项目", history=[(Stage.LEAD, dt.date(2025, 9, 1))])
        make_project(
            owner,
            f"{tag}电池项目",
            history=[(Stage.LEAD, dt.date(2025, 9, 1)), (Stage.SIGNED, dt.date(2025, 9, 26))],
        )
    run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=None, zone_ids=[zone.pk])
    user = make_user("fuzz_a", Role.ZONE_ADMIN, zones=[zone])
    return Token.objects.create(user=user).key


def test_the_api_answers_every_generated_request_without_5xx_and_as_its_schema_says(zone_user_token):
    """Each operation in turn on one world (building it once keeps the run short); every failure is collected."""
    headers = {"Authorization": f"Token {zone_user_token}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50  # the whole API, not a part of it

    for operation in operations:

        @seed(20261206)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            fuzz()
        except Exception as error:
            failures.append(f"{operation.label}: {str(error)[:1500]}")
    assert failures == [], "\n\n".join(failures)
