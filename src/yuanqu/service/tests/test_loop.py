"""The closed loop of a request: every allowed step with its day and who took it, the steps a state refuses,
督办 only when late, extensions with reason and approver, and a return to 办理 when the enterprise is not satisfied."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yuanqu.core.models import ChangeLogEntry
from yuanqu.service import services
from yuanqu.service.models import RequestStep, ServiceRequest
from yuanqu.service.testing import make_request

pytestmark = pytest.mark.django_db

D = dt.date
State = ServiceRequest.State
RECEIVED = D(2026, 3, 2)  # a Monday; a help request is due Monday 9 March

ALL_ACTIONS = ["dispatch", "handle", "reply", "close", "call_back", "rate", "chase", "extend"]
# The actions each state allows (chase only once late, extend while being handled).
ALLOWED = {
    "accepted": {"dispatch", "chase", "extend"},
    "dispatched": {"dispatch", "handle", "chase", "extend"},
    "handling": {"reply", "chase", "extend"},
    "replied": {"close"},
    "closed": {"call_back"},
    "called_back": {"rate"},
    "rated": set(),
}
PATH = [  # the loop from 受理 to 评价: (action, keyword arguments, state after)
    ("dispatch", {"unit": "供电公司"}, "dispatched"),
    ("handle", {}, "handling"),
    ("reply", {"note": "已安排增容施工"}, "replied"),
    ("close", {}, "closed"),
    ("call_back", {"note": "企业确认已通电"}, "called_back"),
    ("rate", {"satisfaction": 5, "note": "很及时"}, "rated"),
]
ARGS = {
    "dispatch": {"unit": "供电公司"},
    "reply": {"note": "答复"},
    "rate": {"satisfaction": 4},
    "extend": {"days": 2, "note": "需现场勘查", "approver": "张主任"},
}


def request_in(state: str, enterprise, user) -> ServiceRequest:
    request = make_request(enterprise, received_on=RECEIVED, user=user)
    for action, kwargs, after in PATH:
        if request.state == state:
            break
        services.advance_request(request=request, action=action, user=user, on=D(2026, 3, 5), **kwargs)
        assert request.state == after
    return request


def test_the_whole_loop_records_each_step_with_day_and_person(enterprise_a, user_a):
    request = make_request(enterprise_a, received_on=RECEIVED, user=user_a)
    days = [D(2026, 3, 3), D(2026, 3, 4), D(2026, 3, 6), D(2026, 3, 9), D(2026, 3, 11), D(2026, 3, 11)]
    for (action, kwargs, after), on in zip(PATH, days, strict=True):
        services.advance_request(request=request, action=action, user=user_a, on=on, **kwargs)
        assert request.state == after
    request.refresh_from_db()
    assert (request.state, request.unit, request.replied_on, request.closed_on) == (
        "rated",
        "供电公司",
        D(2026, 3, 6),
        D(2026, 3, 9),
    )
    assert (request.satisfaction, request.satisfaction_comment, request.reply) == (5, "很及时", "已安排增容施工")
    steps = list(request.steps.values_list("action", "on", "by_name"))
    assert steps == [
        ("accept", RECEIVED, "staff_a"),
        ("dispatch", D(2026, 3, 3), "staff_a"),
        ("handle", D(2026, 3, 4), "staff_a"),
        ("reply", D(2026, 3, 6), "staff_a"),
        ("close", D(2026, 3, 9), "staff_a"),
        ("call_back", D(2026, 3, 11), "staff_a"),
        ("rate", D(2026, 3, 11), "staff_a"),
    ]
    # Each step and each change of the request is in the change log.
    logged = ChangeLogEntry.objects.filter(object_id=str(request.pk), content_type__model="servicerequest")
    assert logged.count() == 7  # created, then six updates
    assert logged.filter(action="update").latest("id").after["state"] == "rated"


@pytest.mark.parametrize("state", list(ALLOWED))
def test_each_state_allows_exactly_its_steps(state, enterprise_a, user_a, monkeypatch):
    request = request_in(state, enterprise_a, user_a)
    late = D(2026, 3, 20)
    assert set(services.allowed_actions(request, today=late)) == ALLOWED[state]
    for action in ALL_ACTIONS:
        if action in ALLOWED[state]:
            continue
        with pytest.raises(ValidationError):
            services.advance_request(request=request, action=action, user=user_a, **ARGS.get(action, {}))
        assert ServiceRequest.objects.get(pk=request.pk).state == state


def test_chase_only_when_late_and_counts(enterprise_a, user_a):
    request = make_request(enterprise_a, received_on=RECEIVED, user=user_a)
    assert "chase" not in services.allowed_actions(request, today=D(2026, 3, 9))
    with pytest.raises(ValidationError):
        services.advance_request(request=request, action="chase", user=user_a, on=D(2026, 3, 9))
    services.advance_request(request=request, action="chase", user=user_a, on=D(2026, 3, 10), note="请加快")
    services.advance_request(request=request, action="chase", user=user_a, on=D(2026, 3, 12))
    assert (request.state, request.chase_count) == ("accepted", 2)


def test_an_extension_needs_reason_and_approver_and_moves_the_due_date(enterprise_a, user_a):
    request = make_request(enterprise_a, received_on=RECEIVED, user=user_a)
    assert request.due_on == D(2026, 3, 9)
    with pytest.raises(ValidationError):
        services.advance_request(request=request, action="extend", user=user_a, days=3, note="需勘查")
    services.advance_request(
        request=request, action="extend", user=user_a, on=D(2026, 3, 4), days=3, note="需勘查", approver="张主任"
    )
    assert (request.extension_days, request.due_on) == (3, D(2026, 3, 12))
    assert request.steps.get(action="extend").note == "+3：需勘查（张主任）"


def test_not_satisfied_goes_back_to_handling_and_round_again(enterprise_a, user_a):
    request = request_in("called_back", enterprise_a, user_a)
    services.advance_request(request=request, action="rate", user=user_a, satisfaction=2, note="没解决")
    assert (request.state, request.satisfaction, request.closed_on) == ("handling", 2, None)
    assert list(request.steps.values_list("action", flat=True))[-2:] == ["rate", "reopen"]
    for action, kwargs, after in PATH[2:]:
        services.advance_request(request=request, action=action, user=user_a, **kwargs)
        assert request.state == after
    assert request.satisfaction == 5


@pytest.mark.parametrize("satisfaction", [0, 6, None])
def test_a_rating_outside_1_to_5_is_refused(satisfaction, enterprise_a, user_a):
    request = request_in("called_back", enterprise_a, user_a)
    with pytest.raises(ValidationError):
        services.advance_request(request=request, action="rate", user=user_a, satisfaction=satisfaction)
    assert ServiceRequest.objects.get(pk=request.pk).state == "called_back"


def test_dispatch_needs_a_unit_and_reply_a_text(enterprise_a, user_a):
    request = make_request(enterprise_a, received_on=RECEIVED, user=user_a)
    with pytest.raises(ValidationError):
        services.advance_request(request=request, action="dispatch", user=user_a, unit=" ")
    services.advance_request(request=request, action="dispatch", user=user_a, unit="人社局")
    services.advance_request(request=request, action="handle", user=user_a)
    with pytest.raises(ValidationError):
        services.advance_request(request=request, action="reply", user=user_a, note="")


def test_a_step_cannot_be_dated_before_the_last_or_after_today(enterprise_a, user_a):
    request = make_request(enterprise_a, received_on=RECEIVED, user=user_a)
    services.advance_request(request=request, action="dispatch", user=user_a, unit="国土分局", on=D(2026, 3, 5))
    with pytest.raises(ValidationError):
        services.advance_request(request=request, action="handle", user=user_a, on=D(2026, 3, 4))
    with pytest.raises(ValidationError):
        services.advance_request(request=request, action="handle", user=user_a, on=D(2099, 1, 1))
    assert RequestStep.objects.filter(request=request).count() == 2


def test_another_zones_user_cannot_take_a_step(enterprise_a, user_a, user_b):
    request = make_request(enterprise_a, received_on=RECEIVED, user=user_a)
    with pytest.raises(PermissionDenied):
        services.advance_request(request=request, action="dispatch", user=user_b, unit="x")
    with pytest.raises(PermissionDenied):
        make_request(enterprise_a, received_on=RECEIVED, user=user_b)


def test_the_state_changes_only_through_the_steps(enterprise_a, user_a):
    request = make_request(enterprise_a, received_on=RECEIVED, user=user_a)
    request.state = "closed"
    with pytest.raises(ValidationError):
        services.update_request(request=request, user=user_a)
