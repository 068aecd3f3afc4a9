"""Grading by quota: how counts are rounded, small groups, and ties at a boundary (they take the better grade)."""

import pytest

from yuanqu.analytics.mujun import parse_method, quota_boundaries, score
from yuanqu.analytics.tests.mujun_frames import TAX_PER_MU, enterprise, frame, one_group_method

QUOTA = (("A", 20.0), ("B", 40.0), ("C", 35.0), ("D", 5.0))

# One indicator, tax ÷ land against a benchmark of 1 with weight 100, on 100 mu: the total is the tax.
TOTAL_IS_TAX = one_group_method(
    "配额测试",
    TAX_PER_MU + 'weight = 100\nbenchmark = { kind = "fixed", value = 1 }\n',
    grading='mode = "quota"\nquota = { A = 20, B = 40, C = 35, D = 5 }',
)


def grades(*totals: float, incidents: tuple[int, ...] = ()) -> list[str]:
    """The grades of enterprises with these totals, in the order given."""
    rows = frame(
        *[enterprise(f"E{i:02d}", land_mu=100.0, tax=total, incident=i in incidents) for i, total in enumerate(totals)]
    )
    result = score(rows, parse_method(TOTAL_IS_TAX)).sort("uscc")
    return result["grade"].to_list()


@pytest.mark.parametrize(
    ("n", "ends"),
    [
        (1, [0, 1, 1, 1]),  # A: round(0.2) = 0; B: round(0.6) = 1
        (2, [0, 1, 2, 2]),  # A: round(0.4) = 0; B: round(1.2) = 1; C: round(1.9) = 2
        (3, [1, 2, 3, 3]),  # A: round(0.6) = 1; B: round(1.8) = 2; C: round(2.85) = 3
        (10, [2, 6, 10, 10]),  # C: round(9.5) = 10, half rounds up
        (20, [4, 12, 19, 20]),
        (942, [188, 565, 895, 942]),  # Lishui 2019's count: 188.4, 565.2, 894.9
    ],
)
def test_quota_boundaries_round_cumulative_shares_half_up(n, ends):
    assert quota_boundaries(n, QUOTA) == list(zip("ABCD", ends, strict=True))


def test_a_group_of_one_is_graded_b():
    assert grades(80) == ["B"]


def test_a_group_of_two_is_graded_b_and_c():
    assert grades(80, 60) == ["B", "C"]


def test_a_group_of_three_is_graded_a_b_c():
    assert grades(80, 60, 90) == ["B", "C", "A"]


def test_ten_enterprises_follow_the_quota():
    assert grades(*range(100, 0, -10)) == ["A", "A", "B", "B", "B", "B", "C", "C", "C", "C"]


def test_ties_at_a_boundary_all_take_the_better_grade_and_the_next_grade_shrinks():
    # five: A ends at position 1, B at 3, C at 5; the two 90s share position 1
    assert grades(90, 90, 80, 70, 60) == ["A", "A", "B", "C", "C"]
    assert grades(90, 80, 80, 70, 60) == ["A", "B", "B", "C", "C"]


def test_a_tie_spanning_every_boundary_takes_the_best_grade():
    assert grades(50, 50, 50, 50, 50) == ["A", "A", "A", "A", "A"]


def test_a_tie_at_the_last_boundary_leaves_no_d():
    # twenty: D is position 20 alone; the last two tie at position 19, so both are C
    totals = [*range(100, 82, -1), 10, 10]
    assert grades(*totals)[-3:] == ["C", "C", "C"]
    assert grades(*range(100, 80, -1))[-2:] == ["C", "D"]


def test_totals_equal_to_six_decimals_tie():
    # 80.0000001 and 80.0000004 both round to 80.000000: one tie at position 1 of 3
    assert grades(80.0000001, 80.0000004, 70) == ["A", "A", "C"]


def test_vetoed_enterprises_leave_the_quota_population():
    # the veto takes the best total to D; the other three are graded as a group of three
    assert grades(99, 80, 60, 90, incidents=(0,)) == ["D", "B", "C", "A"]
