"""The per-mu measures targets can be set on: the share graded A or B and the enterprises graded D in the zone (its
sub-parks included) in the latest evaluation published in the target's year, as the user may see them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yuanqu.enterprises.testing import make_enterprise
from yuanqu.evaluation.models import EvaluationResult, EvaluationRun
from yuanqu.evaluation.selectors import count_d, share_a_b
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.django_db


def run(year: int, published: dt.datetime | None) -> EvaluationRun:
    status = EvaluationRun.Status.PUBLISHED if published else EvaluationRun.Status.DRAFT
    return EvaluationRun.objects.create(
        method_name="m", method_text="", method_digest="x", year=year, input_hash="x", status=status,
        published_at=published,
    )  # fmt: skip


def test_share_a_b_and_count_d_from_the_latest_run_published_in_the_year(zone_a, zone_b, user_a, user_b):
    sub_park = make_zone("甲分园", code="A001-S", parent=zone_a)
    first = run(2025, timezone.make_aware(dt.datetime(2026, 4, 1, 10)))
    draft = run(2025, None)
    for n, (zone, grade) in enumerate([(zone_a, "A"), (zone_a, "B"), (sub_park, "C"), (sub_park, "D"), (zone_b, "A")]):
        enterprise = make_enterprise(zone, f"企业{n}")
        EvaluationResult.objects.create(run=first, enterprise=enterprise, zone=zone, grade=grade)
        EvaluationResult.objects.create(run=draft, enterprise=enterprise, zone=zone, grade="D")
    EvaluationResult.objects.create(run=first, enterprise=make_enterprise(zone_a, "未评价"), zone=zone_a, grade="")
    june = dt.date(2026, 6, 30)
    assert share_a_b(user=user_a, zone=zone_a, year=2026, as_of=june) == 50.0  # A, B of A, B, C, D
    assert count_d(user=user_a, zone=zone_a, year=2026, as_of=june) == 1
    assert share_a_b(user=user_a, zone=zone_a, year=2026, as_of=dt.date(2026, 3, 31)) is None  # not yet published
    assert count_d(user=user_a, zone=zone_a, year=2025, as_of=june) is None
    assert count_d(user=user_b, zone=zone_a, year=2026, as_of=june) == 0  # zone A's results are not B's to see
