"""Reads of the chains app: the chains a user sees, and their coverage computed from the live enterprise data
(``yuanqu.analytics.chains``), with the projects, target firms and land of each link."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl
from django.db.models import Count, FloatField, Max, prefetch_related_objects
from django.db.models.functions import Cast
from django.urls import reverse

from yuanqu.analytics.chains import coverage, split_list
from yuanqu.analytics.land_status import APPROVED_UNSUPPLIED, IDLE, SUPPLIED_UNUSED
from yuanqu.chains.models import Chain, ChainFirm, ChainNode, ChainProject, TargetFirm
from yuanqu.core.access import visible_zone_ids, zone_descendants
from yuanqu.core.queries import raw_rows
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.evaluation.selectors import latest_grades
from yuanqu.projects.models import STAGE_ORDER, Stage

# Land that could host a missing link: idle, supplied but unused, approved but not supplied.
AVAILABLE_LAND = (IDLE, SUPPLIED_UNUSED, APPROVED_UNSUPPLIED)
SIGNED_STAGES = frozenset(STAGE_ORDER[STAGE_ORDER.index(Stage.SIGNED) :])
PIPELINE_STAGES = frozenset({Stage.LEAD, Stage.NEGOTIATING})


def chains_for(user, *, zone=None):
    """The chains the user sees (serving one of their zones; ``user`` None: the system, which sees all), those of a
    zone (and its parents' chains) when given."""
    chains = Chain.objects.all() if user is None else Chain.objects.restrict(user)
    queryset = chains.prefetch_related("zones").order_by("name")
    if zone is not None:
        queryset = queryset.filter(zones=zone)
    return queryset


def chain_zone_ids(chain: Chain, user, zone_ids=None) -> frozenset[int]:
    """The zones (with their sub-parks) whose firms a chain's coverage counts: those it serves, that the user
    sees, narrowed to ``zone_ids`` (with their sub-parks) when given."""
    served = zone_descendants([zone.pk for zone in chain.zones.all()])  # prefetched by ``chains_for``
    visible = visible_zone_ids(user) if user is not None else None
    if visible is not None:
        served &= visible
    if zone_ids is not None:
        served &= zone_descendants(zone_ids)
    return frozenset(served)


def node_frame(nodes) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "node_id": [n.pk for n in nodes],
            "parent_id": [n.parent_id for n in nodes],
            "classes": [split_list(n.industry_codes) for n in nodes],
            "keywords": [split_list(n.keywords) for n in nodes],
        },
        schema={
            "node_id": pl.Int64,
            "parent_id": pl.Int64,
            "classes": pl.List(pl.String),
            "keywords": pl.List(pl.String),
        },
    )


def latest_year(zone_ids) -> int | None:
    return (
        EnterpriseYear.objects.filter(enterprise__zone_id__in=zone_ids).aggregate(year=Max("year"))["year"]
        if zone_ids
        else None
    )


def firm_frame(*, user, zone_ids, year: int | None) -> pl.DataFrame:
    """The active firms of these zones with their class, products, figures of the year and latest grade."""
    return _firms(user=user, zone_ids=zone_ids, years={year}).select(FIRM_COLUMNS)


@dataclass
class Link:
    """One link of a chain with its coverage."""

    node: ChainNode
    depth: int
    firms: int = 0
    direct_firms: int = 0
    revenue: float | None = None
    tax: float | None = None
    land_mu: float | None = None
    tax_per_mu: float | None = None
    grades: dict = field(default_factory=dict)
    gap: bool = False
    weak: bool = False
    enterprise_ids: list = field(default_factory=list)
    matched_by: dict = field(default_factory=dict)
    projects: list = field(default_factory=list)

    @property
    def state(self) -> str:
        """gap, gap_in_progress (a gap with a project under way), weak or covered."""
        if self.gap:
            return "gap_in_progress" if self.projects else "gap"
        return "weak" if self.weak else "covered"


@dataclass
class Coverage:
    chain: Chain
    year: int | None
    zone_ids: frozenset
    links: list[Link]
    members: pl.DataFrame
    enterprises: dict

    @property
    def gaps(self) -> list[Link]:
        return [link for link in self.links if link.gap]

    @property
    def weak(self) -> list[Link]:
        return [link for link in self.links if link.weak]


def ordered_nodes(chain: Chain) -> list[tuple[ChainNode, int]]:
    """The chain's links depth first (upstream, midstream, downstream at the top), each with its depth."""
    nodes = list(chain.nodes.all())
    order = {"upstream": 0, "midstream": 1, "downstream": 2}
    children: dict[int | None, list[ChainNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    for siblings in children.values():
        siblings.sort(key=lambda n: (order.get(n.position, 1), n.order, n.code))
    out: list[tuple[ChainNode, int]] = []
    seen: set[int] = set()

    def walk(parent, depth):
        for node in children.get(parent, []):
            if node.pk in seen:
                continue
            seen.add(node.pk)
            out.append((node, depth))
            walk(node.pk, depth + 1)

    walk(None, 0)
    out.extend((n, 0) for n in nodes if n.pk not in seen)
    return out


def chain_coverage(chain: Chain, *, user, zone_ids=None, year: int | None = None) -> Coverage:
    """Which firms of the user's zones (served by the chain) fill each link, how strongly, and the gaps. To cover
    several chains at once, :func:`chains_coverage` reads the firms once for all."""
    zones = chain_zone_ids(chain, user, zone_ids)
    if year is None:
        year = latest_year(zones)
    firms = firm_frame(user=user, zone_ids=zones, year=year)
    return _covered(chain, user=user, zones=zones, year=year, firms=firms, enterprises=True)


def chains_coverage(chains, *, user, zone_ids=None, enterprises: bool = True) -> list[Coverage]:
    """:func:`chain_coverage` of each of ``chains``, each on the latest year of its zones, from one reading of the
    firms of all their zones (with their figures and grades), of the corrections and of the projects: the cockpit
    covers every chain of a city at once. ``enterprises`` False leaves ``Coverage.enterprises`` empty (the
    firms as records, which only a chain's page lists)."""
    chains = list(chains)
    if not chains:
        return []
    prefetch_related_objects(chains, "zones", "nodes")
    zones_of = {chain.pk: chain_zone_ids(chain, user, zone_ids) for chain in chains}
    every = frozenset().union(*zones_of.values())
    # The latest year of each zone's figures; a chain's is the latest of its zones' (as ``latest_year``).
    zone_years = dict(
        EnterpriseYear.objects.filter(enterprise__zone_id__in=every)
        .order_by()
        .values_list("enterprise__zone_id")
        .annotate(year=Max("year"))
    )
    years_of = {
        pk: max((zone_years[z] for z in zones if z in zone_years), default=None) for pk, zones in zones_of.items()
    }
    firms = _firms(user=user, zone_ids=every, years=set(years_of.values()))
    chain_ids = [chain.pk for chain in chains]
    corrections = pl.DataFrame(
        list(
            ChainFirm.objects.filter(node__chain_id__in=chain_ids, enterprise__zone_id__in=every).values_list(
                "node__chain_id", "enterprise__zone_id", "node_id", "enterprise_id", "decision"
            )
        ),
        schema={
            "chain_id": pl.Int64,
            "zone_id": pl.Int64,
            "node_id": pl.Int64,
            "enterprise_id": pl.Int64,
            "decision": pl.String,
        },
        orient="row",
    )
    tags = list(
        ChainProject.objects.filter(node__chain_id__in=chain_ids, project__zone_id__in=every)
        .exclude(project__stage=Stage.DROPPED)
        .select_related("project", "node")
    )
    results = []
    for chain in chains:
        zones, year = zones_of[chain.pk], years_of[chain.pk]
        ids = list(zones)
        of_year = pl.col("year").is_null() if year is None else pl.col("year") == year
        chain_firms = firms.filter(pl.col("zone_id").is_in(ids) & of_year)
        results.append(
            _covered(
                chain,
                user=user,
                zones=zones,
                year=year,
                firms=chain_firms.select(FIRM_COLUMNS),
                enterprises=enterprises,
                corrections=corrections.filter((pl.col("chain_id") == chain.pk) & pl.col("zone_id").is_in(ids)),
                tags=[tag for tag in tags if tag.node.chain_id == chain.pk and tag.project.zone_id in zones],
            )
        )
    return results


def _firms(*, user, zone_ids, years: set[int | None]) -> pl.DataFrame:
    """The active firms of these zones as :func:`firm_frame`, with their ``zone_id``, once for each of ``years``
    (in ``year``) with their figures of that year (none where they have none, and for the year None)."""
    active = Enterprise.objects.filter(zone_id__in=zone_ids).exclude(
        status__in=(Enterprise.Status.CLOSED, Enterprise.Status.RELOCATED)
    )
    firms = pl.DataFrame(
        raw_rows(active.order_by("pk").values_list("pk", "zone_id", "industry_code", "main_products")),
        schema={"enterprise_id": pl.Int64, "zone_id": pl.Int64, "industry_code": pl.String, "main_products": pl.String},
        orient="row",
    )
    grades = latest_grades(user=user, enterprise_ids=active.order_by().values("pk")) if user is not None else {}
    firms = firms.with_columns(
        pl.col("enterprise_id")
        .replace_strict({pk: grade or None for pk, grade in grades.items()}, default=None, return_dtype=pl.String)
        .alias("grade")
    )
    figures = pl.DataFrame(
        raw_rows(
            EnterpriseYear.objects.filter(
                enterprise__zone_id__in=zone_ids, year__in=sorted(y for y in years if y is not None)
            )
            .order_by()
            .values_list(
                "enterprise_id",
                "year",
                Cast("revenue", FloatField()),
                Cast("tax", FloatField()),
                Cast("land_mu", FloatField()),
            )
        ),
        schema={
            "enterprise_id": pl.Int64,
            "year": pl.Int64,
            "revenue": pl.Float64,
            "tax": pl.Float64,
            "land_mu": pl.Float64,
        },
        orient="row",
    )
    parts = []
    for year in sorted(years, key=lambda y: (y is not None, y or 0)):
        block = figures.filter(pl.col("year") == year) if year is not None else figures.clear()
        parts.append(
            firms.join(block.drop("year"), on="enterprise_id", how="left").with_columns(
                pl.lit(year, pl.Int64).alias("year")
            )
        )
    return pl.concat(parts) if parts else firms.join(figures, on="enterprise_id", how="left")


FIRM_COLUMNS = ("enterprise_id", "industry_code", "main_products", "revenue", "tax", "land_mu", "grade")
"""The columns of :func:`firm_frame`, which ``analytics.chains.coverage`` reads."""


def _covered(
    chain: Chain, *, user, zones, year, firms: pl.DataFrame, enterprises: bool, corrections=None, tags=None
) -> Coverage:
    """The coverage of one chain from the firms of its zones (``corrections`` and project ``tags`` read here unless
    given)."""
    ordered = ordered_nodes(chain)
    nodes = [n for n, _depth in ordered]
    frame = node_frame(nodes)
    if corrections is None:
        corrections = pl.DataFrame(
            list(
                ChainFirm.objects.filter(node__chain=chain, enterprise__zone_id__in=zones).values_list(
                    "node_id", "enterprise_id", "decision"
                )
            ),
            schema={"node_id": pl.Int64, "enterprise_id": pl.Int64, "decision": pl.String},
            orient="row",
        )
    else:
        corrections = corrections.select("node_id", "enterprise_id", "decision")
    table, members = coverage(frame, firms, corrections, weak_below=chain.weak_below)
    stats = {row["node_id"]: row for row in table.iter_rows(named=True)}
    by_node: dict[int, list[int]] = {}
    how: dict[int, dict[int, str]] = {}
    for node_id, enterprise_id, _direct, by in members.iter_rows():
        by_node.setdefault(node_id, []).append(enterprise_id)
        if by:
            how.setdefault(node_id, {})[enterprise_id] = by
    if tags is None:
        tags = ChainProject.objects.filter(node__chain=chain, project__zone_id__in=zones).select_related("project")
        tags = tags.exclude(project__stage=Stage.DROPPED)
    projects: dict[int, list[ChainProject]] = {}
    for tag in tags:
        projects.setdefault(tag.node_id, []).append(tag)
    links = []
    for node, depth in ordered:
        row = stats[node.pk]
        links.append(
            Link(
                node=node,
                depth=depth,
                firms=row["firms"],
                direct_firms=row["direct_firms"],
                revenue=row["revenue"],
                tax=row["tax"],
                land_mu=row["land_mu"],
                tax_per_mu=row["tax_per_mu"],
                grades={g: row[f"grade_{g}"] for g in "ABCD"},
                gap=row["gap"],
                weak=row["weak"],
                enterprise_ids=by_node.get(node.pk, []),
                matched_by=how.get(node.pk, {}),
                projects=projects.get(node.pk, []),
            )
        )
    found = {}
    if enterprises:
        ids = members["enterprise_id"].unique().to_list()
        found = {e.pk: e for e in Enterprise.objects.filter(pk__in=ids).select_related("zone")} if ids else {}
    return Coverage(chain=chain, year=year, zone_ids=zones, links=links, members=members, enterprises=found)


def project_counts(link: Link) -> dict:
    """Signed and pipeline (lead, negotiating) projects of a link."""
    signed = sum(1 for tag in link.projects if tag.project.stage in SIGNED_STAGES)
    pipeline = sum(1 for tag in link.projects if tag.project.stage in PIPELINE_STAGES)
    return {"signed": signed, "pipeline": pipeline}


def target_counts(*, user, chain_ids, zone_ids) -> dict[int, int]:
    """Link id → the target firms of these chains pursued by these zones (among those the user sees)."""
    firms = TargetFirm.objects.all() if user is None else TargetFirm.objects.restrict(user)
    rows = (
        firms.filter(node__chain_id__in=chain_ids, zone_id__in=zone_ids)
        .values_list("node_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def targets_of(node: ChainNode, *, user):
    return TargetFirm.objects.restrict(user).filter(node=node).select_related("zone", "via_enterprise", "project")


def candidate_land(chain: Chain, *, user, as_of: dt.date | None = None, min_mu: float = 0.0) -> list[dict]:
    """Parcels of the chain's zones (those the user sees) that could host a missing link: idle, supplied-unused
    or approved-unsupplied land of at least ``min_mu``, largest first."""
    from yuanqu.land.status import land_statuses

    zones = chain_zone_ids(chain, user)
    if not zones:
        return []
    classified = land_statuses(user=user, as_of=as_of or dt.date.today(), zone_ids=zones)
    if classified.height == 0:
        return []
    area = "area_mu" if "area_mu" in classified.columns else None
    rows = classified.filter(pl.col("status").is_in(AVAILABLE_LAND))
    if area is not None and min_mu:
        rows = rows.filter(pl.col(area) >= min_mu)
    if area is not None:
        rows = rows.sort(area, descending=True, nulls_last=True)
    from yuanqu.land.status import status_label

    return [{**row, "status_label": status_label(row["status"])} for row in rows.to_dicts()]


@dataclass(frozen=True)
class LandIndicators:
    """What land for a link must meet under the land rules in force (the control indicators of industrial land,
    《工业项目建设用地控制指标》): the plot ratio of its strictest division, and the building coverage."""

    plot_ratio_min: float
    building_coverage_min: float
    divisions: tuple[str, ...]

    @property
    def building_coverage_percent(self) -> str:
        """As people write it: 30%."""
        return f"{self.building_coverage_min * 100:g}%"


def land_indicators(node: ChainNode, rules=None) -> LandIndicators:
    """The control indicators for a link's industry: the highest minimum plot ratio among the divisions of its
    classes (the rules' default when it names none), and the minimum building coverage."""
    from yuanqu.land.status import current_rules

    rules = rules or current_rules()
    divisions = tuple(sorted({code[:2] for code in split_list(node.industry_codes) if code[:2].isdigit()}))
    ratios = [rules.plot_ratio_min_by_division.get(d, rules.plot_ratio_min_default) for d in divisions]
    return LandIndicators(
        plot_ratio_min=max(ratios, default=rules.plot_ratio_min_default),
        building_coverage_min=rules.building_coverage_min,
        divisions=divisions,
    )


def gap_land_geojson(*, user, zone_ids=None, as_of: dt.date | None = None) -> dict:
    """Parcels that could host a missing link, as lon/lat points: idle, supplied-unused or approved-unsupplied
    land in the zones of every chain the user sees that has a gap, each with the chains and gaps it could serve;
    ``unmapped`` counts such parcels without a polygon."""
    from yuanqu.land.models import Parcel
    from yuanqu.land.selectors import parcel_shapes, point_feature
    from yuanqu.land.status import status_label

    wanted: dict[int, dict] = {}
    for chain in chains_for(user):
        result = chain_coverage(chain, user=user, zone_ids=zone_ids)
        if not result.gaps:
            continue
        gaps = "、".join(link.node.name for link in result.gaps[:3]) + ("…" if len(result.gaps) > 3 else "")
        for row in candidate_land(chain, user=user, as_of=as_of):
            if zone_ids is not None and row.get("zone_id") not in zone_descendants(zone_ids):
                continue
            entry = wanted.setdefault(
                row["parcel_id"],
                {"code": row.get("code"), "status": row.get("status"), "area": row.get("area_mu"), "chains": []},
            )
            entry["chains"].append(f"{chain.name}：{gaps}")
    visible = Parcel.objects.restrict(user).filter(pk__in=list(wanted))
    shapes = parcel_shapes(visible.values("pk"))
    features = []
    for pk, entry in wanted.items():
        shape = shapes.get(pk)
        if shape is None or shape.is_empty:
            continue
        centre = shape.centroid
        properties = {
            "id": pk,
            "name": entry["code"],
            "status_label": status_label(entry["status"]),
            "area_mu": round(entry["area"], 1) if entry["area"] is not None else None,
            "chains": "；".join(entry["chains"]),
            "url": reverse("land:parcel-detail", args=[pk]),
        }
        features.append(point_feature(pk, properties, centre.x, centre.y))
    return {"type": "FeatureCollection", "features": features, "unmapped": len(wanted) - len(features)}


def chain_members(*, user, enterprise_ids) -> list[tuple[str, str, set[int]]]:
    """(chain name, chain owner, the given enterprises on the chain) for every chain the user sees that has some of
    them (``registry.enterprise_groupings``: requests of several firms of one chain go to its owner together)."""
    wanted = set(enterprise_ids)
    if not wanted:
        return []
    groups = []
    for chain in chains_for(user):
        result = chain_coverage(chain, user=user)
        on_chain = {e for link in result.links for e in link.enterprise_ids} & wanted
        if on_chain:
            groups.append((chain.name, chain.owner, on_chain))
    return groups
