"""Promises kept (履约): a project's agreement checked against the facts the platform holds.

The verdict is the worst finding: breached (a promise is broken), at risk (a date is near or a fact is
missing when it should be known), or on track. Each finding states its reason with numbers, in Chinese
and English ("约定 2025-03-01 开工，至今未开工，逾期 183 天").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from yuanqu.projects.models import STAGE_ORDER, Agreement, Stage, stage_rank

ON_TRACK, AT_RISK, BREACHED = "on_track", "at_risk", "breached"
SEVERITY = {ON_TRACK: 0, AT_RISK: 1, BREACHED: 2}
VERDICT_LABELS = {ON_TRACK: ("正常履约", "on track"), AT_RISK: ("存在风险", "at risk"), BREACHED: ("违约", "breached")}

# A promised date this close (calendar days) with the stage not reached is a risk.
WARNING_DAYS = 30


@dataclass(frozen=True)
class Finding:
    verdict: str
    zh: str
    en: str


@dataclass(frozen=True)
class Facts:
    """What the platform knows about a project, gathered for the check."""

    stage: str
    reached: dict[str, dt.date]  # stage → the first date the project reached it or a later stage
    invested: Decimal | None = None  # the parcel's completed investment, 万元
    parcel_mu: Decimal | None = None
    tax_per_mu: Decimal | None = None  # the enterprise's latest year, 万元/亩
    output_per_mu: Decimal | None = None
    figures_year: int | None = None


@dataclass(frozen=True)
class Compliance:
    verdict: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def label_zh(self) -> str:
        return VERDICT_LABELS[self.verdict][0]

    @property
    def label_en(self) -> str:
        return VERDICT_LABELS[self.verdict][1]


def facts_of(project, *, events, latest_year=None) -> Facts:
    """The facts of a project from its parcel (loaded with it), its events and its enterprise's latest
    yearly figures with land (an ``EnterpriseYear`` or None); the caller loads them, one by one or in bulk."""
    parcel = project.parcel
    tax_per_mu = output_per_mu = year = None
    if latest_year is not None:
        year = latest_year.year
        tax_per_mu = latest_year.tax / latest_year.land_mu if latest_year.tax is not None else None
        if latest_year.industrial_output is not None:
            output_per_mu = latest_year.industrial_output / latest_year.land_mu
    return Facts(
        stage=project.stage,
        reached=reached_dates(events),
        invested=parcel.invested if parcel else None,
        parcel_mu=parcel.area_mu if parcel else None,
        tax_per_mu=tax_per_mu,
        output_per_mu=output_per_mu,
        figures_year=year,
    )


def reached_dates(events) -> dict[str, dt.date]:
    """For each stage in the order, the first event date at which the project was at it or beyond."""
    ordered = sorted(events, key=lambda e: (e.on, e.recorded_at, e.pk))
    return reached_from((event.to_stage, event.on) for event in ordered)


def reached_from(steps) -> dict[str, dt.date]:
    """``reached_dates`` of (to_stage, on) pairs already in the timeline's order."""
    reached: dict[str, dt.date] = {}
    top = -1  # every stage up to this rank has its date
    for to_stage, on in steps:
        rank = stage_rank(to_stage)
        if rank is None or rank <= top:
            continue
        for stage in STAGE_ORDER[top + 1 : rank + 1]:
            reached[stage] = on
        top = rank
    return reached


def _number(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1')):,}"


def _date_promise(promised: dt.date | None, actual: dt.date | None, today: dt.date, what_zh: str, what_en: str):
    if promised is None:
        return None
    if actual is not None:
        if actual > promised:
            days = (actual - promised).days
            return Finding(
                BREACHED,
                f"约定 {promised} {what_zh}，实际 {actual} {what_zh}，逾期 {days} 天",
                f"promised to {what_en} on {promised}, did so on {actual}, {days} days late",
            )
        return None
    if today > promised:
        days = (today - promised).days
        return Finding(
            BREACHED,
            f"约定 {promised} {what_zh}，至今未{what_zh}，逾期 {days} 天",
            f"promised to {what_en} on {promised}, not yet done, {days} days late",
        )
    if (promised - today).days <= WARNING_DAYS:
        days = (promised - today).days
        return Finding(
            AT_RISK,
            f"约定 {promised} {what_zh}，尚未{what_zh}，还剩 {days} 天",
            f"promised to {what_en} on {promised}, not yet done, {days} days left",
        )
    return None


def assess(agreement: Agreement, facts: Facts, *, today: dt.date) -> Compliance | None:
    """The agreement's verdict with its reasons; None for a dropped project (nothing left to keep)."""
    if facts.stage == Stage.DROPPED:
        return None
    findings = [
        _date_promise(agreement.start_by, facts.reached.get(Stage.STARTED), today, "开工", "start construction"),
        _date_promise(
            agreement.production_by, facts.reached.get(Stage.IN_PRODUCTION), today, "投产", "start production"
        ),
    ]
    completed = Stage.COMPLETED in facts.reached
    promised = agreement.total_investment
    if completed and promised and facts.invested is not None and facts.invested < promised:
        share = facts.invested / promised * 100
        findings.append(
            Finding(
                BREACHED,
                f"竣工后已完成投资 {_number(facts.invested)} 万元，承诺 {_number(promised)} 万元（完成 {share:.0f}%）",
                f"invested {_number(facts.invested)} (10k yuan) after completion, promised "
                f"{_number(promised)} ({share:.0f}%)",
            )
        )
    if completed and agreement.intensity and facts.invested is not None and facts.parcel_mu:
        intensity = facts.invested / facts.parcel_mu
        if intensity < agreement.intensity:
            findings.append(
                Finding(
                    BREACHED,
                    f"投资强度 {_number(intensity)} 万元/亩，承诺 {_number(agreement.intensity)} 万元/亩",
                    f"investment intensity {_number(intensity)} (10k yuan/mu), promised {_number(agreement.intensity)}",
                )
            )
    if Stage.AT_CAPACITY in facts.reached:
        for promised, actual, zh, en in (
            (agreement.tax_per_mu, facts.tax_per_mu, "亩均税收", "tax per mu"),
            (agreement.output_per_mu, facts.output_per_mu, "亩均产值", "output per mu"),
        ):
            if not promised:
                continue
            if actual is None:
                findings.append(
                    Finding(
                        AT_RISK,
                        f"已达产，但没有企业年度{zh}数据，无法核对承诺 {_number(promised)} 万元",
                        f"at full capacity but no yearly {en} of the enterprise to check against {_number(promised)}",
                    )
                )
            elif actual < promised:
                findings.append(
                    Finding(
                        BREACHED,
                        f"达产后{zh} {_number(actual)} 万元，承诺 {_number(promised)} 万元",
                        f"{en} at full capacity {_number(actual)} (10k yuan), promised {_number(promised)}",
                    )
                )
    findings = [f for f in findings if f is not None]
    verdict = max((f.verdict for f in findings), key=SEVERITY.__getitem__, default=ON_TRACK)
    return Compliance(verdict, findings)
