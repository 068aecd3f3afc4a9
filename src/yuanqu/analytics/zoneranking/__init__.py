"""Zone evaluation (园区综合评价): methods as data.

    from yuanqu.analytics.zoneranking import load_preset
    method = load_preset("zones-reference")

No Django here: this runs in a notebook on a CSV read with Polars.
"""

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

__all__ = [
    "GROUP_LABELS",
    "LEVELS",
    "Category",
    "Deduction",
    "Indicator",
    "Method",
    "MethodError",
    "MethodProblem",
    "Veto",
    "WarningRule",
    "load_method",
    "load_preset",
    "method_from_dict",
    "preset_names",
    "preset_text",
]
