"""Column names of the scoring output, shared by the engine and the explanations."""

from __future__ import annotations

GRADED = "graded"
NOT_GRADED = "not_graded"
EXCLUDED = "excluded"
OUT_OF_SCOPE = "out_of_scope"
STATUSES = (GRADED, NOT_GRADED, EXCLUDED, OUT_OF_SCOPE)

# Internal working columns start with "_" and never reach the output.
NOT_GRADED_REASON = "_not_graded_reason"
EXCLUDED_BY = "_excluded_by"
VETO_GRADE = "_veto_grade"


def value(key: str) -> str:
    return f"{key}_value"


def benchmark(key: str) -> str:
    return f"{key}_benchmark"


def ratio(key: str) -> str:
    return f"{key}_ratio"


def score(key: str) -> str:
    return f"{key}_score"


def issue(key: str) -> str:
    return f"{key}_issue"


def minimum(key: str) -> str:
    return f"{key}_min"


def maximum(key: str) -> str:
    return f"{key}_max"


def raw_ratio(key: str) -> str:
    """The ratio before its cap and floor, to say in the explanation that one applied."""
    return f"_{key}_raw_ratio"
