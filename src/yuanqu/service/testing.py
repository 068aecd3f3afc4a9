"""Factories of the service app for tests and benchmarks: categories, links, requests taken through the loop."""

from __future__ import annotations

import datetime as dt

from yuanqu.service import services
from yuanqu.service.models import EnterpriseOfficial, ServiceCategory, ServiceRequest, Visit


def make_category(code: str = "land", name: str = "用地") -> ServiceCategory:
    return ServiceCategory.objects.get_or_create(code=code, defaults={"name": name})[0]


def link(enterprise, official, role=EnterpriseOfficial.Role.LINKED_OFFICIAL) -> EnterpriseOfficial:
    return EnterpriseOfficial.objects.create(enterprise=enterprise, official=official, role=role)


def make_request(enterprise, *, received_on: dt.date, kind: str = "help", user=None, **fields) -> ServiceRequest:
    """A request accepted through the service (its time limit and due date from the calendar)."""
    fields.setdefault("category", make_category())
    fields.setdefault("content", "厂房用电增容")
    request = ServiceRequest(enterprise=enterprise, received_on=received_on, kind=kind, **fields)
    return services.accept_request(request=request, user=user)


def make_visit(enterprise, *, official=None, visited_on: dt.date, **fields) -> Visit:
    fields.setdefault("state", Visit.State.DONE)
    return Visit.objects.create(enterprise=enterprise, official=official, visited_on=visited_on, **fields)
