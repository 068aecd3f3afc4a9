"""The project size classes and the indicators of the projects that yearly targets are set on: their keys, labels
and units, which the app registers as measures at start-up (``registrations.py``) without loading how they are
counted (``statistics.py``)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# (threshold in 万元, label): ≥ 1 亿元, ≥ 10 亿元, ≥ 20 亿元, ≥ 100 亿元. A setting may replace them.
SIZE_CLASSES = [
    (Decimal("10000"), _("1亿元以上")),
    (Decimal("100000"), _("10亿元以上")),
    (Decimal("200000"), _("20亿元以上")),
    (Decimal("1000000"), _("100亿元以上")),
]


def size_classes() -> list[tuple[Decimal, str]]:
    """The thresholds in force, lowest first (``YUANQU_PROJECT_SIZE_CLASSES`` overrides the default)."""
    configured = getattr(settings, "YUANQU_PROJECT_SIZE_CLASSES", None) or SIZE_CLASSES
    return sorted(((Decimal(str(threshold)), str(label)) for threshold, label in configured), key=lambda c: c[0])


ONE_YI = Decimal("10000")  # 1 亿元 in 万元: the threshold the count indicators use

# The indicators measured from the projects, the keys of their targets.
SIGNED_COUNT = "signed_count"
STARTED_COUNT = "started_count"
COMPLETED_COUNT = "completed_count"
SIGNED_INVESTMENT = "signed_investment"
FOREIGN_INVESTMENT = "foreign_investment"
INDICATORS = (
    (SIGNED_COUNT, _("新签约亿元以上项目数"), _("个")),
    (STARTED_COUNT, _("新开工亿元以上项目数"), _("个")),
    (COMPLETED_COUNT, _("新竣工亿元以上项目数"), _("个")),
    (SIGNED_INVESTMENT, _("新签约项目总投资（万元）"), _("万元")),
    (FOREIGN_INVESTMENT, _("新签约项目外资（万美元）"), _("万美元")),
)
"""(key, label, unit) of each indicator, in the order they are offered."""

STAGE_LABELS = {"signed": _("新签约"), "started": _("新开工"), "completed": _("新竣工")}
"""How each stage starts the name of its indicators."""


def size_class_indicators() -> list[tuple[str, object, object]]:
    """(key, label, unit) of the further indicators: for each stage, the projects of each size class above 1 亿元
    (``started_count_200000``: started, 20 亿元 or more) and the investment of the projects started or completed
    (from the stage timeline)."""
    from django.utils.functional import lazy
    from django.utils.translation import gettext

    def class_label(stage_label, yi: str) -> str:
        return gettext("%(stage)s%(n)s亿元以上项目数") % {"stage": stage_label, "n": yi}

    indicators = []
    for stage, stage_label in STAGE_LABELS.items():
        for threshold, _class_label in size_classes():
            if threshold > ONE_YI:
                yi = f"{(threshold / ONE_YI).normalize():f}"
                label = lazy(class_label, str)(stage_label, yi)
                indicators.append((f"{stage}_count_{int(threshold)}", label, _("个")))
    indicators.append(("started_investment", _("新开工项目总投资（万元）"), _("万元")))
    indicators.append(("completed_investment", _("新竣工项目总投资（万元）"), _("万元")))
    return indicators
