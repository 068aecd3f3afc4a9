"""The two settled rules (FORMAT.md, "Settled rules"): vetoed enterprises count in the group means that
benchmarks use; a missing figure excludes only where the indicator says ``on_missing = "exclude"``."""

import pytest

from yuanqu.analytics.mujun import parse_method, score
from yuanqu.analytics.tests.mujun_frames import TAX_PER_MU, enterprise, frame, one_group_method, row_of


def scored(on_missing: str, *rows):
    indicator = TAX_PER_MU + f'weight = 100\non_missing = "{on_missing}"\nbenchmark = {{ kind = "group_mean" }}\n'
    method = one_group_method(
        "规则测试", indicator, grading='mode = "thresholds"\nthresholds = { A = 150, B = 100, C = 50 }'
    )
    return score(frame(*rows), parse_method(method))


def test_a_vetoed_enterprise_counts_in_the_group_mean():
    result = scored(
        "exclude",
        enterprise("E1", land_mu=1.0, tax=10.0),
        enterprise("E2", land_mu=1.0, tax=30.0, incident=True),
    )
    # the mean is Σtax ÷ Σland over both, the vetoed E2 included: 40 ÷ 2 = 20 (without it: 10)
    assert row_of(result, "E1")["tax_per_mu_benchmark"] == 20.0
    assert (row_of(result, "E1")["total"], row_of(result, "E1")["grade"]) == (50.0, "C")
    assert (row_of(result, "E2")["total"], row_of(result, "E2")["grade"]) == (150.0, "D")  # veto beats 150


@pytest.mark.parametrize(
    ("on_missing", "status", "total", "grade"),
    [("exclude", "excluded", None, None), ("zero", "graded", 0.0, "D")],
)
def test_missing_tax_excludes_only_when_the_method_says_so(on_missing, status, total, grade):
    result = scored(
        on_missing,
        enterprise("E1", land_mu=1.0, tax=10.0),
        enterprise("E2", land_mu=1.0, tax=30.0),
        enterprise("E3", land_mu=1.0, tax=None),
    )
    missing = row_of(result, "E3")
    assert (missing["status"], missing["total"], missing["grade"]) == (status, total, grade)
    # either way the missing figure is not in the mean: 40 ÷ 2 = 20
    assert row_of(result, "E1")["tax_per_mu_benchmark"] == 20.0
