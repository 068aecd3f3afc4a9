"""Build the demo city in the database: zones, parcels, enterprises, their land and yearly figures.

Everything is drawn from random streams seeded with the seed alone, so the same seed gives the same
city (credit codes, names, polygons, dates and figures); only the created timestamps differ.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

import shapely
from django.db import transaction
from stdnum.cn import uscc as stdnum_uscc

from yuanqu.accounts.models import User
from yuanqu.analytics import geo
from yuanqu.core.changelog import acting, record_many
from yuanqu.core.demo import catalogue, layout
from yuanqu.core.demo import projects as demo_projects
from yuanqu.core.demo.catalogue import TRADES, ZONES, Trade, ZoneSpec
from yuanqu.core.demo.evaluation import build_demo_evaluations
from yuanqu.core.demo.users import DemoUser, create_demo_users
from yuanqu.core.importing.pipeline import refresh_planner_statistics
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.services import set_industry
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.land.services import set_geometry
from yuanqu.projects.services import seed_deadlines
from yuanqu.workdays.models import CalendarYear
from yuanqu.workdays.services import default_calendar_years, seed_calendar
from yuanqu.zones.models import Zone
from yuanqu.zones.services import save_zone

BATCH = 2000
PARCELS_PER_ENTERPRISE = 1.5

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

HOME_PLACE = {"etdz": "云港", "htz": "云溪", "prov": "溪南", "cluster": "桐泾"}
LOGISTICS = Trade(0.0, ("5920", "5930"), ("物流", "供应链管理", "仓储"), 0.35, 0.8, 0.02, 0.9, 0.3)


@dataclass
class DemoSummary:
    """What build_demo_city made, and how long it took."""

    zones: int = 0
    sub_parks: int = 0
    parcels: int = 0
    enterprises: int = 0
    land_records: int = 0
    enterprise_years: int = 0
    projects: int = 0
    evaluation_runs: int = 0
    change_log_entries: int = 0
    logged: bool = True
    seconds: float = 0.0
    as_of: dt.date | None = None
    users: list[DemoUser] = field(default_factory=list)

    def line(self) -> str:
        """The one-line summary the demo command ends with."""
        text = (
            f"demo city: {self.zones:,} zones, {self.sub_parks:,} sub-parks, {self.enterprises:,} enterprises, "
            f"{self.parcels:,} parcels, {self.projects:,} projects, {self.enterprise_years:,} yearly rows "
            f"in {self.seconds:.1f} s"
        )
        if not self.logged:
            text += " (change log skipped: --no-log)"
        return text


@dataclass
class _ParcelPlan:
    spec: ZoneSpec
    parcel: object  # land.Parcel, unsaved until bulk-created
    situation: str
    standard_factory: bool = False
    rented_mu: float = 0.0
    capacity_mu: float = 0.0  # what may still be rented out


@dataclass
class _EnterprisePlan:
    kind: str  # owner, renter, project, platform
    spec: ZoneSpec
    owned: list[_ParcelPlan] = field(default_factory=list)
    rented: list[tuple[_ParcelPlan, float]] = field(default_factory=list)
    division: str = ""
    trade: Trade | None = None
    production_started_on: dt.date | None = None
    registered_on: dt.date | None = None
    status: str = "active"
    closed_on: dt.date | None = None
    land_mu: Decimal = Decimal(0)
    enterprise: object = None


class _Silent:
    """Stands in for a Progress when nobody watches."""

    def __init__(self, label: str, total: int | None = None):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def advance(self, n: int = 1) -> None:
        pass


def build_demo_city(
    *,
    seed: int = 20241,
    enterprises: int = 2000,
    parcels: int = 3000,
    years: int = 5,
    last_year: int = 2025,
    progress=None,
    log: bool = True,
    projects: int | None = None,
) -> DemoSummary:
    """Build the fictional city 云溪市 into an empty database and return what was made.

    ``progress`` is a Progress-like class (``progress(label, total=n)`` as a context manager with
    ``advance(k)``); ``log=False`` skips the change-log entries of the bulk writes (benchmarks at scale).
    The land ledger and the projects are dated as of 30 June of the year after ``last_year``;
    ``projects`` defaults to about one per seven enterprises (at least 30, at most 600).
    """
    if enterprises < 1 or parcels < 1 or years < 1:
        raise ValueError("enterprises, parcels and years must be positive")
    started = time.monotonic()
    progress = progress or _Silent
    as_of = dt.date(last_year + 1, 6, 30)
    summary = DemoSummary(logged=log, as_of=as_of)

    def stream(purpose: str) -> random.Random:
        # One independent stream per purpose, seeded by the seed alone (string seeds hash with SHA-512).
        return random.Random(f"yuanqu-demo:{seed}:{purpose}")

    with transaction.atomic(), acting(source="cli"):
        shapes = _lay_out_parcels(stream("layout"), parcels)
        zones = _create_zones(shapes)
        summary.zones = sum(1 for spec in ZONES if spec.parent is None)
        summary.sub_parks = len(ZONES) - summary.zones

        with progress("地块图形与面积 / parcel shapes and areas", total=parcels) as bar:
            plans = _plan_parcels(stream("land"), shapes, zones, as_of, bar.advance)
        summary.parcels = len(plans)
        summary.change_log_entries += _bulk_create([p.parcel for p in plans], progress, "地块 / parcels", log=log)

        firms = _plan_enterprises(stream("enterprises"), plans, enterprises, as_of, last_year)
        ent_objects = _enterprise_objects(stream("names"), firms, zones)
        summary.enterprises = len(ent_objects)
        summary.change_log_entries += _bulk_create(ent_objects, progress, "企业 / enterprises", log=log)

        land = _land_objects(firms)
        summary.land_records = len(land)
        summary.change_log_entries += _bulk_create(land, progress, "企业用地 / enterprise land", log=log)

        first_year = last_year - years + 1
        rng = stream("figures")
        producing = [f for f in firms if f.production_started_on is not None]
        with progress("企业年度数据（按企业）/ yearly figures, by enterprise", total=len(producing)) as bar:
            for start in range(0, len(producing), 400):
                chunk = producing[start : start + 400]
                rows = []
                for firm in chunk:
                    rows.extend(_years_of(rng, firm, first_year, last_year))
                EnterpriseYear.objects.bulk_create(rows, batch_size=BATCH)
                if log:
                    summary.change_log_entries += record_many(("create", row, None) for row in rows)
                summary.enterprise_years += len(rows)
                bar.advance(len(chunk))

        summary.evaluation_runs = len(build_demo_evaluations(first_year=first_year, last_year=last_year))

        summary.users = create_demo_users(zone=zones["etdz"])

        n_projects = demo_projects.project_count(enterprises) if projects is None else projects
        if n_projects > 0:
            summary.projects, logged = _build_projects(
                stream("projects"), n_projects, firms, zones, as_of, last_year, progress, log=log
            )
            summary.change_log_entries += logged
    refresh_planner_statistics()  # a fresh database of this size has none: the map's joins need them
    summary.seconds = time.monotonic() - started
    return summary


def default_parcels(enterprises: int) -> int:
    """Parcels that go with a number of enterprises when only that is given (3,000 for 2,000)."""
    return max(1, round(enterprises * PARCELS_PER_ENTERPRISE))


# ---------------------------------------------------------------------------------------------------
# Zones and parcel shapes


def _split(total: int, shares: list[float], minimum: int) -> list[int]:
    """Whole counts in proportion to shares, adding up to total (largest remainder), each >= minimum if possible."""
    if total < minimum * len(shares):
        minimum = 0
    spare = total - minimum * len(shares)
    weight = sum(shares)
    raw = [spare * s / weight for s in shares]
    counts = [math.floor(r) for r in raw]
    order = sorted(range(len(shares)), key=lambda k: (counts[k] - raw[k], k))
    for k in order[: spare - sum(counts)]:
        counts[k] += 1
    return [c + minimum for c in counts]


def _lay_out_parcels(rng: random.Random, n: int) -> dict[str, list[layout.ParcelShape]]:
    """Parcel shapes per park key, placed in the city."""
    counts = dict(zip((s.key for s in ZONES), _split(n, [s.share for s in ZONES], 2), strict=True))
    tops = [s for s in ZONES if s.parent is None]
    groups, keys = [], []
    for top in tops:
        parks = [top] + [s for s in ZONES if s.parent == top.key]
        keys.append([p.key for p in parks])
        groups.append(
            [layout.layout_park(rng, layout.parcel_areas_m2(rng, counts[p.key]), angle_deg=p.angle_deg) for p in parks]
        )
    placed = layout.place_parks(groups)
    return {
        key: shapes
        for group_keys, parks in zip(keys, placed, strict=True)
        for key, shapes in zip(group_keys, parks, strict=True)
    }


def _create_zones(shapes: dict[str, list[layout.ParcelShape]]) -> dict:
    """Create the zones through the zone service, each with a boundary around its parcels."""
    park_bounds = {key: layout.park_boundary([s.polygon for s in shapes[key]]) for key in shapes}
    zones: dict[str, Zone] = {}
    for spec in sorted(ZONES, key=lambda s: s.parent is not None):
        if spec.parent is None:
            members = [spec.key] + [s.key for s in ZONES if s.parent == spec.key]
            parts = [park_bounds[k] for k in members if park_bounds[k] is not None]
            boundary = shapely.union_all(parts) if parts else None
        else:
            boundary = park_bounds[spec.key]
        zone = Zone(
            code=spec.code,
            name=spec.name,
            short_name=spec.short_name,
            level=spec.level,
            kind=spec.kind,
            parent=zones[spec.parent] if spec.parent else None,
            approved_on=spec.approved_on,
            approved_area_ha=spec.approved_area_ha,
            leading_industries=spec.leading_industries,
            boundary=shapely.to_wkb(geo.to_lonlat(boundary, layout.SRID)) if boundary is not None else None,
        )
        zones[spec.key] = save_zone(zone=zone, user=None)
    return zones


# ---------------------------------------------------------------------------------------------------
# Parcels


def _labels(rng: random.Random, n: int, shares: dict[str, float], minimum: int = 0) -> list[str]:
    """n labels in the given proportions, shuffled."""
    counts = _split(n, list(shares.values()), minimum)
    labels = [label for label, count in zip(shares, counts, strict=True) for _ in range(count)]
    rng.shuffle(labels)
    return labels


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _dec(value: float, places: int = 2) -> Decimal:
    return Decimal(f"{value:.{places}f}")


def _plan_parcels(rng: random.Random, shapes, zones, as_of: dt.date, advance) -> list[_ParcelPlan]:
    """Parcels with their land use, situation, dates and figures; geometry and area set by the land service."""
    plans: list[_ParcelPlan] = []
    for park_no, spec in enumerate(ZONES, start=1):
        mix = spec.land_use or catalogue.LAND_USE_MIX
        uses = _labels(rng, len(shapes[spec.key]), mix)
        for seq, (shape, use) in enumerate(zip(shapes[spec.key], uses, strict=True), start=1):
            # A 19-character cadastral code: division, cadastral area and sub-area, GB, sequence.
            code = f"{spec.region}{park_no:03d}{shape.row % 1000:03d}GB{seq:05d}"
            parcel = Parcel(zone=zones[spec.key], code=code, land_use=use)
            set_geometry(parcel, shape.polygon, layout.SRID)
            plans.append(_ParcelPlan(spec=spec, parcel=parcel, situation=""))
        advance(len(shapes[spec.key]))

    # Situations are dealt by quota over the whole city, so even a small city has some of each.
    productive = [p for p in plans if p.parcel.land_use in ("industrial", "warehouse")]
    for plan, situation in zip(productive, _labels(rng, len(productive), SITUATIONS, minimum=1), strict=True):
        plan.situation = situation
    others = [p for p in plans if not p.situation]
    other_mix = {"approved_unsupplied": 0.10, "building": 0.05, "in_use": 0.85}
    for plan, situation in zip(others, _labels(rng, len(others), other_mix), strict=True):
        plan.situation = situation
    idle = [p for p in productive if p.situation == "idle_unstarted"]
    government = max(1, round(GOVERNMENT_DELAY_SHARE * len(idle))) if len(idle) > 1 else 0
    for k, plan in enumerate(idle):
        plan.parcel.delay_cause = "government" if k < government else "holder"

    # Standard factory buildings (标准厂房), rented out floor by floor to small firms.
    for spec in ZONES:
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


def _date_and_figure(rng: random.Random, plan: _ParcelPlan, as_of: dt.date) -> None:
    """Fill a parcel's dates and figures for its situation, consistent with its area."""
    p = plan.parcel
    situation = plan.situation
    area = float(p.area_mu)
    area_m2 = area * geo.SQ_M_PER_MU
    use = p.land_use
    productive = use in ("industrial", "warehouse")

    if situation == "approved_unsupplied":
        p.approved_on = as_of - _days(rng, 150, 2400)
        return

    # Supply date first, then everything else after it.
    if situation == "supplied_recent":
        p.supplied_on = as_of - _days(rng, 40, 300)
        p.agreed_start_on = p.supplied_on + _days(rng, 90, 180)
    elif situation == "idle_unstarted":
        p.agreed_start_on = as_of - _days(rng, 400, 1800)
        p.supplied_on = p.agreed_start_on - _days(rng, 90, 270)
    elif situation == "halted":
        p.halted_since = as_of - _days(rng, 400, 1300)
        p.started_on = p.halted_since - _days(rng, 90, 500)
        p.agreed_start_on = p.started_on - _days(rng, 0, 120)
        p.supplied_on = p.agreed_start_on - _days(rng, 90, 240)
    elif situation == "building":
        p.started_on = as_of - _days(rng, 60, 700)
        p.agreed_start_on = p.started_on - _days(rng, -30, 90)
        p.supplied_on = min(p.agreed_start_on, p.started_on) - _days(rng, 60, 240)
    else:  # completed: in_use or underused
        years_ago = 0.5 + 15.0 * rng.random() ** 0.8
        p.completed_on = as_of - dt.timedelta(days=round(years_ago * 365.25))
        p.started_on = p.completed_on - _days(rng, 300, 900)
        p.agreed_start_on = p.started_on - _days(rng, 0, 120)
        p.supplied_on = p.agreed_start_on - _days(rng, 60, 240)
    p.approved_on = p.supplied_on - _days(rng, 60, 900)

    if use in ("industrial", "warehouse"):
        p.land_price = _dec(area * rng.uniform(22.0, 48.0), 4)
    elif use == "commercial":
        p.land_price = _dec(area * rng.uniform(180.0, 450.0), 4)
    elif use == "residential":
        p.land_price = _dec(area * rng.uniform(350.0, 1100.0), 4)
    else:
        p.land_price = None  # public and infrastructure land is allocated (划拨), not sold
    if not productive and use not in ("commercial", "residential"):
        if situation == "in_use":
            p.built_floor_area_m2 = _dec(area_m2 * rng.uniform(0.1, 0.9))
            p.footprint_m2 = _dec(area_m2 * rng.uniform(0.1, 0.4))
            p.developed_area_mu = _dec(area, 4)
        return

    intensity = min(max(rng.lognormvariate(math.log(330.0), 0.35), 150.0), 900.0)  # 万元/亩
    if not productive:
        intensity *= 2.5
    total = area * intensity
    if productive:
        planned_ratio = rng.uniform(1.0, 2.0) if use == "industrial" else rng.uniform(0.8, 1.4)
    else:
        planned_ratio = rng.uniform(1.8, 3.2)
    p.total_investment = _dec(total, 4)
    p.planned_floor_area_m2 = _dec(area_m2 * planned_ratio)

    if situation in ("supplied_recent", "idle_unstarted"):
        return
    if situation == "halted":
        developed = rng.uniform(0.05, 0.32)
        p.developed_area_mu = _dec(area * developed, 4)
        p.invested = _dec(total * rng.uniform(0.05, 0.24), 4)
        p.footprint_m2 = _dec(area_m2 * developed * rng.uniform(0.2, 0.5))
        p.built_floor_area_m2 = _dec(area_m2 * developed * rng.uniform(0.1, 0.6))
        return
    if situation == "building":
        developed = rng.uniform(0.4, 0.9)
        p.developed_area_mu = _dec(area * developed, 4)
        p.invested = _dec(total * rng.uniform(0.3, 0.85), 4)
        p.footprint_m2 = _dec(area_m2 * developed * rng.uniform(0.3, 0.5))
        p.built_floor_area_m2 = _dec(area_m2 * planned_ratio * developed * rng.uniform(0.3, 0.8))
        return
    if situation == "underused":
        p.developed_area_mu = _dec(area * rng.uniform(0.45, 0.8), 4)
        p.invested = _dec(total * rng.uniform(0.55, 0.85), 4)
        p.footprint_m2 = _dec(area_m2 * rng.uniform(0.15, 0.28))
        p.built_floor_area_m2 = _dec(area_m2 * rng.uniform(0.2, 0.5))
        return
    # Fully in use.
    if productive:
        ratio = rng.triangular(0.6, 2.0, 1.1) if use == "industrial" else rng.uniform(0.6, 1.2)
        if plan.standard_factory:
            ratio = rng.uniform(1.6, 2.4)  # multi-storey factory buildings
        coverage = rng.uniform(0.35, 0.6)
    else:
        ratio, coverage = rng.uniform(1.6, 3.0), rng.uniform(0.2, 0.35)
    p.developed_area_mu = _dec(area * rng.uniform(0.92, 1.0), 4)
    p.invested = _dec(total * rng.uniform(0.92, 1.05), 4)
    p.footprint_m2 = _dec(area_m2 * coverage)
    p.built_floor_area_m2 = _dec(area_m2 * ratio)


# ---------------------------------------------------------------------------------------------------
# Enterprises and their land


def _plan_enterprises(
    rng: random.Random, plans: list[_ParcelPlan], n: int, as_of: dt.date, last_year: int
) -> list[_EnterprisePlan]:
    """Who uses which parcel: owners, project companies, platform companies and renters."""
    productive = [p for p in plans if p.parcel.land_use in ("industrial", "warehouse")]
    in_use = [p for p in productive if p.situation in IN_USE_SITUATIONS and not p.standard_factory]
    projects = [p for p in productive if p.situation in PROJECT_SITUATIONS]
    standard = [p for p in productive if p.standard_factory]
    rng.shuffle(in_use)
    rng.shuffle(projects)

    top_of = {spec.key: spec.parent or spec.key for spec in ZONES}
    by_key = {spec.key: spec for spec in ZONES}
    platform_tops = sorted({top_of[p.spec.key] for p in standard}, key=list(by_key).index)
    n_platform = min(len(platform_tops), max(0, n // 10))
    n_project = min(round(0.6 * len(projects)), round(0.12 * n))
    n_owner = min(len(in_use), round(0.42 * n), n - n_platform - n_project)
    n_renter = n - n_platform - n_project - n_owner

    firms: list[_EnterprisePlan] = []
    for key in platform_tops[:n_platform]:
        firm = _EnterprisePlan(kind="platform", spec=by_key[key])
        firm.owned = [p for p in standard if top_of[p.spec.key] == key]
        firm.registered_on = by_key[key].approved_on + dt.timedelta(days=400)
        firms.append(firm)

    owners = []
    for plan in in_use[:n_owner]:
        firm = _EnterprisePlan(kind="owner", spec=plan.spec, owned=[plan])
        firm.production_started_on = min(plan.parcel.completed_on + _days(rng, 30, 240), as_of - dt.timedelta(days=20))
        owners.append(firm)
    firms.extend(owners)
    owners_in = {}
    for firm in owners:
        owners_in.setdefault(firm.spec.key, []).append(firm)

    # Parcels left over: some are a bigger firm's second site, the rest belong to landlords outside the
    # register (village collectives, property companies) and are rented out to small firms.
    landlord = []
    for plan in in_use[n_owner:]:
        local = owners_in.get(plan.spec.key)
        if local and rng.random() < 0.3:
            rng.choice(local).owned.append(plan)
        else:
            landlord.append(plan)

    for plan in projects[:n_project]:
        firm = _EnterprisePlan(kind="project", spec=plan.spec, owned=[plan])
        firm.registered_on = plan.parcel.supplied_on - _days(rng, 30, 400)
        firms.append(firm)
    for plan in projects[n_project:]:
        local = owners_in.get(plan.spec.key)
        if local:
            rng.choice(local).owned.append(plan)  # an expansion of a firm already in production

    # Renters take part of a standard factory, a landlord's parcel or an owner's parcel.
    for plan in standard + landlord:
        plan.capacity_mu = 0.9 * float(plan.parcel.area_mu)
    for firm in owners:
        firm.owned[0].capacity_mu = 0.35 * float(firm.owned[0].parcel.area_mu)
    pools = [(standard, 0.5), (landlord, 0.3), ([f.owned[0] for f in owners], 0.2)]
    pools = [(pool, share) for pool, share in pools if pool]
    for _ in range(n_renter):
        want = min(max(rng.lognormvariate(math.log(3.5), 0.8), 0.5), 30.0)
        host = _pick_host(rng, pools, want)
        if host is None:
            break
        area = max(min(want, host.capacity_mu), 0.3)
        host.capacity_mu = max(host.capacity_mu - area, 0.0)
        host.rented_mu += area
        firm = _EnterprisePlan(kind="renter", spec=host.spec, rented=[(host, area)])
        earliest = host.parcel.completed_on + dt.timedelta(days=60)
        latest = as_of - dt.timedelta(days=30)
        span = max((latest - earliest).days, 1)
        firm.production_started_on = earliest + dt.timedelta(days=round(span * rng.random() ** 1.8))
        firms.append(firm)

    weights = {spec.key: _trade_weights(spec) for spec in ZONES}
    for firm in firms:
        _complete_firm(rng, firm, weights[firm.spec.key], as_of, last_year)
    return firms


def _pick_host(rng: random.Random, pools, want: float) -> _ParcelPlan | None:
    """A parcel with room for the renter: a random pick by pool share, else the roomiest parcel."""
    if not pools:
        return None
    shares = [share for _pool, share in pools]
    for _ in range(12):
        pool = rng.choices(pools, weights=shares)[0][0]
        host = rng.choice(pool)
        if host.capacity_mu >= min(want, 0.5):
            return host
    roomiest = max((p for pool, _ in pools for p in pool), key=lambda p: p.capacity_mu)
    return roomiest


def _trade_weights(spec: ZoneSpec) -> tuple[list[str], list[float]]:
    divisions = [d for d, t in TRADES.items() if t.weight > 0]
    cumulative = list(itertools.accumulate(TRADES[d].weight * spec.industry_boost.get(d, 1.0) for d in divisions))
    return divisions, cumulative


def _complete_firm(rng: random.Random, firm: _EnterprisePlan, weights, as_of: dt.date, last_year: int) -> None:
    """Industry, registration date and status of one firm."""
    if firm.kind == "platform":
        firm.division, firm.trade = "70", None
        return
    land_use = (firm.owned or [host for host, _ in firm.rented])[0].parcel.land_use
    if land_use == "warehouse" and rng.random() < 0.5:
        firm.division, firm.trade = "59", LOGISTICS
    else:
        divisions, cumulative = weights
        firm.division = divisions[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]
        firm.trade = TRADES[firm.division]
    if firm.kind == "project":
        return
    firm.registered_on = firm.production_started_on - _days(rng, 150, 1100)
    draw = rng.random()
    if draw < 0.03:
        firm.status = "suspended"
    elif draw < 0.045:
        firm.status = "closed"
    elif draw < 0.053:
        firm.status = "relocated"
    if firm.status in ("closed", "relocated"):
        year = last_year - rng.randint(0, 2)
        closed = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        firm.closed_on = max(closed, firm.production_started_on + dt.timedelta(days=200))
        if firm.closed_on > as_of:
            firm.status, firm.closed_on = "active", None


def _org_code(rng: random.Random, registered_on: dt.date) -> str:
    """A nine-character organisation code with its GB 11714 check character; new style from late 2015."""
    if registered_on >= dt.date(2015, 10, 1):
        body = "MA" + rng.choice("123") + "".join(rng.choice(catalogue.USCC_ALPHABET) for _ in range(5))
    else:
        body = str(rng.randint(1, 7)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, catalogue.ORG_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _uscc(rng: random.Random, region: str, registered_on: dt.date, taken: set[str]) -> str:
    while True:
        first17 = "91" + region + _org_code(rng, registered_on)
        code = first17 + stdnum_uscc.calc_check_digit(first17)
        if code not in taken:
            taken.add(code)
            return code


def _company_name(rng: random.Random, firm: _EnterprisePlan, taken: set[str]) -> str:
    if firm.kind == "platform":
        return catalogue.PLATFORM_COMPANIES[firm.spec.key]
    home = HOME_PLACE[firm.spec.parent or firm.spec.key]
    chars = catalogue.NAME_CHARS
    for attempt in range(200):
        word = rng.choice(chars) + rng.choice(chars)
        if word[0] == word[1]:
            continue
        if attempt >= 20:  # a crowded trade: a three-character trade name
            word += rng.choice(chars)
        trade_word = rng.choice(firm.trade.words)
        draw = rng.random()
        place = home if draw < 0.45 else ("云溪" if draw < 0.7 else rng.choice(catalogue.PLACES))
        form = rng.random()
        if form < 0.70:
            name = f"{place}{word}{trade_word}有限公司"
        elif form < 0.82:
            name = f"{word}{trade_word}（{place}）有限公司"
        elif form < 0.90:
            name = f"{place}{word}{trade_word}股份有限公司"
        else:
            name = f"{catalogue.PROVINCE}{word}{trade_word}有限公司"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("no free company name")  # pragma: no cover - 200 misses in a row do not happen


def _enterprise_objects(rng: random.Random, firms: list[_EnterprisePlan], zones) -> list:
    usccs: set[str] = set()
    names: set[str] = set(catalogue.PLATFORM_COMPANIES.values())
    objects = []
    for firm in firms:
        if firm.kind == "platform":
            code = catalogue.PLATFORM_INDUSTRY
        else:
            code = rng.choice(firm.trade.classes)
        if firm.kind == "platform":
            zone = zones[firm.spec.key]
        else:
            zone = (firm.owned or [host for host, _area in firm.rented])[0].parcel.zone
        firm.enterprise = Enterprise(
            uscc=_uscc(rng, firm.spec.region, firm.registered_on, usccs),
            name=_company_name(rng, firm, names),
            zone=zone,
            status=firm.status,
            production_started_on=firm.production_started_on,
        )
        set_industry(firm.enterprise, code)
        objects.append(firm.enterprise)
    return objects


def _land_objects(firms: list[_EnterprisePlan]) -> list:
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
                    area_mu=_dec(own, 4),
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
                    area_mu=_dec(area, 4),
                    start_on=firm.production_started_on - dt.timedelta(days=60),
                    end_on=firm.closed_on,
                )
            )
        firm.land_mu = sum((row.area_mu for row in mine), Decimal(0))
        rows.extend(mine)
    return rows


# ---------------------------------------------------------------------------------------------------
# Yearly figures


def _years_of(rng: random.Random, firm: _EnterprisePlan, first_year: int, last_year: int) -> list:
    """One EnterpriseYear per year the firm produced in, with figures that hang together."""
    start = max(first_year, firm.production_started_on.year)
    end = last_year if firm.closed_on is None else min(last_year, firm.closed_on.year - 1)
    land = firm.land_mu
    if start > end or not land:
        return []
    trade = firm.trade
    land_f = float(land)
    renter = firm.kind == "renter"

    revenue_per_mu = rng.lognormvariate(math.log(330.0), 0.7) * trade.revenue
    tax_share = rng.lognormvariate(math.log(0.062), 0.45) * trade.tax
    if rng.random() < 0.015:
        tax_share *= rng.uniform(0.005, 0.05)  # loss-makers and shells: under 1 万元 per mu
    growth = rng.gauss(0.05, 0.07)
    value_added_share = rng.uniform(0.2, 0.3)
    electricity_rate = trade.electricity * rng.lognormvariate(0.0, 0.3)
    emission_rate = trade.emissions / rng.lognormvariate(math.log(5000.0), 0.8)  # t per 万元 value added
    emissions_known = rng.random() > (0.3 if renter else 0.05)
    productivity = rng.lognormvariate(math.log(18.0), 0.35)  # 万元 value added per person
    tech_odds = 0.13 * (2.0 if firm.division in ("27", "39", "40") else 1.0) * (0.4 if renter else 1.0)
    high_tech_from = None
    if rng.random() < tech_odds:
        high_tech_from = start if rng.random() < 0.6 else rng.randint(start, end + 1)
    if high_tech_from is not None:
        rd_share = rng.uniform(0.03, 0.06)
    elif renter and rng.random() < 0.4:
        rd_share = 0.0
    else:
        rd_share = min(rng.lognormvariate(math.log(0.012), 0.7), 0.06)

    rows = []
    level = 1.0
    for year in range(start, end + 1):
        if year > start:
            level *= max(1.0 + growth + rng.gauss(0.0, 0.06), 0.3)
        ramp = 1.0
        if year == firm.production_started_on.year:
            ramp = rng.uniform(0.3, 0.7)  # the first year of production is a part year
        if firm.status == "suspended" and year == last_year:
            ramp *= 0.25
        revenue = revenue_per_mu * land_f * level * ramp
        output = revenue * rng.uniform(0.94, 1.05)
        value_added = output * min(max(value_added_share + rng.gauss(0.0, 0.01), 0.2), 0.3)
        electricity = output * electricity_rate * rng.lognormvariate(0.0, 0.05)
        rows.append(
            EnterpriseYear(
                enterprise=firm.enterprise,
                year=year,
                above_scale=revenue >= 2000.0,  # 规上: main business revenue of 20 million yuan or more
                land_mu=land,
                tax=_dec(revenue * tax_share * rng.lognormvariate(0.0, 0.12)),
                revenue=_dec(revenue),
                industrial_output=_dec(output),
                value_added=_dec(value_added),
                energy_tce=_dec(electricity * 1.229 / trade.electric_share),
                electricity=_dec(electricity),
                emissions=_dec(value_added * emission_rate * rng.lognormvariate(0.0, 0.1), 3)
                if emissions_known
                else None,
                rd_spending=_dec(revenue * min(rd_share * rng.lognormvariate(0.0, 0.15), 0.06)),
                employees=max(3, round(value_added / (productivity * rng.lognormvariate(0.0, 0.05)))),
                high_tech=high_tech_from is not None and year >= high_tech_from,
                incident=rng.random() < 0.01,
            )
        )
    return rows


# ---------------------------------------------------------------------------------------------------
# Investment projects


def _build_projects(rng, n, firms, zones, as_of, last_year, progress, *, log: bool) -> tuple[int, int]:
    """Projects with their timelines, agreements and the zones' yearly targets; returns (projects, entries)."""
    # A database flushed by `demo --reset` lost the calendar and deadline rules its migration seeded.
    if not CalendarYear.objects.exists():
        seed_calendar(years=default_calendar_years())
    seed_deadlines()
    planned = demo_projects.plan_projects(rng, n=n, firms=firms, zones=zones, as_of=as_of)
    logged = _bulk_create([p.project for p in planned], progress, "项目 / projects", log=log)
    recorder = User.objects.filter(username="admin").first()
    logged += _bulk_create(demo_projects.event_objects(planned, recorder), progress, "阶段记录 / stage events", log=log)

    linked = {p.firm.enterprise.pk for p in planned if p.firm is not None and p.agreement is not None}
    figures = {}
    for row in EnterpriseYear.objects.filter(enterprise_id__in=linked, land_mu__gt=0).order_by("year"):
        if row.tax is not None and row.industrial_output is not None:
            figures[row.enterprise_id] = (row.tax / row.land_mu, row.industrial_output / row.land_mu)
    demo_projects.settle_capacity_promises(rng, planned, figures)
    agreements = [p.agreement for p in planned if p.agreement is not None]
    logged += _bulk_create(agreements, progress, "投资协议 / agreements", log=log)
    years = [(last_year, (0.75, 1.35)), (as_of.year, (0.8, 2.0))]
    targets = demo_projects.target_objects(rng, planned, zones, years)
    logged += _bulk_create(targets, progress, "目标 / targets", log=log)
    return len(planned), logged


# ---------------------------------------------------------------------------------------------------
# Writing


def _bulk_create(objects: list, progress, label: str, *, log: bool) -> int:
    """bulk_create in batches with progress; log the creations unless told not to. Returns entries logged."""
    if not objects:
        return 0
    model = type(objects[0])
    logged = 0
    with progress(label, total=len(objects)) as bar:
        for start in range(0, len(objects), BATCH):
            chunk = objects[start : start + BATCH]
            # Related objects assigned before they were saved get their ids picked up by Django here.
            model.objects.bulk_create(chunk, batch_size=BATCH)
            if log:
                logged += record_many(("create", obj, None) for obj in chunk)
            bar.advance(len(chunk))
    return logged


__all__ = ["DemoSummary", "build_demo_city", "default_parcels"]
