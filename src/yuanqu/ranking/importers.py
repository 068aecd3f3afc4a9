"""Importing the figures zones report: yearly (``zone-years``), monthly cumulative from January (``zone-months``),
and the published yearly figures of zones outside the platform (``peer-years``).

Files come as zones send them, in 亿元, 万美元, 万吨标准煤, 亿千瓦时; the reader converts every column whose header
names its unit to the platform's units and says so in the report.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from yuanqu.analytics.zone_figures import FIGURES
from yuanqu.core.access import is_city_admin, sees_all_zones
from yuanqu.core.importing.pipeline import (
    CREATED_SINCE_READ,
    FirstRows,
    Importer,
    Plan,
    check_values,
    chunked,
    import_limits,
    present_keys,
    problem,
    write_plan,
)
from yuanqu.core.importing.tabular import Column, Table, read_table
from yuanqu.ranking.models import PeerZone, ZoneMonth, ZoneYear
from yuanqu.zones.importers import LEVEL_LABELS, ZoneResolver, first_labels, zone_labels
from yuanqu.zones.models import Zone

FIRST_YEAR, LAST_YEAR = 1979, 2100
FIGURE_KEYS = [figure.key for figure in FIGURES]
# A bureau's sheet names a zone by its code, its name, or both (园区代码 and 园区名称 side by side): either column
# finds the zone, the code first when both are there.
ZONE = Column("zone", "园区代码", "text", aliases=("园区", "开发区", "zone"))
ZONE_NAME = Column("zone_name", "园区名称", "text", aliases=("开发区名称", "zone name"))
YEAR = Column("year", "年度", "int", required=True, aliases=("年份", "year"))
MONTH = Column("month", "月份", "int", required=True, aliases=("月", "截至月份", "累计月份", "month"))


def figure_columns() -> tuple[Column, ...]:
    """One column per reported figure, in its stored unit; money and energy with four decimals."""
    return tuple(
        Column(
            figure.key,
            figure.zh,
            "int" if figure.count else "decimal",
            unit=figure.unit,
            aliases=(figure.key, figure.en),
        )
        for figure in FIGURES
    )


FIGURE_COLUMNS = figure_columns()


# Periods as bureaus write them: 2025, 2025年, 2025年度; 6, 6月, 6月份, 1-6月, 1–6月累计, 1至6月.
_YEAR_TEXT = re.compile(r"^(\d{4})(?:年度?)?$")
_MONTH_TEXT = re.compile(r"^(?:1月?[-–—~至到])?(\d{1,2})(?:月份?)?(?:累计)?$")
_PERIODS = {
    "year": (_YEAR_TEXT, "不是年度（可写 2025 或 2025年）", "not a year (write 2025 or 2025年)"),
    "month": (_MONTH_TEXT, "不是月份（可写 6、6月 或 1-6月）", "not a month (write 6, 6月 or 1-6月)"),
}


def read_periods(source, importer: Importer, *, filename: str) -> Table:
    """Read with the year and month columns as text, then make each a number from the way bureaus write it
    (the schema keeps them whole numbers for templates and exports); a period it cannot read is a problem."""
    schema = tuple(replace(c, kind="text") if c.key in _PERIODS else c for c in importer.schema)
    table = read_table(source, schema, filename=filename, limits=import_limits())
    for key, (pattern, reason_zh, reason_en) in _PERIODS.items():
        if key not in table.columns:
            continue
        numbers = []
        for value, row in zip(table.columns[key], table.numbers, strict=True):
            found = None if value is None else pattern.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)))
            if value is not None and found is None:
                table.problems.append(problem(row, table.headers[key], value, reason_zh, reason_en))
            numbers.append(int(found.group(1)) if found else None)
        table.columns[key] = numbers
    return table


def _year_problem(row: int, header: str, year) -> object:
    return problem(
        row, header, year, f"年度应在 {FIRST_YEAR}–{LAST_YEAR} 之间", f"the year must be {FIRST_YEAR}–{LAST_YEAR}"
    )


class ZoneYearImporter(Importer):
    """A zone's yearly figures, one row per zone and year (a re-import updates the year)."""

    kind = "zone-years"
    label_zh, label_en = "园区年度上报数据", "zones' yearly figures"
    template_title = "园区主要经济指标（年度）"
    model = ZoneYear
    natural_key = ("zone_id", "year")
    schema = (ZONE, ZONE_NAME, YEAR, *FIGURE_COLUMNS)
    template_keys = ("zone", "year", *FIGURE_KEYS)
    monthly = False

    def read(self, source, *, filename: str) -> Table:
        return read_periods(source, self, filename=filename)

    def plan(self, table, *, user, problems) -> Plan:
        """Find each zone (among those the user may change), check the period and the figures, compare with what
        is stored for the zone and period."""
        headers = table.headers
        keys = [k for k in present_keys(table, self.schema) if k in FIGURE_KEYS]
        check_values(self.model, table, keys, problems, non_negative=keys)
        zones = ZoneResolver(user)
        seen = FirstRows()
        rows = []
        zone_key = "zone" if "zone" in headers else "zone_name" if "zone_name" in headers else None
        if zone_key is None:
            first_row = table.rows[0].row - 1 if table.rows else 1
            problems.append(
                problem(
                    first_row,
                    ZONE.header,
                    None,
                    "缺少必填列（园区代码或园区名称）",
                    "required column missing (园区代码 or 园区名称)",
                )
            )
            return Plan()
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            if v.get(zone_key) in (None, ""):
                problems.append(problem(row, headers[zone_key], None, "必填项为空", "required value is empty"))
                continue
            zone_id = zones.resolve(v.get(zone_key), row, headers[zone_key], problems, must_edit=True)
            year, month = v.get("year"), v.get("month") if self.monthly else None
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                problems.append(_year_problem(row, headers["year"], year))
                continue
            if self.monthly and month is not None and not 1 <= month <= 12:
                problems.append(problem(row, headers["month"], month, "月份应在 1–12 之间", "the month must be 1–12"))
                continue
            if zone_id is None or year is None or (self.monthly and month is None):
                continue
            key = (zone_id, year, month) if self.monthly else (zone_id, year)
            if (first := seen.repeated(key, row)) is not None:
                problems.append(
                    problem(
                        row, headers[zone_key], v.get(zone_key), f"与第 {first} 行重复", f"same period as row {first}"
                    )
                )
                continue
            rows.append((key, {name: v.get(name) for name in keys}, row))
        stored = self._stored({key for key, _values, _row in rows})
        labels = zone_labels()
        plan = Plan()
        for key, values, row in rows:
            zone_id = key[0]
            label = f"{labels.get(zone_id, zone_id)} {key[1]}" + (f"-{key[2]:02d}" if self.monthly else "")
            fields = {"zone_id": zone_id, "year": key[1], **({"month": key[2]} if self.monthly else {})}
            plan.compare(
                values,
                stored=stored.get(key),
                label=label,
                zone_id=zone_id,
                key=key,
                new={**fields, **values},
                row=row,
            )
        return plan

    def _stored(self, keys) -> dict[tuple, dict]:
        """The stored rows of these (zone, year[, month]) keys, by key."""
        fields = [f.attname for f in self.model._meta.concrete_fields]
        found: dict[tuple, dict] = {}
        zone_ids = sorted({key[0] for key in keys})
        for chunk in chunked(zone_ids):
            for row in self.model.objects.filter(zone_id__in=chunk).values(*fields):
                key = (row["zone_id"], row["year"], row["month"]) if self.monthly else (row["zone_id"], row["year"])
                if key in keys:
                    found[key] = row
        return found


class ZoneMonthImporter(ZoneYearImporter):
    """A zone's figures from January to the end of a month (1–N月累计), one row per zone, year and month."""

    kind = "zone-months"
    label_zh, label_en = "园区月度上报数据（1–N月累计）", "zones' monthly figures (January to date)"
    template_title = "园区主要经济指标（1–N月累计）"
    model = ZoneMonth
    natural_key = ("zone_id", "year", "month")
    schema = (ZONE, ZONE_NAME, YEAR, MONTH, *FIGURE_COLUMNS)
    template_keys = ("zone", "year", "month", *FIGURE_KEYS)
    monthly = True


class PeerYearImporter(Importer):
    """The published yearly figures of zones outside the platform, ranked alongside as peers (city administrators
    only); a peer is found by its name, and created with its first row."""

    kind = "peer-years"
    label_zh, label_en = "外部园区年度数据", "peer zones' yearly figures"
    template_title = "外部园区主要经济指标（年度）"
    model = ZoneYear
    natural_key = ("peer_id", "year")
    schema = (
        Column("name", "园区名称", "text", required=True, aliases=("开发区", "名称", "name")),
        Column("code", "园区代码", "text", aliases=("代码", "code")),
        Column("level", "级别", "choice", choices=LEVEL_LABELS, aliases=("园区级别", "level")),
        Column("city", "所在城市", "text", aliases=("城市", "所在地", "city")),
        Column("note", "来源", "text", aliases=("数据来源", "note")),
        YEAR,
        *FIGURE_COLUMNS,
    )
    template_keys = ("name", "code", "level", "city", "year", *FIGURE_KEYS)

    def read(self, source, *, filename: str) -> Table:
        return read_periods(source, self, filename=filename)

    def plan(self, table, *, user, problems) -> Plan:
        """Check the rights, the year and the figures; new peers are created when the plan is written."""
        if user is not None and not is_city_admin(user):
            problems.append(
                problem(
                    None, None, None, "只有市级管理员可以导入外部园区", "only a city administrator imports peer zones"
                )
            )
            return Plan()
        headers = table.headers
        keys = [k for k in present_keys(table, self.schema) if k in FIGURE_KEYS]
        check_values(ZoneYear, table, keys, problems, non_negative=keys)
        check_values(PeerZone, table, [k for k in ("name", "code", "city", "note") if k in headers], problems)
        peers = {peer.name: peer for peer in PeerZone.objects.all()}
        platform_names = set(Zone.objects.values_list("name", flat=True))
        seen = FirstRows()
        self.new_peers: dict[str, PeerZone] = {}
        rows = []
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            name, year = (v.get("name") or "").strip(), v.get("year")
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                problems.append(_year_problem(row, headers["year"], year))
                continue
            if not name or year is None:
                continue
            if name in platform_names:
                problems.append(
                    problem(
                        row,
                        headers["name"],
                        name,
                        "这是本平台的园区，请用园区年度上报数据导入",
                        "this zone is on the platform: import its figures as zone-years",
                    )
                )
                continue
            if (first := seen.repeated((name, year), row)) is not None:
                problems.append(
                    problem(row, headers["name"], name, f"与第 {first} 行重复", f"same peer and year as row {first}")
                )
                continue
            peer = peers.get(name) or self.new_peers.get(name)
            described = {k: v.get(k) or "" for k in ("code", "city", "note") if k in headers}
            if "level" in headers:
                described["level"] = v.get("level") or Zone.Level.OTHER
            if peer is None:
                peer = self.new_peers[name] = PeerZone(name=name, **described)
            rows.append((peer, year, {k: v.get(k) for k in keys}, row))
        stored = {
            (row["peer_id"], row["year"]): row
            for row in ZoneYear.objects.filter(peer__in=[p for p in peers.values()]).values(
                *[f.attname for f in ZoneYear._meta.concrete_fields]
            )
        }
        plan = Plan()
        self.rows = rows
        for peer, year, values, row in rows:
            current = stored.get((peer.pk, year)) if peer.pk else None
            plan.compare(
                values, stored=current, label=f"{peer.name} {year}", zone_id=None, key=(peer.name, year), row=row
            )
        return plan

    def changed_elsewhere(self, plan: Plan) -> list:
        """The rows of a peer this file creates that someone else created since the file was read."""
        names = set(self.new_peers)
        if not names:
            return []
        created = set(PeerZone.objects.filter(name__in=names).values_list("name", flat=True))
        return [
            problem(row, None, f"{peer.name} {year}", *CREATED_SINCE_READ)
            for peer, year, _values, row in self.rows
            if peer.pk is None and peer.name in created
        ]

    def write(self, plan: Plan, *, user, progress) -> None:
        """Create the new peers, then write the years with their peer's id."""
        for peer in self.new_peers.values():
            peer.full_clean()
            peer.save()
        peer_of = {peer.name: peer.pk for peer, _year, _values, _row in self.rows}
        for change in plan.creates:
            name, year = change.key
            change.values = {**change.values, "peer_id": peer_of[name], "year": year}
            change.key = (peer_of[name], year)
        write_plan(ZoneYear, plan, natural_key=self.natural_key, progress=progress)


LEVEL_DISPLAY = first_labels(LEVEL_LABELS)


def export_year_rows(*, user=None, zone_ids=None):
    """The zones' yearly figures as rows of the zone-years import's columns."""
    yield from _export(ZoneYear.objects.filter(zone__isnull=False), user=user, zone_ids=zone_ids, keys=("year",))


def export_month_rows(*, user=None, zone_ids=None):
    """The zones' monthly figures as rows of the zone-months import's columns."""
    yield from _export(ZoneMonth.objects.all(), user=user, zone_ids=zone_ids, keys=("year", "month"))


def _export(queryset, *, user, zone_ids, keys):
    labels = zone_labels()
    if user is not None:
        queryset = queryset.restrict(user)
    if zone_ids is not None:
        queryset = queryset.filter(zone_id__in=zone_ids)
    for row in queryset.order_by("zone_id", *keys).values("zone_id", *keys, *FIGURE_KEYS).iterator(chunk_size=2000):
        row["zone"] = labels.get(row.pop("zone_id"), "")
        yield row


def export_peer_rows(*, user=None, zone_ids=None):
    """The peers' yearly figures (for city users; a zone user's export holds none)."""
    if zone_ids is not None or (user is not None and not sees_all_zones(user)):
        return
    queryset = ZoneYear.objects.filter(peer__isnull=False).order_by("peer__city", "peer__name", "year")
    fields = ("peer__name", "peer__code", "peer__level", "peer__city", "peer__note", "year", *FIGURE_KEYS)
    for row in queryset.values(*fields).iterator(chunk_size=2000):
        yield {
            "name": row.pop("peer__name"),
            "code": row.pop("peer__code"),
            "level": LEVEL_DISPLAY.get(row.pop("peer__level"), ""),
            "city": row.pop("peer__city"),
            "note": row.pop("peer__note"),
            **row,
        }
