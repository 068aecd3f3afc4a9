"""Writing reported figures and peers, storing zone-evaluation methods and running them.

Zones' figures are written by those who may change the zone; peers, methods and runs are the city's: peers by
city administrators, methods and runs by city administrators and analysts.
"""

from __future__ import annotations

import math

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.analytics.zone_figures import FIGURE_KEYS
from yuanqu.analytics.zoneranking import (
    MethodError,
    load_method,
    load_preset,
    preset_names,
    preset_text,
    rank_zones,
    what_would_move,
    why_rank_changed,
)
from yuanqu.core.access import is_city_admin, is_city_user
from yuanqu.core.services import delete_object, original_zone, save_object
from yuanqu.ranking.models import (
    PeerZone,
    ZoneEvaluationMethod,
    ZoneEvaluationResult,
    ZoneEvaluationRun,
    ZoneMonth,
    ZoneYear,
)

PEERS_ONLY_CITY = "只有市级管理员可以维护外部园区 / only a city administrator maintains peer zones"
PEER_ID_OFFSET = 1_000_000_000
"""Peers share the engine's zone ids with the platform's zones: a peer's id there is this plus its own."""
HISTORY_YEARS = 4
"""Years before the evaluated one that are ranked too: the rank change and the warning rules need them."""


def _check_peer_rights(user) -> None:
    if user is not None and not is_city_admin(user):
        raise PermissionDenied(PEERS_ONLY_CITY)


def can_evaluate_zones(user) -> bool:
    """City administrators and analysts edit zone-evaluation methods and run them (None: the system)."""
    if user is None:
        return True
    return is_city_user(user)


def _check_evaluator(user) -> None:
    if not can_evaluate_zones(user):
        raise PermissionDenied(_("只有市级管理员和分析员可以进行园区综合评价"))


# --- reported figures and peers ---------------------------------------------------------------------------------


def save_zone_year(*, zone_year: ZoneYear, user) -> ZoneYear:
    """Validate and save a year's figures: a zone's by a user who may change that zone, a peer's by the city."""
    if zone_year.peer_id is not None:
        _check_peer_rights(user)
        zone_year.full_clean()
        zone_year.save()
        return zone_year
    return save_object(zone_year, user=user, original_zone_id=original_zone(zone_year))


def delete_zone_year(*, zone_year: ZoneYear, user) -> None:
    if zone_year.peer_id is not None:
        _check_peer_rights(user)
        zone_year.delete()
        return
    delete_object(zone_year, user=user)


def save_zone_month(*, zone_month: ZoneMonth, user) -> ZoneMonth:
    """Validate and save a zone's January-to-date figures."""
    return save_object(zone_month, user=user, original_zone_id=original_zone(zone_month))


def delete_zone_month(*, zone_month: ZoneMonth, user) -> None:
    delete_object(zone_month, user=user)


def save_peer(*, peer: PeerZone, user) -> PeerZone:
    """Validate and save a peer zone (city administrators only)."""
    _check_peer_rights(user)
    peer.full_clean()
    peer.save()
    return peer


def delete_peer(*, peer: PeerZone, user) -> None:
    """Delete a peer and its figures (city administrators only)."""
    _check_peer_rights(user)
    peer.delete()


# --- methods ----------------------------------------------------------------------------------------------------


def method_error_message(error: MethodError, language: str = "zh") -> list[str]:
    """Each problem of a method on a line of its own, with its line and key."""
    return [str(problem) for problem in getattr(error, "problems", [])] or [str(error)]


def save_zone_method(*, name: str, text: str, user, preset: str = "") -> ZoneEvaluationMethod:
    """Store a method after validating it (the same text under the same name is found, not stored twice);
    ValidationError names each problem's line and key."""
    _check_evaluator(user)
    try:
        method = load_method(text, name=name)
    except MethodError as error:
        raise ValidationError(method_error_message(error)) from None
    found = ZoneEvaluationMethod.objects.filter(name=name, digest=method.digest).first()
    if found is not None:
        return found
    return ZoneEvaluationMethod.objects.create(name=name, text=text, preset=preset, created_by=user)


def preset_zone_method(*, name: str, user=None) -> ZoneEvaluationMethod:
    """The stored copy of a shipped preset (created on first use, reused while its text is unchanged)."""
    name = name.removesuffix(".toml")
    if name not in preset_names():
        raise ValidationError(
            _("未知的预置方法 %(name)s（可选：%(names)s）") % {"name": name, "names": ", ".join(preset_names())}
        )
    method = load_preset(name)
    found = ZoneEvaluationMethod.objects.filter(preset=name, digest=method.digest).first()
    if found is not None:
        return found
    return ZoneEvaluationMethod.objects.create(name=name, text=preset_text(name), preset=name, created_by=user)


# --- runs -------------------------------------------------------------------------------------------------------


def figures_frame(*, year: int, years_back: int = HISTORY_YEARS) -> pl.DataFrame:
    """Every top-level zone's and every peer's reported figures from ``year - years_back`` to ``year``, one row
    per zone and year, as the ranking engine reads them (sub-parks' figures belong to their zone)."""
    rows = (
        ZoneYear.objects.filter(year__gte=year - years_back, year__lte=year)
        .filter(zone__isnull=False, zone__parent__isnull=True)
        .values("zone_id", "zone__code", "zone__name", "zone__level", "year", *FIGURE_KEYS)
    )
    peers = ZoneYear.objects.filter(year__gte=year - years_back, year__lte=year, peer__isnull=False).values(
        "peer_id", "peer__code", "peer__name", "peer__level", "year", *FIGURE_KEYS
    )
    records = []
    for row in rows:
        records.append(
            {
                "zone_id": row["zone_id"],
                "zone_key": row["zone__code"] or "",
                "name": row["zone__name"],
                "level": row["zone__level"],
                "external": False,
                "year": row["year"],
                **{key: _number(row[key]) for key in FIGURE_KEYS},
            }
        )
    for row in peers:
        records.append(
            {
                "zone_id": PEER_ID_OFFSET + row["peer_id"],
                "zone_key": row["peer__code"] or "",
                "name": row["peer__name"],
                "level": row["peer__level"],
                "external": True,
                "year": row["year"],
                **{key: _number(row[key]) for key in FIGURE_KEYS},
            }
        )
    schema = {
        "zone_id": pl.Int64,
        "zone_key": pl.String,
        "name": pl.String,
        "level": pl.String,
        "external": pl.Boolean,
        "year": pl.Int64,
        **dict.fromkeys(FIGURE_KEYS, pl.Float64),
    }
    return pl.DataFrame(records, schema=schema)


def _number(value) -> float | None:
    return None if value is None else float(value)


def _plain(value):
    """A frame's value as JSON takes it (NaN as None)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def run_zone_evaluation(*, method: ZoneEvaluationMethod, year: int, user) -> ZoneEvaluationRun:
    """Rank every top-level zone (and peer) on its reported figures of ``year`` under the method, with the years
    before for the rank change and the warnings; store the run with each zone's result, its reasons and what
    moved it. The caller owns the transaction."""
    _check_evaluator(user)
    parsed = method.parsed()
    frame = figures_frame(year=year)
    if frame.filter(pl.col("year") == year).is_empty():
        # Lazy, with its parameters: a page shows it in the page's language, the command in both.
        raise ValidationError(
            gettext_lazy("%(year)s 年没有园区上报的年度数据，无法评价"), code="no_figures", params={"year": year}
        )
    ranking = rank_zones(frame, parsed, year=year)
    run = ZoneEvaluationRun.objects.create(
        method=method,
        method_name=method.name,
        method_text=method.text,
        method_digest=method.digest,
        year=year,
        created_by=user,
        others_visible=settings.YUANQU_RANKING_OPEN_TO_ZONES,
    )
    results = []
    for row in ranking.zones.iter_rows(named=True):
        zone_id = row["zone_id"]
        external = bool(row["external"])
        details = {
            "categories": {c.key: _plain(row.get(f"{c.key}_score")) for c in parsed.categories},
            "indicators": {
                i.key: {
                    "value": _plain(row.get(f"{i.key}_value")),
                    "score": _plain(row.get(f"{i.key}_score")),
                    "points": _plain(row.get(f"{i.key}_points")),
                    "issue": row.get(f"{i.key}_issue"),
                }
                for c in parsed.categories
                for i in c.indicators
            },
            "deductions": _plain(row.get("deductions")),
            "missing": list(row.get("missing") or []),
            "warning_zh": row.get("warning_zh") or "",
            "warning_en": row.get("warning_en") or "",
        }
        if row["status"] == "ranked":
            details["why"] = _explained(why_rank_changed, ranking, zone_id)
            details["move"] = _explained(what_would_move, ranking, zone_id)
        results.append(
            ZoneEvaluationResult(
                run=run,
                zone_id=None if external else zone_id,
                peer_id=zone_id - PEER_ID_OFFSET if external else None,
                name=row["name"],
                level=row["level"],
                group=row["group"] or "",
                status=row["status"],
                total=_plain(row["total"]),
                rank=row["rank"],
                group_size=row["group_size"],
                previous_rank=row["previous_rank"],
                rank_change=row["rank_change"],
                rank_best=row["rank_best"],
                rank_worst=row["rank_worst"],
                warning=row["warning"] or "",
                reason_zh="；".join(filter(None, (row["veto_reason_zh"], row["missing_reason_zh"]))),
                reason_en="; ".join(filter(None, (row["veto_reason_en"], row["missing_reason_en"]))),
                details=details,
            )
        )
    ZoneEvaluationResult.objects.bulk_create(results)
    return run


def _explained(explain, ranking, zone_id) -> dict | None:
    """An explanation as stored data; None where there is nothing to explain (no previous year, top place)."""
    try:
        found = explain(ranking, zone_id)
    except (KeyError, ValueError):
        return None
    return found.to_dict() if found is not None else None


def set_others_visible(*, run: ZoneEvaluationRun, visible: bool, user) -> ZoneEvaluationRun:
    """Let zone users see the other zones' names, totals and ranks in this run, or not (city administrators)."""
    if user is not None and not is_city_admin(user):
        raise PermissionDenied(_("只有市级管理员可以决定园区能否看到其他园区的排名"))
    run.others_visible = visible
    run.save(update_fields=["others_visible"])
    return run
