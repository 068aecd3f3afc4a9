"""Parcel statuses by the legal rules: idle land under MLR Order No. 53, the 2008 land control indicators,
and the local lines for inefficient land, decided over a Polars frame of parcels as of a date.

Conventions:

- "One full year" after a date follows the Civil Code (arts. 201–202): the period starts the next day and its
  last day is the same calendar date a year later, or the last day of that month when there is no such
  date (29 February → 28 February). The parcel becomes idle on the day after that last day: agreed start
  2025-03-01 → still within the year on 2026-03-01 → idle from 2026-03-02; agreed start 2024-02-29 → idle
  from 2025-03-01.
- The idle-fee line (20 % of the land price) and the recovery line are counted, like the idle line itself,
  from the agreed start (or from the halt), one and two full years by default — Urban Real Estate
  Administration Law art. 26 and Order No. 53 art. 14: "满一年未动工开发的…征缴土地闲置费；满两年…无偿收回".
- "Under one third" and "under 25 %" are strict: exactly one third developed, or exactly 25 % invested,
  is not under.
- A delay recorded as caused by the government is never idle, and the reason says so.
- Precedence: revitalised, then the supply and construction stage; among completed parcels whose land use
  the control indicators cover, inefficient (local lines) before underused (control indicators).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from types import MappingProxyType

import polars as pl

from yuanqu.analytics.geo import SQ_M_PER_MU
from yuanqu.analytics.industry import DIVISIONS

APPROVED_UNSUPPLIED = "approved_unsupplied"
SUPPLIED_UNUSED = "supplied_unused"
IDLE = "idle"
UNDERUSED = "underused"
INEFFICIENT = "inefficient"
IN_USE = "in_use"
REVITALISED = "revitalised"
UNKNOWN = "unknown"

STATUSES = (APPROVED_UNSUPPLIED, SUPPLIED_UNUSED, IDLE, UNDERUSED, INEFFICIENT, IN_USE, REVITALISED, UNKNOWN)
"""Every status, in the order reports list them."""

STATUS_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        APPROVED_UNSUPPLIED: ("批而未供", "Approved, not supplied"),
        SUPPLIED_UNUSED: ("供而未用", "Supplied, not used"),
        IDLE: ("闲置", "Idle"),
        UNDERUSED: ("用而未尽", "Under-used"),
        INEFFICIENT: ("低效用地", "Inefficient"),
        IN_USE: ("在用", "In use"),
        REVITALISED: ("已盘活", "Revitalised"),
        UNKNOWN: ("无法判定", "Undetermined"),
    }
)
"""Status → (Chinese label, English label)."""

# Plot-ratio minimums of the 2008 control indicators (国土资发〔2008〕24号, table 2), whose rows use the
# GB/T 4754-2002 divisions, carried over to the GB/T 4754-2017 divisions the platform uses. Where 2017
# merged two rows (29: rubber 0.8 + plastics 1.0) the lower line is kept; 43 (repair) had no row.
DEFAULT_PLOT_RATIO_MIN_BY_DIVISION: Mapping[str, float] = MappingProxyType(
    {
        "13": 1.0,
        "14": 1.0,
        "15": 1.0,
        "16": 1.0,
        "17": 0.8,
        "18": 1.0,
        "19": 1.0,
        "20": 0.8,
        "21": 0.8,
        "22": 0.8,
        "23": 0.8,
        "24": 1.0,
        "25": 0.5,
        "26": 0.6,
        "27": 0.7,
        "28": 0.8,
        "29": 0.8,
        "30": 0.7,
        "31": 0.6,
        "32": 0.6,
        "33": 0.7,
        "34": 0.7,
        "35": 0.7,
        "36": 0.7,
        "37": 0.7,
        "38": 0.7,
        "39": 1.0,
        "40": 1.0,
        "41": 1.0,
        "42": 0.7,
    }
)

INPUT_DATES = (
    "approved_on",
    "supplied_on",
    "agreed_start_on",
    "started_on",
    "completed_on",
    "halted_since",
    "revitalised_on",
)
INPUT_NUMBERS = (
    "area_mu",
    "developed_area_mu",
    "total_investment",
    "invested",
    "planned_floor_area_m2",
    "built_floor_area_m2",
    "footprint_m2",
    "land_price",
    "tax_per_mu",
)
INPUT_TEXTS = ("code", "zone", "land_use", "delay_cause", "industry_division")

OUTPUT_COLUMNS = (
    "status",
    "status_since",
    "reason_zh",
    "reason_en",
    "idle_from",
    "idle_fee_line",
    "idle_fee",
    "recovery_line",
    "plot_ratio",
    "building_coverage",
)
"""Columns :func:`classify` adds (replacing any of the same name)."""

_EPSILON = 1e-9  # shares and ratios computed from decimals; "exactly one third" must not read as under
_P = "_ls_"  # prefix of the working columns, dropped before returning


class LandRulesError(ValueError):
    """Land rules that cannot be used; ``problems`` lists each one in Chinese and English."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("；".join(self.problems))


class LandInputError(ValueError):
    """A parcel frame that cannot be classified; the message is in Chinese and English."""


@dataclass(frozen=True)
class LandRules:
    """Every threshold and control indicator the land statuses use; an administrator's configuration.

    Build it from stored JSON with :meth:`from_dict` (missing keys keep their defaults; the plot-ratio map
    is merged over the defaults division by division) and store it with :meth:`to_dict`.
    """

    idle_after_years: int = 1
    """Full years past the agreed start (or the halt) after which land is idle (Order No. 53 art. 2)."""
    idle_fee_after_years: int = 1
    """Full years past the agreed start (or the halt) from which the idle-land fee can be levied."""
    recovery_after_years: int = 2
    """Full years past the agreed start (or the halt) from which the land can be taken back."""
    idle_fee_share: float = 0.20
    """The idle-land fee as a share of the land price."""
    halted_counts_as_idle: bool = True
    """Whether the second case (started, under the lines, halted a full year) is treated as idle ("may")."""
    halted_developed_share_min: float = 1 / 3
    """Developed area under this share of the parcel area counts towards the second case."""
    halted_invested_share_min: float = 0.25
    """Investment under this share of the total investment counts towards the second case."""
    indicator_land_uses: tuple[str, ...] = ("industrial",)
    """Land uses the control indicators and the inefficiency lines apply to."""
    plot_ratio_min_by_division: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_PLOT_RATIO_MIN_BY_DIVISION), hash=False
    )
    """Minimum plot ratio per GB/T 4754 division ("17" textiles 0.8, "26" chemicals 0.6, …)."""
    plot_ratio_min_default: float = 0.7
    """Minimum plot ratio for a division without its own line, or an unknown industry."""
    building_coverage_min: float = 0.30
    """Minimum building coverage (建筑系数)."""
    inefficient_tax_per_mu_min: float | None = 5.0
    """Tax per mu (万元/亩) under which built land is inefficient; None switches the test off."""
    inefficient_plot_ratio_min: float | None = 0.5
    """Plot ratio under which built land is inefficient; None switches the test off."""

    def __post_init__(self) -> None:
        problems: list[str] = []
        for name in ("idle_after_years", "idle_fee_after_years", "recovery_after_years"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                problems.append(f"{name} 必须是不小于 1 的整数 / {name} must be a whole number of at least 1")
        if not problems and not (self.idle_after_years <= self.idle_fee_after_years <= self.recovery_after_years):
            problems.append(
                "年限须满足 idle_after_years ≤ idle_fee_after_years ≤ recovery_after_years / the years must satisfy "
                "idle_after_years ≤ idle_fee_after_years ≤ recovery_after_years"
            )
        if not isinstance(self.halted_counts_as_idle, bool):
            problems.append("halted_counts_as_idle 必须是 true 或 false / halted_counts_as_idle must be true or false")
        _check_number(problems, "idle_fee_share", self.idle_fee_share, at_least=0.0, at_most=1.0)
        shares = ("halted_developed_share_min", "halted_invested_share_min", "building_coverage_min")
        for name in shares:
            _check_number(problems, name, getattr(self, name), above=0.0, at_most=1.0)
        _check_number(problems, "plot_ratio_min_default", self.plot_ratio_min_default, above=0.0)
        if self.inefficient_tax_per_mu_min is not None:
            _check_number(problems, "inefficient_tax_per_mu_min", self.inefficient_tax_per_mu_min, at_least=0.0)
        if self.inefficient_plot_ratio_min is not None:
            _check_number(problems, "inefficient_plot_ratio_min", self.inefficient_plot_ratio_min, above=0.0)
        uses = self.indicator_land_uses
        if isinstance(uses, str) or not all(isinstance(u, str) and u.strip() for u in uses):
            problems.append(
                "indicator_land_uses 必须是用地性质代码列表 / indicator_land_uses must be a list of land-use codes"
            )
        else:
            object.__setattr__(self, "indicator_land_uses", tuple(u.strip() for u in uses))
        if not isinstance(self.plot_ratio_min_by_division, Mapping):
            problems.append(
                "plot_ratio_min_by_division 必须是“行业大类 → 容积率”的映射 / "
                "plot_ratio_min_by_division must map divisions to plot ratios"
            )
        else:
            cleaned = {}
            for key, value in self.plot_ratio_min_by_division.items():
                division = str(key).strip().zfill(2)
                if division not in DIVISIONS:
                    problems.append(f"{key!r} 不是 GB/T 4754 行业大类代码 / {key!r} is not a GB/T 4754 division code")
                elif _check_number(problems, f"plot_ratio_min_by_division[{division}]", value, above=0.0):
                    cleaned[division] = float(value)
            object.__setattr__(self, "plot_ratio_min_by_division", MappingProxyType(cleaned))
        if problems:
            raise LandRulesError(problems)
        floats = ("idle_fee_share", *shares, "plot_ratio_min_default")
        for name in (*floats, "inefficient_tax_per_mu_min", "inefficient_plot_ratio_min"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, float(getattr(self, name)))

    @classmethod
    def from_dict(cls, data: Mapping[str, object] | None) -> LandRules:
        """Rules from a plain dict (stored JSON); unknown keys are an error, missing keys keep defaults."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            listed = ", ".join(unknown)
            raise LandRulesError([f"未知的规则项：{listed} / unknown rule keys: {listed}"])
        if "plot_ratio_min_by_division" in data:
            given = data["plot_ratio_min_by_division"]
            if isinstance(given, Mapping):
                data["plot_ratio_min_by_division"] = {**DEFAULT_PLOT_RATIO_MIN_BY_DIVISION, **given}
        if isinstance(data.get("indicator_land_uses"), list):
            data["indicator_land_uses"] = tuple(data["indicator_land_uses"])
        return cls(**data)

    def to_dict(self) -> dict[str, object]:
        """The rules as JSON-ready plain values; ``LandRules.from_dict(rules.to_dict()) == rules``."""
        result: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        result["indicator_land_uses"] = list(self.indicator_land_uses)
        result["plot_ratio_min_by_division"] = dict(sorted(self.plot_ratio_min_by_division.items()))
        return result

    def plot_ratio_min(self, division: str | None) -> float:
        """The plot-ratio minimum for a GB/T 4754 division (or the default)."""
        if division is None:
            return self.plot_ratio_min_default
        return self.plot_ratio_min_by_division.get(str(division).zfill(2)[:2], self.plot_ratio_min_default)


def _check_number(
    problems: list[str],
    name: str,
    value: object,
    *,
    above: float | None = None,
    at_least: float | None = None,
    at_most: float | None = None,
) -> bool:
    """Append a problem unless ``value`` is a finite number within the bounds; say whether it is."""
    ok = isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool) and math.isfinite(float(value))
    if ok:
        number = float(value)
        ok = (above is None or number > above) and (at_least is None or number >= at_least)
        ok = ok and (at_most is None or number <= at_most)
    if not ok:
        bounds_zh, bounds_en = [], []
        if above is not None:
            bounds_zh.append(f"大于 {above:g}")
            bounds_en.append(f"above {above:g}")
        if at_least is not None:
            bounds_zh.append(f"不小于 {at_least:g}")
            bounds_en.append(f"at least {at_least:g}")
        if at_most is not None:
            bounds_zh.append(f"不大于 {at_most:g}")
            bounds_en.append(f"at most {at_most:g}")
        problems.append(
            f"{name} 必须是{' 且'.join(bounds_zh)} 的数：{value!r} / {name} must be a number "
            f"{' and '.join(bounds_en)}: {value!r}"
        )
    return ok


# --- classification -------------------------------------------------------------------------------------


def classify(
    parcels: pl.DataFrame, *, as_of: dt.date, rules: LandRules | None = None, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """Each parcel's status as of ``as_of``, with the date from which it holds and the reason in words.

    ``parcels`` has the Parcel fields (see ``INPUT_DATES``, ``INPUT_NUMBERS``, ``INPUT_TEXTS``) plus
    ``industry_division`` and ``tax_per_mu`` of the enterprises on it and ``revitalised_on``; only ``code``
    is required, absent columns count as empty. Dates may be ISO strings, numbers may be Decimals.
    Returns the input with :data:`OUTPUT_COLUMNS` added, or only those of ``columns`` (e.g. ``status`` and
    ``status_since`` for totals: the reasons in words, most of the work, are then not written).
    """
    rules = rules or LandRules()
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise LandInputError("as_of 必须是日期 / as_of must be a date")
    added = OUTPUT_COLUMNS if columns is None else tuple(columns)
    unknown = [name for name in added if name not in OUTPUT_COLUMNS]
    if unknown:
        raise LandInputError(f"未知输出列：{unknown} / unknown output columns: {unknown}")
    base = parcels.drop([c for c in OUTPUT_COLUMNS if c in parcels.columns])
    c = _Columns(rules, as_of)
    # One lazy plan, collected once: a map tile classifies a few hundred parcels, where each eager step's
    # fixed cost would dominate. Columns not asked for are pruned from the plan, and what only they need with them.
    work = (
        base.lazy()
        .with_columns(_normalised(base))
        .with_columns(c.derived())
        .with_columns(c.stage_flags())
        .with_columns(c.findings())
        .with_columns(c.outcome())
    )
    return work.select([*base.columns, *added]).collect()


def summarise(classified: pl.DataFrame, by: Sequence[str] = ("zone", "status")) -> pl.DataFrame:
    """Parcels and mu per group of a classified frame, statuses in report order."""
    by = list(by)
    missing = [c for c in [*by, "area_mu"] if c not in classified.columns]
    if missing:
        listed = ", ".join(missing)
        raise LandInputError(f"缺少列：{listed} / missing columns: {listed}")
    totals = classified.group_by(by).agg(
        parcels=pl.len(),
        area_mu=pl.col("area_mu").cast(pl.Float64).fill_null(0.0).sum(),
    )
    rank = {status: position for position, status in enumerate(STATUSES)}
    order = [
        pl.col(c).replace_strict(rank, default=len(STATUSES), return_dtype=pl.Int32) if c == "status" else pl.col(c)
        for c in by
    ]
    return totals.sort(order, nulls_last=True)


def _normalised(frame: pl.DataFrame) -> list[pl.Expr]:
    """Working copies of the inputs with clean types: dates as Date, numbers as Float64, texts trimmed."""
    if "code" not in frame.columns:
        raise LandInputError("缺少列：code / missing column: code")
    exprs = []
    for name in INPUT_DATES:
        exprs.append(_as_date(frame, name).alias(_P + name))
    for name in INPUT_NUMBERS:
        expr = pl.col(name).cast(pl.Float64, strict=False) if name in frame.columns else pl.lit(None, pl.Float64)
        exprs.append(expr.alias(_P + name))
    for name in INPUT_TEXTS:
        expr = pl.col(name).cast(pl.String).str.strip_chars() if name in frame.columns else pl.lit(None, pl.String)
        exprs.append(expr.alias(_P + name))
    return exprs


def _as_date(frame: pl.DataFrame, name: str) -> pl.Expr:
    if name not in frame.columns:
        return pl.lit(None, pl.Date)
    dtype = frame.schema[name]
    if dtype == pl.Date:
        return pl.col(name)
    if dtype == pl.String:
        return pl.col(name).str.strip_chars().replace("", None).str.to_date("%Y-%m-%d", strict=False)
    if isinstance(dtype, pl.Datetime):
        return pl.col(name).dt.date()
    if dtype == pl.Null:
        return pl.col(name).cast(pl.Date)
    raise LandInputError(f"列 {name} 应为日期 / column {name} must hold dates")


def _col(name: str) -> pl.Expr:
    return pl.col(_P + name)


def _text(expr: pl.Expr) -> pl.Expr:
    """A date as YYYY-MM-DD."""
    return expr.dt.to_string("%Y-%m-%d")


def _ratio(expr: pl.Expr) -> pl.Expr:
    """A ratio to two decimals, keeping one: 0.62, 1.0."""
    return expr.round(2).cast(pl.String)


def _num(expr: pl.Expr, decimals: int = 2) -> pl.Expr:
    """A figure to ``decimals`` places without a trailing .0: 8.5, 30, 1200."""
    return expr.round(decimals).cast(pl.String).str.replace(r"\.0$", "")


def _share_words(share: float) -> tuple[str, str]:
    if abs(share - 1 / 3) < _EPSILON:
        return "三分之一", "one third"
    percent = f"{share * 100:g}%"
    return f" {percent}", percent


def _years_words(years: int) -> tuple[str, str]:
    if years == 1:
        return "一年", "one full year"
    return f"{years} 年", f"{years} full years"


def _after_full_years(expr: pl.Expr, years: int) -> pl.Expr:
    """The day after the last day of a period of ``years`` full years starting after ``expr`` (Civil Code)."""
    return _last_day_of_years(expr, years).dt.offset_by("1d")


def _last_day_of_years(expr: pl.Expr, years: int) -> pl.Expr:
    # offset_by clamps 29 February to 28 February, which is the Civil Code's "last day of that month".
    return expr.dt.offset_by(f"{years}y")


def _capitalised(expr: pl.Expr) -> pl.Expr:
    return pl.concat_str([expr.str.slice(0, 1).str.to_uppercase(), expr.str.slice(1)])


class _Columns:
    """The expressions of one classification run (rules and as-of date bound)."""

    def __init__(self, rules: LandRules, as_of: dt.date):
        self.rules = rules
        self.as_of = as_of
        self.as_of_lit = pl.lit(as_of, dtype=pl.Date)
        self.as_of_text = as_of.isoformat()

    def _by(self, name: str) -> pl.Expr:
        """The date column holds a date on or before the as-of date."""
        return _col(name).is_not_null() & (_col(name) <= self.as_of_lit)

    def derived(self) -> list[pl.Expr]:
        r = self.rules
        area_m2 = pl.when(_col("area_mu") > 0).then(_col("area_mu") * SQ_M_PER_MU)
        division = _col("industry_division").str.replace_all(r"[^0-9]", "").str.zfill(2).str.slice(0, 2)
        return [
            (_col("built_floor_area_m2") / area_m2).alias(_P + "plot_ratio"),
            (_col("footprint_m2") / area_m2).alias(_P + "coverage"),
            pl.when(_col("area_mu") > 0)
            .then(_col("developed_area_mu") / _col("area_mu"))
            .alias(_P + "developed_share"),
            pl.when(_col("total_investment") > 0)
            .then(_col("invested") / _col("total_investment"))
            .alias(_P + "invested_share"),
            division.replace_strict(
                dict(r.plot_ratio_min_by_division), default=r.plot_ratio_min_default, return_dtype=pl.Float64
            ).alias(_P + "plot_ratio_min"),
            (_col("delay_cause").str.to_lowercase() == "government").fill_null(False).alias(_P + "government"),
            _col("land_use").is_in(list(r.indicator_land_uses)).fill_null(False).alias(_P + "indicated"),
        ]

    def stage_flags(self) -> list[pl.Expr]:
        r = self.rules
        started = self._by("started_on") | self._by("completed_on")
        return [
            self._by("revitalised_on").alias(_P + "is_revitalised"),
            self._by("approved_on").alias(_P + "is_approved"),
            (self._by("supplied_on") | started).alias(_P + "is_supplied"),
            started.alias(_P + "is_started"),
            self._by("completed_on").alias(_P + "is_completed"),
            self._by("halted_since").alias(_P + "is_halted"),
            _last_day_of_years(_col("agreed_start_on"), r.idle_after_years).alias(_P + "start_year_end"),
            _after_full_years(_col("agreed_start_on"), r.idle_after_years).alias(_P + "start_idle_from"),
            _after_full_years(_col("agreed_start_on"), r.idle_fee_after_years).alias(_P + "start_fee_line"),
            _after_full_years(_col("agreed_start_on"), r.recovery_after_years).alias(_P + "start_recovery_line"),
            _last_day_of_years(_col("halted_since"), r.idle_after_years).alias(_P + "halt_year_end"),
            _after_full_years(_col("halted_since"), r.idle_after_years).alias(_P + "halt_idle_from"),
            _after_full_years(_col("halted_since"), r.idle_fee_after_years).alias(_P + "halt_fee_line"),
            _after_full_years(_col("halted_since"), r.recovery_after_years).alias(_P + "halt_recovery_line"),
        ]

    def findings(self) -> list[pl.Expr]:
        """The individual tests, each with its sentence in both languages (null when the test passes)."""
        r = self.rules
        share_dev_zh, share_dev_en = _share_words(r.halted_developed_share_min)
        share_inv_zh, share_inv_en = _share_words(r.halted_invested_share_min)
        dev_under = (_col("developed_share") < r.halted_developed_share_min - _EPSILON).fill_null(False)
        inv_under = (_col("invested_share") < r.halted_invested_share_min - _EPSILON).fill_null(False)
        pr_under = (_col("plot_ratio") < _col("plot_ratio_min") - _EPSILON).fill_null(False)
        cov_under = (_col("coverage") < r.building_coverage_min - _EPSILON).fill_null(False)
        coverage_line = _num(pl.lit(r.building_coverage_min * 100), 1)
        exprs = [
            (dev_under | inv_under).alias(_P + "halt_under"),
            (_col("developed_share").is_not_null() | _col("invested_share").is_not_null()).alias(_P + "halt_known"),
            _sentence(
                dev_under,
                pl.format(
                    "已开发 {} 亩，不足 {} 亩的" + share_dev_zh, _num(_col("developed_area_mu")), _num(_col("area_mu"))
                ),
                pl.format(
                    "developed {} mu, under " + share_dev_en + " of {} mu",
                    _num(_col("developed_area_mu")),
                    _num(_col("area_mu")),
                ),
                "dev",
            ),
            _sentence(
                inv_under,
                pl.format(
                    "已投资 {} 万元，不足总投资 {} 万元的" + share_inv_zh,
                    _num(_col("invested")),
                    _num(_col("total_investment")),
                ),
                pl.format(
                    "invested {} (10,000 yuan), under " + share_inv_en + " of the total {}",
                    _num(_col("invested")),
                    _num(_col("total_investment")),
                ),
                "inv",
            ),
            _sentence(
                pr_under,
                pl.format("容积率 {}，低于控制指标 {}", _ratio(_col("plot_ratio")), _ratio(_col("plot_ratio_min"))),
                pl.format(
                    "plot ratio {}, below the control indicator {}",
                    _ratio(_col("plot_ratio")),
                    _ratio(_col("plot_ratio_min")),
                ),
                "pr",
            ),
            _sentence(
                cov_under,
                pl.format("建筑系数 {}%，低于控制指标 {}%", _num(_col("coverage") * 100, 1), coverage_line),
                pl.format(
                    "building coverage {}%, below the control indicator {}%",
                    _num(_col("coverage") * 100, 1),
                    coverage_line,
                ),
                "cov",
            ),
        ]
        if r.inefficient_tax_per_mu_min is not None:
            line = _num(pl.lit(r.inefficient_tax_per_mu_min))
            tax_low = (_col("tax_per_mu") < r.inefficient_tax_per_mu_min - _EPSILON).fill_null(False)
            exprs.append(
                _sentence(
                    tax_low,
                    pl.format("亩均税收 {} 万元，低于 {} 万元", _num(_col("tax_per_mu")), line),
                    pl.format("tax per mu {} (10,000 yuan), below the line of {}", _num(_col("tax_per_mu")), line),
                    "tax",
                )
            )
        else:
            exprs += [pl.lit(None, pl.String).alias(_P + "tax_zh"), pl.lit(None, pl.String).alias(_P + "tax_en")]
        if r.inefficient_plot_ratio_min is not None:
            line = _ratio(pl.lit(r.inefficient_plot_ratio_min))
            pr_low = (_col("plot_ratio") < r.inefficient_plot_ratio_min - _EPSILON).fill_null(False)
            exprs.append(
                _sentence(
                    pr_low,
                    pl.format("容积率 {}，低于低效用地标准 {}", _ratio(_col("plot_ratio")), line),
                    pl.format("plot ratio {}, below the inefficiency line {}", _ratio(_col("plot_ratio")), line),
                    "prlow",
                )
            )
        else:
            exprs += [pl.lit(None, pl.String).alias(_P + "prlow_zh"), pl.lit(None, pl.String).alias(_P + "prlow_en")]
        return [e for pair in exprs for e in (pair if isinstance(pair, tuple) else (pair,))]

    def outcome(self) -> list[pl.Expr]:
        r = self.rules
        years_zh, years_en = _years_words(r.idle_after_years)
        d = {name: _text(_col(name)) for name in (*INPUT_DATES, "start_year_end", "start_idle_from")}
        d["halt_year_end"] = _text(_col("halt_year_end"))
        d["halt_idle_from"] = _text(_col("halt_idle_from"))

        revitalised = _col("is_revitalised")
        unsupplied = ~_col("is_supplied")
        not_started = ~_col("is_started")
        building = _col("is_started") & ~_col("is_completed")
        completed = _col("is_completed")
        gov = _col("government")
        no_agreed = _col("agreed_start_on").is_null()
        start_expired = self.as_of_lit >= _col("start_idle_from")
        halted = building & _col("is_halted")
        halt_under = _col("halt_under")
        halt_expired = self.as_of_lit >= _col("halt_idle_from")
        halt_idle = halted & halt_under & ~gov & halt_expired & pl.lit(r.halted_counts_as_idle)
        halt_pending = halted & halt_under & ~gov & ~halt_expired & pl.lit(r.halted_counts_as_idle)

        halt_parts_zh = pl.concat_str([_col("dev_zh"), _col("inv_zh")], separator="；", ignore_nulls=True)
        halt_parts_en = pl.concat_str([_col("dev_en"), _col("inv_en")], separator="; ", ignore_nulls=True)
        under_zh = pl.concat_str([_col("pr_zh"), _col("cov_zh")], separator="；", ignore_nulls=True)
        under_en = pl.concat_str([_col("pr_en"), _col("cov_en")], separator="; ", ignore_nulls=True)
        # An inefficient parcel's reason adds the control-indicator findings, without repeating its plot ratio.
        extra_pr_zh = pl.when(_col("prlow_zh").is_null()).then(_col("pr_zh"))
        extra_pr_en = pl.when(_col("prlow_en").is_null()).then(_col("pr_en"))
        low_all_zh = pl.concat_str(
            [_col("tax_zh"), _col("prlow_zh"), extra_pr_zh, _col("cov_zh")], separator="；", ignore_nulls=True
        )
        low_all_en = pl.concat_str(
            [_col("tax_en"), _col("prlow_en"), extra_pr_en, _col("cov_en")], separator="; ", ignore_nulls=True
        )
        inefficient = completed & _col("indicated") & (_col("tax_zh").is_not_null() | _col("prlow_zh").is_not_null())
        underused = completed & _col("indicated") & (under_zh != "")
        started_text = _text(pl.coalesce(_col("started_on"), _col("completed_on")))

        gov_zh = "因政府原因延迟，不认定为闲置"
        gov_en = "delayed for government reasons, not treated as idle"
        # (condition, status, since, reason_zh, reason_en), first match wins.
        branches = [
            (
                revitalised,
                REVITALISED,
                _col("revitalised_on"),
                pl.format("{} 盘活", d["revitalised_on"]),
                pl.format("Revitalised on {}", d["revitalised_on"]),
            ),
            (
                unsupplied & _col("is_approved"),
                APPROVED_UNSUPPLIED,
                _col("approved_on"),
                pl.format("{} 批准，截至 {} 尚未供地", d["approved_on"], pl.lit(self.as_of_text)),
                pl.format("Approved on {}; not supplied as of {}", d["approved_on"], pl.lit(self.as_of_text)),
            ),
            (
                unsupplied,
                UNKNOWN,
                pl.lit(None, pl.Date),
                pl.lit(f"截至 {self.as_of_text} 无批准、供地或开工记录，无法判定"),
                pl.lit(f"No approval, supply or start recorded as of {self.as_of_text}; status cannot be decided"),
            ),
            (
                not_started & no_agreed,
                SUPPLIED_UNUSED,
                _col("supplied_on"),
                pl.format("{} 供地，尚未开工；未记录约定开工日期，无法判断是否闲置", d["supplied_on"]),
                pl.format(
                    "Supplied on {}, not started; no agreed start date recorded, so idleness cannot be judged",
                    d["supplied_on"],
                ),
            ),
            (
                not_started & gov,
                SUPPLIED_UNUSED,
                _col("supplied_on"),
                pl.format("约定 {} 开工，尚未开工；" + gov_zh, d["agreed_start_on"]),
                pl.format("Agreed start {}, not started; " + gov_en, d["agreed_start_on"]),
            ),
            (
                not_started & start_expired,
                IDLE,
                _col("start_idle_from"),
                pl.format(
                    "约定 {} 开工，至 {} 满" + years_zh + "未动工，自 {} 起闲置",
                    d["agreed_start_on"],
                    d["start_year_end"],
                    d["start_idle_from"],
                ),
                pl.format(
                    "Agreed start {}; not started within " + years_en + " (by {}), idle since {}",
                    d["agreed_start_on"],
                    d["start_year_end"],
                    d["start_idle_from"],
                ),
            ),
            (
                not_started,
                SUPPLIED_UNUSED,
                _col("supplied_on"),
                pl.format(
                    "{} 供地，约定 {} 开工，尚未开工；如至 {} 仍未开工，自 {} 起认定为闲置",
                    d["supplied_on"],
                    d["agreed_start_on"],
                    d["start_year_end"],
                    d["start_idle_from"],
                ),
                pl.format(
                    "Supplied on {}, agreed start {}, not started; idle from {} if still not started on {}",
                    d["supplied_on"],
                    d["agreed_start_on"],
                    d["start_idle_from"],
                    d["start_year_end"],
                ),
            ),
            (
                halt_idle,
                IDLE,
                _col("halt_idle_from"),
                pl.format(
                    "{} 起停工，至 {} 满" + years_zh + "；{}；自 {} 起闲置",
                    d["halted_since"],
                    d["halt_year_end"],
                    halt_parts_zh,
                    d["halt_idle_from"],
                ),
                pl.format(
                    "Halted since {}, " + years_en + " by {}; {}; idle since {}",
                    d["halted_since"],
                    d["halt_year_end"],
                    halt_parts_en,
                    d["halt_idle_from"],
                ),
            ),
            (
                halt_pending,
                IN_USE,
                _col("started_on"),
                pl.format(
                    "{} 开工，{} 起停工；{}；如至 {} 仍停工，自 {} 起认定为闲置",
                    started_text,
                    d["halted_since"],
                    halt_parts_zh,
                    d["halt_year_end"],
                    d["halt_idle_from"],
                ),
                pl.format(
                    "Started on {}, halted since {}; {}; idle from {} if still halted on {}",
                    started_text,
                    d["halted_since"],
                    halt_parts_en,
                    d["halt_idle_from"],
                    d["halt_year_end"],
                ),
            ),
            (
                halted & gov,
                IN_USE,
                _col("started_on"),
                pl.format("{} 开工，{} 起停工；" + gov_zh, started_text, d["halted_since"]),
                pl.format("Started on {}, halted since {}; " + gov_en, started_text, d["halted_since"]),
            ),
            (
                halted & halt_under,
                IN_USE,
                _col("started_on"),
                pl.format(
                    "{} 开工，{} 起停工；{}；按本地规则，停工情形不认定为闲置",
                    started_text,
                    d["halted_since"],
                    halt_parts_zh,
                ),
                pl.format(
                    "Started on {}, halted since {}; {}; local rules do not treat halted land as idle",
                    started_text,
                    d["halted_since"],
                    halt_parts_en,
                ),
            ),
            (
                halted & _col("halt_known"),
                IN_USE,
                _col("started_on"),
                pl.format(
                    "{} 开工，{} 起停工；开发面积、投资未低于闲置标准，不认定为闲置", started_text, d["halted_since"]
                ),
                pl.format(
                    "Started on {}, halted since {}; developed area and investment are not under the idle lines, "
                    "not treated as idle",
                    started_text,
                    d["halted_since"],
                ),
            ),
            (
                halted,
                IN_USE,
                _col("started_on"),
                pl.format("{} 开工，{} 起停工；缺少开发面积和投资数据，无法认定闲置", started_text, d["halted_since"]),
                pl.format(
                    "Started on {}, halted since {}; no developed area or investment recorded, idleness cannot be "
                    "established",
                    started_text,
                    d["halted_since"],
                ),
            ),
            (
                building,
                IN_USE,
                _col("started_on"),
                pl.format("{} 开工，在建", started_text),
                pl.format("Started on {}, under construction", started_text),
            ),
            (
                inefficient,
                INEFFICIENT,
                _col("completed_on"),
                low_all_zh,
                _capitalised(low_all_en),
            ),
            (
                underused,
                UNDERUSED,
                _col("completed_on"),
                under_zh,
                _capitalised(under_en),
            ),
            (
                completed,
                IN_USE,
                _col("completed_on"),
                pl.format("{} 竣工，在用", d["completed_on"]),
                pl.format("Completed on {}, in use", d["completed_on"]),
            ),
        ]

        def chain(pick: int, dtype: pl.DataType) -> pl.Expr:
            expr = pl.when(branches[0][0]).then(_as(branches[0][pick], dtype))
            for branch in branches[1:]:
                expr = expr.when(branch[0]).then(_as(branch[pick], dtype))
            return expr.otherwise(pl.lit(None, dtype))

        status = chain(1, pl.String)
        is_idle = status == IDLE
        from_start = not_started
        idle_from = (
            pl.when(is_idle | (status == SUPPLIED_UNUSED) & ~gov | halt_pending)
            .then(pl.when(from_start).then(_col("start_idle_from")).otherwise(_col("halt_idle_from")))
            .otherwise(pl.lit(None, pl.Date))
        )
        fee_line = pl.when(from_start).then(_col("start_fee_line")).otherwise(_col("halt_fee_line"))
        recovery_line = pl.when(from_start).then(_col("start_recovery_line")).otherwise(_col("halt_recovery_line"))
        return [
            status.alias("status"),
            chain(2, pl.Date).alias("status_since"),
            chain(3, pl.String).alias("reason_zh"),
            chain(4, pl.String).alias("reason_en"),
            idle_from.alias("idle_from"),
            pl.when(is_idle).then(fee_line).otherwise(pl.lit(None, pl.Date)).alias("idle_fee_line"),
            pl.when(is_idle).then(_col("land_price") * r.idle_fee_share).otherwise(None).alias("idle_fee"),
            pl.when(is_idle).then(recovery_line).otherwise(pl.lit(None, pl.Date)).alias("recovery_line"),
            _col("plot_ratio").alias("plot_ratio"),
            _col("coverage").alias("building_coverage"),
        ]


def _as(value: object, dtype: pl.DataType) -> pl.Expr:
    if isinstance(value, pl.Expr):
        return value
    return pl.lit(value, dtype)


def _sentence(condition: pl.Expr, zh: pl.Expr, en: pl.Expr, key: str) -> tuple[pl.Expr, pl.Expr]:
    """The finding ``key`` as two columns, its Chinese and English sentence, null where it does not hold."""
    return (
        pl.when(condition).then(zh).otherwise(pl.lit(None, pl.String)).alias(_P + key + "_zh"),
        pl.when(condition).then(en).otherwise(pl.lit(None, pl.String)).alias(_P + key + "_en"),
    )
