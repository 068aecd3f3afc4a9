"""Running, publishing and deleting evaluations; storing methods.

The input frame is built from the yearly figures the runner may see, hashed in a canonical form
(sorted, written as CSV), scored by the pure engine and stored row by row in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.analytics.mujun import EngineError, Method, MethodError, parse_method, preset_names, preset_text, score
from yuanqu.core.access import can_edit, editable_zone_ids, is_city_admin, visible_zone_ids, zone_descendants
from yuanqu.core.bulk import copy_rows
from yuanqu.core.changelog import acting, current_actor
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.evaluation.models import GRADES, EvaluationMethod, EvaluationResult, EvaluationRun
from yuanqu.zones.models import Zone

FIGURES = list(EnterpriseYear.FIGURES)
NUMBER_PARTS = ("value", "benchmark", "ratio", "score")
NUMBERS = [name for name in FIGURES if name not in ("above_scale", "high_tech", "incident")]


def method_error_message(error: MethodError) -> str:
    """Both languages of a MethodError, each problem with its line."""
    return str(error)


def save_method(*, name: str, text: str, format: str = "toml", user, preset: str = "") -> EvaluationMethod:
    """Store a method after validating it; raises ValidationError naming the line and reason."""
    if user is not None and not can_edit(user):
        raise PermissionDenied(_("您没有编辑权限"))
    try:
        parse_method(text, format=format, origin=name)
    except MethodError as error:
        raise ValidationError(method_error_message(error)) from None
    return EvaluationMethod.objects.create(name=name, text=text, format=format, preset=preset, created_by=user)


def preset_method(*, name: str, user=None) -> EvaluationMethod:
    """The stored copy of a shipped preset (created on first use, reused while its text is unchanged)."""
    if name.removesuffix(".toml") not in preset_names():
        raise ValidationError(
            _("未知的预置方法 %(name)s（可选：%(names)s）") % {"name": name, "names": ", ".join(preset_names())}
        )
    name = name.removesuffix(".toml")
    text = preset_text(name)
    method = parse_method(text, origin=f"{name}.toml")
    found = EvaluationMethod.objects.filter(preset=name, digest=method.digest).first()
    if found is not None:
        return found
    return EvaluationMethod.objects.create(name=method.name, text=text, format="toml", preset=name, created_by=user)


def production_years(started_on: dt.date | None, year: int) -> int | None:
    """Full years in production from the start date to 31 December of ``year`` (0 if it started later)."""
    if started_on is None:
        return None
    return max(0, year - started_on.year)  # 31 December is never before the start day within its year


def build_frame(*, year: int, zone_ids: frozenset[int] | None, user=None) -> tuple[pl.DataFrame, dict[str, tuple]]:
    """One row per enterprise with figures for ``year`` in the zones given (None: all the user may see).

    Returns the frame sorted by credit code and a map of credit code to (enterprise id, zone id).
    """
    rows = EnterpriseYear.objects.filter(year=year)
    if user is not None:
        rows = rows.restrict(user)
    if zone_ids is not None:
        rows = rows.filter(enterprise__zone__in=zone_ids)
    values = rows.order_by("enterprise__uscc").values_list(
        "enterprise_id",
        "enterprise__zone_id",
        "enterprise__uscc",
        "enterprise__name",
        "enterprise__zone__name",
        "enterprise__industry_division",
        "enterprise__production_started_on",
        *FIGURES,
    )
    # Raw rows through the cursor: Django's per-cell converters (Decimal, date) cost seconds at 100,000
    # enterprises, and Polars casts whole columns at once. On SQLite decimals arrive as floats (the
    # same doubles float(Decimal) would give) and dates as ISO text; on PostgreSQL as Decimal and date.
    sql, params = values.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    names = ["enterprise_id", "zone_id", "uscc", "name", "zone", "industry_division", "started_on", *FIGURES]
    raw = pl.DataFrame(fetched, schema=names, orient="row", infer_schema_length=None)
    started = pl.col("started_on")
    if raw.schema["started_on"] == pl.String:
        started = started.str.to_date("%Y-%m-%d")
    frame = raw.select(
        pl.col("uscc").cast(pl.String),
        pl.col("name").cast(pl.String),
        pl.col("zone").cast(pl.String),
        pl.when(pl.col("industry_division").cast(pl.String) == "")
        .then(None)
        .otherwise(pl.col("industry_division").cast(pl.String))
        .alias("industry_division"),
        # Full years to 31 December of the year: 31 December is never before the start day of its year.
        (pl.lit(year, dtype=pl.Int64) - started.cast(pl.Date).dt.year().cast(pl.Int64))
        .clip(lower_bound=0)
        .alias("production_years"),
        *[pl.col(name).cast(pl.Float64) if name in NUMBERS else pl.col(name).cast(pl.Boolean) for name in FIGURES],
    )
    keys = {
        uscc: (enterprise_id, zone_id)
        for uscc, enterprise_id, zone_id in zip(raw["uscc"], raw["enterprise_id"], raw["zone_id"], strict=True)
    }
    return frame, keys


def input_hash(frame: pl.DataFrame, previous: pl.DataFrame | None = None) -> str:
    """SHA-256 of the canonical input: the frames sorted by credit code, written as CSV."""
    digest = hashlib.sha256(frame.sort("uscc").write_csv().encode("utf-8"))
    if previous is not None:
        digest.update(b"\n--previous--\n")
        digest.update(previous.sort("uscc").write_csv().encode("utf-8"))
    return digest.hexdigest()


def _scope(*, user, zone_ids) -> tuple[frozenset[int] | None, Zone | None]:
    """The zones to evaluate (sub-parks included) and the run's scope zone (None: city-wide)."""
    if user is not None and not can_edit(user):
        raise PermissionDenied(_("您没有运行评价的权限"))
    editable = editable_zone_ids(user) if user is not None else None
    if zone_ids:
        zone_ids = set(zone_ids)
        if editable is not None and not zone_ids <= editable:
            raise PermissionDenied(_("不能评价您权限范围以外的园区"))
        zones = list(Zone.objects.filter(pk__in=zone_ids))
        if len(zones) != len(zone_ids):
            raise ValidationError(_("园区不存在"))
        return zone_descendants(zone_ids), zones[0] if len(zones) == 1 else None
    if editable is None:
        return None, None
    # A zone user's run is scoped to its zone, so that other zones never see it in their run list.
    own = list(user.zones.all())
    if len(own) != 1:
        raise ValidationError(_("请选择要评价的园区"))
    return zone_descendants([own[0].pk]), own[0]


def _method_of(method) -> tuple[Method, EvaluationMethod | None]:
    if isinstance(method, EvaluationMethod):
        return parse_method(method.text, format=method.format, origin=method.name), method
    if isinstance(method, Method):
        return method, None
    raise TypeError("method should be an EvaluationMethod or a parsed Method")


def _json_list(expr: pl.Expr) -> pl.Expr:
    """A list column as JSON text per row, encoded by Polars (a Python loop is the slow part of a store)."""
    return pl.struct(expr.alias("x")).struct.json_encode().str.strip_prefix('{"x":').str.strip_suffix("}")


def _indicators(parsed: Method) -> pl.Expr:
    """Per row, its group's indicators as a JSON object: key → value, benchmark, ratio, score, issue.

    Labels, units and weights are the method's and stay in the run's method text, not in every row.
    A struct per indicator (not a list of them) keeps the encoding vectorised: 0.2 s for 100,000 rows.
    """
    expression = pl.lit("{}")
    for group in reversed(parsed.groups):
        indicators = pl.struct(
            pl.struct(
                *[pl.col(f"{i.key}_{part}").cast(pl.Float64).alias(part) for part in NUMBER_PARTS],
                pl.col(f"{i.key}_issue").cast(pl.String).alias("issue"),
            ).alias(i.key)
            for i in group.indicators
        )
        expression = pl.when(pl.col("group") == group.id).then(indicators.struct.json_encode()).otherwise(expression)
    return expression


def indicator_rows(result: EvaluationResult, method: Method | None = None) -> list[dict]:
    """A result's indicators with the labels, units and weights of the run's method, in the method's order."""
    if method is None:
        method = parse_method(result.run.method_text, format=result.run.method_format)
    group = next((g for g in method.groups if g.id == result.group), None)
    if group is None:
        return []
    rows = []
    for indicator in group.indicators:
        figures = result.indicators.get(indicator.key) or {}
        rows.append(
            {
                "key": indicator.key,
                "label_zh": indicator.label_zh,
                "label_en": indicator.label_en,
                "unit": indicator.unit,
                "unit_en": indicator.unit_en,
                "weight": indicator.weight,
                **{part: figures.get(part) for part in (*NUMBER_PARTS, "issue")},
            }
        )
    return rows


RESULT_COLUMNS = [
    "run_id",
    "enterprise_id",
    "zone_id",
    "group",
    "group_label",
    "status",
    "reason_zh",
    "reason_en",
    "total",
    "rank",
    "group_size",
    "grade",
    "explanation_zh",
    "explanation_en",
    "indicators",
    "policies",
]


def _result_rows(scored: pl.DataFrame, parsed: Method, keys: dict[str, tuple], run_id: int) -> pl.DataFrame:
    """The results table's rows, in RESULT_COLUMNS order, built column-wise."""
    ids = pl.DataFrame(
        {
            "uscc": list(keys),
            "enterprise_id": [k[0] for k in keys.values()],
            "zone_id": [k[1] for k in keys.values()],
        },
        schema={"uscc": pl.String, "enterprise_id": pl.Int64, "zone_id": pl.Int64},
    )
    labels = {group.id: group.label_zh for group in parsed.groups}
    text = ["group", "status", "reason_zh", "reason_en", "grade", "explanation_zh", "explanation_en"]
    return (
        scored.join(ids, on="uscc", how="left", maintain_order="left")
        .with_columns(
            pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
            pl.col("group")
            .replace_strict(labels, default="", return_dtype=pl.String)
            .fill_null("")
            .alias("group_label"),
            _indicators(parsed).alias("indicators"),
            pl.when(pl.col("policies").is_null())
            .then(pl.lit("[]"))
            .otherwise(_json_list(pl.col("policies")))
            .alias("policies"),
            *[pl.col(name).fill_null("") for name in text],
        )
        .select(RESULT_COLUMNS)
    )


def _insert_results(rows: pl.DataFrame) -> None:
    """Insert the rows straight from the frame (by COPY on PostgreSQL); bulk_create would build 100,000 model
    objects first. The indicators and policies are JSON text already."""
    columns = [EvaluationResult._meta.get_field(name.removesuffix("_id")).column for name in RESULT_COLUMNS]
    copy_rows(EvaluationResult._meta.db_table, columns, rows.iter_rows())


def run_evaluation(*, method, year: int, user, zone_ids=None) -> EvaluationRun:
    """Evaluate ``year`` under ``method`` (an EvaluationMethod or a parsed Method) and store a new run.

    ``zone_ids``: the zones to evaluate (their sub-parks included); None evaluates every zone the user
    may change (a zone user's own zone). Raises ValidationError for a year without data or input the
    engine refuses, PermissionDenied for zones outside the user's reach.
    """
    if not 1949 <= int(year) <= 2100:
        raise ValidationError(_("年度无效：%(year)s") % {"year": year})
    parsed, stored = _method_of(method)
    zones, scope = _scope(user=user, zone_ids=zone_ids)
    frame, keys = build_frame(year=year, zone_ids=zones, user=user)
    if frame.height == 0:
        raise ValidationError(_("%(year)s 年没有可评价的企业数据") % {"year": year})
    previous = None
    if parsed.needs_previous:
        previous, _keys = build_frame(year=year - 1, zone_ids=zones, user=user)
    try:
        scored = score(frame, parsed, previous=previous)
    except EngineError as error:
        raise ValidationError(str(error)) from None
    counts = Counter(dict(scored.get_column("grade").fill_null("").value_counts().iter_rows()))
    with transaction.atomic(), acting(source=current_actor().source, user=user):
        run = EvaluationRun(
            method_name=parsed.name,
            method_text=parsed.text,
            method_format=parsed.format,
            method_digest=parsed.digest,
            method=stored,
            year=year,
            zone=scope,
            input_hash=input_hash(frame, previous),
            created_by=user,
            enterprise_count=scored.height,
            count_other=sum(n for grade, n in counts.items() if grade not in GRADES),
            **{f"count_{grade.lower()}": counts.get(grade, 0) for grade in GRADES},
        )
        run.save()  # logged once by the change log; the results stand under it
        _insert_results(_result_rows(scored, parsed, keys, run.pk))
    return run


def publish_run(*, run: EvaluationRun, user) -> EvaluationRun:
    """Publish a run (city administrators only); from then on it is locked."""
    if user is not None and not is_city_admin(user):
        raise PermissionDenied(_("只有市级管理员可以公布评价结果"))
    if run.is_published:
        raise ValidationError(_("已公布的评价结果已锁定，不能修改"))
    run.status = EvaluationRun.Status.PUBLISHED
    run.published_at = timezone.now()
    run.save()
    return run


def delete_run(*, run: EvaluationRun, user) -> None:
    """Delete a draft run the user may change; a published run is refused."""
    if run.is_published:
        raise ValidationError(_("已公布的评价结果已锁定，不能删除"))
    ids = editable_zone_ids(user) if user is not None else None
    if ids is not None and (run.zone_id is None or run.zone_id not in ids):
        raise PermissionDenied(_("您没有删除该评价的权限"))
    run.delete()


def visible_grade_counts(*, run: EvaluationRun, user) -> dict[str, int]:
    """Grade counts of the run over the results the user may see (a zone user's own enterprises)."""
    if visible_zone_ids(user) is None:
        counts = run.grade_counts()
        counts[""] = run.count_other
        return counts
    counts = Counter(EvaluationResult.objects.restrict(user).filter(run=run).values_list("grade", flat=True))
    return {grade: counts.get(grade, 0) for grade in [*GRADES, ""]}


def preview_method(*, text: str, format: str = "toml", year: int, user, zone_id: int | None = None, limit: int = 20):
    """Score ``year`` of the data the user may see under a method text WITHOUT storing anything.

    Returns the grade counts per group (label → grade → count, ungraded under "") and the first
    ``limit`` results by group and rank with their explanations. Raises ValidationError for a bad
    method (each problem with its line), a year without data or input the engine refuses.
    """
    if not 1949 <= int(year) <= 2100:
        raise ValidationError(_("年度无效：%(year)s") % {"year": year})
    try:
        parsed = parse_method(text, format=format)
    except MethodError as error:
        raise ValidationError(method_error_message(error)) from None
    zones = None
    if zone_id is not None:
        visible = visible_zone_ids(user) if user is not None else None
        if visible is not None and zone_id not in visible:
            raise PermissionDenied(_("不能评价您权限范围以外的园区"))
        zones = zone_descendants([zone_id])
    frame, _keys = build_frame(year=year, zone_ids=zones, user=user)
    if frame.height == 0:
        raise ValidationError(_("%(year)s 年没有可评价的企业数据") % {"year": year})
    previous = build_frame(year=year - 1, zone_ids=zones, user=user)[0] if parsed.needs_previous else None
    try:
        scored = score(frame, parsed, previous=previous)
    except EngineError as error:
        raise ValidationError(str(error)) from None
    labels = {group.id: group.label_zh for group in parsed.groups}
    scored = scored.with_columns(
        pl.col("group").replace_strict(labels, default="", return_dtype=pl.String).fill_null("").alias("group_label"),
        pl.col("grade").fill_null(""),
    )
    counts: dict[str, dict[str, int]] = {}
    for label, grade, n in scored.group_by("group_label", "grade").len().iter_rows():
        counts.setdefault(label, {}).setdefault(grade, 0)
        counts[label][grade] += n
    groups = [
        {
            "group": label or _("未分组"),
            "counts": [found.get(g, 0) for g in [*GRADES, ""]],
            "total": sum(found.values()),
        }
        for label, found in sorted(counts.items(), key=lambda item: (item[0] == "", item[0]))
    ]
    first = scored.sort(
        pl.col("group_label") == "", "group_label", pl.col("rank").is_null(), "rank", "uscc", nulls_last=True
    ).head(limit)
    rows = first.select(
        "uscc", "name", "zone", "group_label", "total", "rank", "grade", "explanation_zh", "explanation_en"
    )
    return {"method": parsed, "enterprise_count": scored.height, "groups": groups, "rows": rows.to_dicts()}
