"""Zone evaluation (园区综合评价): methods as data, a vectorised ranking engine, explanations.

    from yuanqu.analytics.zoneranking import load_preset, rank_zones, what_would_move
    ranking = rank_zones(figures, load_preset("zones-reference"), year=2024)
    ranking.zones  # one row per zone: total, category and indicator scores, rank, change, veto, warning …

No Django here: this runs in a notebook on a CSV read with Polars.
"""

from yuanqu.analytics.mujun.engine import EngineError
from yuanqu.analytics.zoneranking.engine import Ranking, output_columns, rank_zones, required_columns
from yuanqu.analytics.zoneranking.explain import (
    Overtake,
    PeerComparison,
    RankChange,
    compare_with_peers,
    rank_interval,
    what_would_move,
    why_rank_changed,
)
from yuanqu.analytics.zoneranking.method import (
    GROUP_LABELS,
    LEVELS,
    Category,
    Deduction,
    Indicator,
    Method,
    MethodError,
    MethodProblem,
    Veto,
    WarningRule,
    load_method,
    load_preset,
    method_from_dict,
    preset_names,
    preset_text,
)
from yuanqu.analytics.zoneranking.stability import rank_intervals, weightings

__all__ = [
    "GROUP_LABELS",
    "LEVELS",
    "Category",
    "Deduction",
    "EngineError",
    "Indicator",
    "Method",
    "MethodError",
    "MethodProblem",
    "Overtake",
    "PeerComparison",
    "RankChange",
    "Ranking",
    "Veto",
    "WarningRule",
    "compare_with_peers",
    "load_method",
    "load_preset",
    "method_from_dict",
    "output_columns",
    "preset_names",
    "preset_text",
    "rank_interval",
    "rank_intervals",
    "rank_zones",
    "required_columns",
    "weightings",
    "what_would_move",
    "why_rank_changed",
]
