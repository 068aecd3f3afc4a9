"""The API fuzzed against its own OpenAPI schema (schemathesis, on Hypothesis): every operation, as a signed-in zone
user, with generated valid and invalid parameters and bodies. No answer is a 5xx, and every answer the schema
describes matches it (body and content type).

Fixed seed and a bounded number of examples per operation, so a run is repeatable and short; requests go through
Django's WSGI application in the test's thread (no server), on the test database.
"""

from __future__ import annotations

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
    """A small demo city (every app's objects: zones and sub-parks, parcels, enterprises and their years, projects on
    their first stage and later ones, city-wide evaluation and ranking runs, responsibility letters, targets and
    tasks, service requests and visits, chains and their target firms) and the API token of a zone administrator of
    one of its zones, beside the others."""
    from rest_framework.authtoken.models import Token

    from yuanqu.demo.builder import build_demo_city
    from yuanqu.zones.models import Zone

    build_demo_city(seed=7, enterprises=60, parcels=80, years=2, log=False)
    zone = Zone.objects.filter(parent=None).order_by("pk").first()
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
        except (Exception, BaseExceptionGroup) as error:  # schemathesis reports its failures as a group
            failures.append(f"{operation.label}: {str(error)[:1500]}")

    # Generated ids seldom name a row, so each reading operation is also called as a client would: a list with no
    # filters (every row of the city's first page checked against the schema), and each object's own endpoints
    # with the ids that list gave.
    reading = [operation for operation in operations if operation.method.upper() == "GET"]
    ids: dict[str, list[int]] = {}
    for operation in reading:
        if "{" in operation.path:
            continue
        try:
            response = operation.Case().call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as error:  # schemathesis reports its failures as a group
            failures.append(f"{operation.label} (no filters): {str(error)[:1500]}")
            continue
        rows = response.json()
        rows = rows.get("results", []) if isinstance(rows, dict) else rows
        ids[operation.path] = [row["id"] for row in rows if isinstance(row, dict) and "id" in row][:3]
    called = 0
    for operation in reading:
        names = [p.name for p in operation.path_parameters]
        if len(names) != 1:
            continue
        listing = operation.path.split("{", 1)[0]
        for pk in ids.get(listing, []):
            called += 1
            try:
                operation.Case(path_parameters={names[0]: pk}).call_and_validate(headers=headers, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as error:  # schemathesis reports its failures as a group
                failures.append(f"{operation.label} ({names[0]}={pk}): {str(error)[:1500]}")
    assert called > 40  # the objects' endpoints were reached with ids that name rows
    assert failures == [], "\n\n".join(failures)
