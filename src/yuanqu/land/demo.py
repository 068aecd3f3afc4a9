"""The land's part of the demo city: its parcels, each in a situation a land-status rule will find (approved and
never supplied, idle, under-used, in use, ...) with dates and figures to match, and the land its enterprises use.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from yuanqu.analytics import geo
from yuanqu.core.demo import days, dec, labels
from yuanqu.enterprises.demo import EnterprisePlan
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.land.services import set_geometry
from yuanqu.zones import demo_layout as layout
from yuanqu.zones.demo import LAND_USE_MIX, ZONES, ZoneSpec

# Situations of industrial and warehouse parcels, by share; each is what a land-status rule will find.
SITUATIONS = {
    "approved_unsupplied": 0.07,  # 批而未供: approved, never supplied
    "supplied_recent": 0.03,  # 供而未用: supplied, start date not yet a year past
    "idle_unstarted": 0.035,  # 闲置: not started a full year after the agreed start
    "halted": 0.02,  # 闲置 (case 2): started, < 1/3 developed or < 25 % invested, halted over a year
    "building": 0.04,  # under construction
    "underused": 0.09,  # 用而未尽: completed with a low plot ratio, part left unbuilt
    "in_use": 0.715,  # completed and fully in use
}
PROJECT_SITUATIONS = ("supplied_recent", "idle_unstarted", "halted", "building")
IN_USE_SITUATIONS = ("in_use", "underused")
GOVERNMENT_DELAY_SHARE = 0.35


@dataclass
class ParcelPlan:
    """A parcel being planned: its zone's spec, the parcel (unsaved until bulk-created), its situation, and what of
    it is rented out."""

    spec: ZoneSpec
    parcel: Parcel
    situation: str
    standard_factory: bool = False
    rented_mu: float = 0.0
    capacity_mu: float = 0.0  # what may still be rented out

    @property
    def in_use(self) -> bool:
        """Completed and used (fully or not): a firm may produce on it."""
        return self.situation in IN_USE_SITUATIONS

    @property
    def project_site(self) -> bool:
        """Supplied and not yet in use: an investment project's land."""
        return self.situation in PROJECT_SITUATIONS


def build_parcels(city) -> None:
    """The parcels of every park laid out by the zones' step (``city.shared["parcel_plans"]``)."""
    with city.progress("地块图形与面积 / parcel shapes and areas", total=city.parcels) as bar:
        plans = _plan_parcels(
            city.stream("land"),
            city.shared["shapes"],
            city.shared["zones"],
            city.as_of,
            bar.advance,
            city.shared["specs"],
        )
    city.shared["parcel_plans"] = plans
    city.count("parcels", len(plans))
    city.bulk_create([p.parcel for p in plans], "地块 / parcels")


def build_enterprise_land(city) -> None:
    """Which enterprise uses which parcel, from the firms the enterprises' step planned; sets each firm's land."""
    land = _land_objects(city.shared["firms"])
    city.count("land_records", len(land))
    city.bulk_create(land, "企业用地 / enterprise land")


def _plan_parcels(
    rng: random.Random, shapes, zones, as_of: dt.date, advance, specs: tuple[ZoneSpec, ...] = ZONES
) -> list[ParcelPlan]:
    """Parcels with their land use, situation, dates and figures; geometry and area set by the land service."""
    plans: list[ParcelPlan] = []
    for park_no, spec in enumerate(specs, start=1):
        mix = spec.land_use or LAND_USE_MIX
        uses = labels(rng, len(shapes[spec.key]), mix)
        for seq, (shape, use) in enumerate(zip(shapes[spec.key], uses, strict=True), start=1):
            # A 19-character cadastral code: division, cadastral area and sub-area, GB, sequence.
            code = f"{spec.region}{park_no:03d}{shape.row % 1000:03d}GB{seq:05d}"
            parcel = Parcel(zone=zones[spec.key], code=code, land_use=use)
            set_geometry(parcel, shape.polygon, layout.SRID)
            plans.append(ParcelPlan(spec=spec, parcel=parcel, situation=""))
        advance(len(shapes[spec.key]))

    # Situations are dealt by quota over the whole city, so even a small city has some of each.
    productive = [p for p in plans if p.parcel.land_use in ("industrial", "warehouse")]
    for plan, situation in zip(productive, labels(rng, len(productive), SITUATIONS, minimum=1), strict=True):
        plan.situation = situation
    others = [p for p in plans if not p.situation]
    other_mix = {"approved_unsupplied": 0.10, "building": 0.05, "in_use": 0.85}
    for plan, situation in zip(others, labels(rng, len(others), other_mix), strict=True):
        plan.situation = situation
    idle = [p for p in productive if p.situation == "idle_unstarted"]
    government = max(1, round(GOVERNMENT_DELAY_SHARE * len(idle))) if len(idle) > 1 else 0
    for k, plan in enumerate(idle):
        plan.parcel.delay_cause = "government" if k < government else "holder"

    # Standard factory buildings (标准厂房), rented out floor by floor to small firms.
    for spec in specs:
        candidates = [
            p for p in productive if p.spec is spec and p.situation == "in_use" and p.parcel.land_use == "industrial"
        ]
        wanted = round(spec.standard_factory_share * len(candidates))
        if spec.standard_factory_share >= 0.2 and candidates:
            wanted = max(wanted, 1)
        for plan in candidates[:wanted]:
            plan.standard_factory = True

    for plan in plans:
        _date_and_figure(rng, plan, as_of)
    return plans


def _date_and_figure(rng: random.Random, plan: ParcelPlan, as_of: dt.date) -> None:
    """Fill a parcel's dates and figures for its situation, consistent with its area."""
    p = plan.parcel
    situation = plan.situation
    area = float(p.area_mu)
    area_m2 = area * geo.SQ_M_PER_MU
    use = p.land_use
    productive = use in ("industrial", "warehouse")

    if situation == "approved_unsupplied":
        p.approved_on = as_of - days(rng, 150, 2400)
        return

    # Supply date first, then everything else after it.
    if situation == "supplied_recent":
        p.supplied_on = as_of - days(rng, 40, 300)
        p.agreed_start_on = p.supplied_on + days(rng, 90, 180)
    elif situation == "idle_unstarted":
        p.agreed_start_on = as_of - days(rng, 400, 1800)
        p.supplied_on = p.agreed_start_on - days(rng, 90, 270)
    elif situation == "halted":
        p.halted_since = as_of - days(rng, 400, 1300)
        p.started_on = p.halted_since - days(rng, 90, 500)
        p.agreed_start_on = p.started_on - days(rng, 0, 120)
        p.supplied_on = p.agreed_start_on - days(rng, 90, 240)
    elif situation == "building":
        p.started_on = as_of - days(rng, 60, 700)
        p.agreed_start_on = p.started_on - days(rng, -30, 90)
        p.supplied_on = min(p.agreed_start_on, p.started_on) - days(rng, 60, 240)
    else:  # completed: in_use or underused
        years_ago = 0.5 + 15.0 * rng.random() ** 0.8
        p.completed_on = as_of - dt.timedelta(days=round(years_ago * 365.25))
        p.started_on = p.completed_on - days(rng, 300, 900)
        p.agreed_start_on = p.started_on - days(rng, 0, 120)
        p.supplied_on = p.agreed_start_on - days(rng, 60, 240)
    p.approved_on = p.supplied_on - days(rng, 60, 900)

    if use in ("industrial", "warehouse"):
        p.land_price = dec(area * rng.uniform(22.0, 48.0), 4)
    elif use == "commercial":
        p.land_price = dec(area * rng.uniform(180.0, 450.0), 4)
    elif use == "residential":
        p.land_price = dec(area * rng.uniform(350.0, 1100.0), 4)
    else:
        p.land_price = None  # public and infrastructure land is allocated (划拨), not sold
    if not productive and use not in ("commercial", "residential"):
        if situation == "in_use":
            p.built_floor_area_m2 = dec(area_m2 * rng.uniform(0.1, 0.9))
            p.footprint_m2 = dec(area_m2 * rng.uniform(0.1, 0.4))
            p.developed_area_mu = dec(area, 4)
        return

    intensity = min(max(rng.lognormvariate(math.log(330.0), 0.35), 150.0), 900.0)  # 万元/亩
    if not productive:
        intensity *= 2.5
    total = area * intensity
    if productive:
        planned_ratio = rng.uniform(1.0, 2.0) if use == "industrial" else rng.uniform(0.8, 1.4)
    else:
        planned_ratio = rng.uniform(1.8, 3.2)
    p.total_investment = dec(total, 4)
    p.planned_floor_area_m2 = dec(area_m2 * planned_ratio)

    if situation in ("supplied_recent", "idle_unstarted"):
        return
    if situation == "halted":
        developed = rng.uniform(0.05, 0.32)
        p.developed_area_mu = dec(area * developed, 4)
        p.invested = dec(total * rng.uniform(0.05, 0.24), 4)
        p.footprint_m2 = dec(area_m2 * developed * rng.uniform(0.2, 0.5))
        p.built_floor_area_m2 = dec(area_m2 * developed * rng.uniform(0.1, 0.6))
        return
    if situation == "building":
        developed = rng.uniform(0.4, 0.9)
        p.developed_area_mu = dec(area * developed, 4)
        p.invested = dec(total * rng.uniform(0.3, 0.85), 4)
        p.footprint_m2 = dec(area_m2 * developed * rng.uniform(0.3, 0.5))
        p.built_floor_area_m2 = dec(area_m2 * planned_ratio * developed * rng.uniform(0.3, 0.8))
        return
    if situation == "underused":
        p.developed_area_mu = dec(area * rng.uniform(0.45, 0.8), 4)
        p.invested = dec(total * rng.uniform(0.55, 0.85), 4)
        p.footprint_m2 = dec(area_m2 * rng.uniform(0.15, 0.28))
        p.built_floor_area_m2 = dec(area_m2 * rng.uniform(0.2, 0.5))
        return
    # Fully in use.
    if productive:
        ratio = rng.triangular(0.6, 2.0, 1.1) if use == "industrial" else rng.uniform(0.6, 1.2)
        if plan.standard_factory:
            ratio = rng.uniform(1.6, 2.4)  # multi-storey factory buildings
        coverage = rng.uniform(0.35, 0.6)
    else:
        ratio, coverage = rng.uniform(1.6, 3.0), rng.uniform(0.2, 0.35)
    p.developed_area_mu = dec(area * rng.uniform(0.92, 1.0), 4)
    p.invested = dec(total * rng.uniform(0.92, 1.05), 4)
    p.footprint_m2 = dec(area_m2 * coverage)
    p.built_floor_area_m2 = dec(area_m2 * ratio)


def _land_objects(firms: list[EnterprisePlan]) -> list:
    """EnterpriseLand rows: owned parcels less what is rented out of them, and rented parts."""
    rows = []
    for firm in firms:
        mine = []
        for plan in firm.owned:
            if firm.closed_on is not None and plan.parcel.supplied_on > firm.closed_on:
                continue  # a firm that closed holds none of the land supplied after it left
            own = float(plan.parcel.area_mu) - plan.rented_mu
            if own <= 0.05:
                own = float(plan.parcel.area_mu)  # fully let; the owner still holds the title
            mine.append(
                EnterpriseLand(
                    enterprise=firm.enterprise,
                    parcel=plan.parcel,
                    tenure="own",
                    area_mu=dec(own, 4),
                    start_on=plan.parcel.supplied_on,
                    end_on=firm.closed_on,
                )
            )
        for host, area in firm.rented:
            mine.append(
                EnterpriseLand(
                    enterprise=firm.enterprise,
                    parcel=host.parcel,
                    tenure="rented",
                    area_mu=dec(area, 4),
                    start_on=firm.production_started_on - dt.timedelta(days=60),
                    end_on=firm.closed_on,
                )
            )
        firm.land_mu = sum((row.area_mu for row in mine), Decimal(0))
        rows.extend(mine)
    return rows
