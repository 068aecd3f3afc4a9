"""Per-mu evaluation (亩均效益综合评价): methods as data, an exact and fast scoring engine, explanations.

    from yuanqu.analytics.mujun import load_preset, score
    result = score(frame, load_preset("huangyan-2022"))

No Django here: this runs in a notebook on a CSV read with Polars.
"""

from yuanqu.analytics.mujun.engine import EngineError, output_columns, quota_boundaries, required_columns, score
from yuanqu.analytics.mujun.expression import FIELDS, Expression, ExpressionError, parse
from yuanqu.analytics.mujun.method import (
    Adjustment,
    Benchmark,
    Grading,
    Group,
    Indicator,
    Method,
    MethodError,
    MethodProblem,
    NotGraded,
    Policy,
    Veto,
    load_method,
    load_preset,
    parse_method,
    preset_names,
    preset_text,
)

__all__ = [
    "FIELDS",
    "Adjustment",
    "Benchmark",
    "EngineError",
    "Expression",
    "ExpressionError",
    "Grading",
    "Group",
    "Indicator",
    "Method",
    "MethodError",
    "MethodProblem",
    "NotGraded",
    "Policy",
    "Veto",
    "load_method",
    "load_preset",
    "output_columns",
    "parse",
    "parse_method",
    "preset_names",
    "preset_text",
    "quota_boundaries",
    "required_columns",
    "score",
]
