"""`yuanqu import projects FILE` and `yuanqu export projects FILE`: the project ledger as a spreadsheet.

A project is found by its zone and name: a row naming an existing project updates it, any other creates
a lead whose timeline starts on the import day. Stages are not imported: every transition is a dated
event recorded through ``advance_stage``.
"""

from __future__ import annotations

from django.utils import timezone

from yuanqu.analytics.industry import IndustryCodeError, parse_industry_code
from yuanqu.core.access import editable_zone_ids
from yuanqu.core.changelog import record_many
from yuanqu.core.importing.pipeline import (
    FirstRows,
    Importer,
    Plan,
    check_values,
    present_keys,
    problem,
    write_plan,
)
from yuanqu.core.importing.tabular import Column
from yuanqu.projects.models import Project, Stage, StageEvent
from yuanqu.zones.importers import ZoneResolver, zone_labels

FLAGS = ("is_top500", "is_china_top100_private", "is_regional_hq", "contact_verified")
CAPACITY_LABELS = {"实力强": "strong", "实力一般": "adequate", "实力存疑": "doubtful"}


class ProjectImporter(Importer):
    """Projects by zone and name: investor, industry, investment, land, flags, leader and agent."""

    kind = "projects"
    label_zh, label_en = "项目", "projects"
    template_title = "招商项目台账"
    model = Project
    natural_key = ("zone_id", "name")
    schema = (
        Column("name", "项目名称", "text", required=True, aliases=("项目", "name")),
        Column("zone", "所属园区", "text", required=True, aliases=("园区", "园区代码", "园区名称", "zone")),
        Column("investor", "投资方", "text", aliases=("投资主体", "投资企业", "investor")),
        Column("investor_origin", "投资方来源地", "text", aliases=("来源地", "国别", "investor_origin")),
        Column("industry_code", "行业代码", "text", aliases=("国民经济行业代码", "industry_code")),
        Column("total_investment", "总投资", "decimal", unit="万元", aliases=("计划总投资", "total_investment")),
        Column("fixed_asset_investment", "固定资产投资", "decimal", unit="万元", aliases=("固投",)),
        Column("foreign_investment", "外资", "decimal", unit="万美元", aliases=("利用外资", "foreign_investment")),
        Column("land_mu", "用地需求", "decimal", unit="亩", aliases=("用地", "land_mu")),
        Column("lead_source", "信息来源", "text", aliases=("线索来源", "lead_source")),
        Column("contact_verified", "联系人已核实", "flag", aliases=("联系人核实", "contact_verified")),
        Column(
            "investor_capacity",
            "投资方实力",
            "choice",
            choices=CAPACITY_LABELS,
            aliases=("实力判断", "investor_capacity"),
        ),
        Column("is_top500", "世界500强", "flag", aliases=("世界 500 强", "is_top500")),
        Column("is_china_top100_private", "中国民企100强", "flag", aliases=("中国民企 100 强", "民企100强")),
        Column("is_regional_hq", "区域总部", "flag", aliases=("is_regional_hq",)),
        Column("leader", "挂钩领导", "text", aliases=("联系领导", "leader")),
        Column("agent", "代办员", "text", aliases=("代办", "agent")),
    )
    template_keys = ("name", "zone", "investor", "industry_code", "total_investment", "leader", "agent")

    def plan(self, table, *, user, problems) -> Plan:
        """Check zones (the user's), industry codes and numbers; match existing projects by zone and name."""
        headers = table.headers
        zones = ZoneResolver(user)
        keys = [k for k in present_keys(table, self.schema) if k not in ("name", "zone", "industry_code")]
        check_values(Project, table, keys, problems)
        rows, seen = [], FirstRows()
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            name = (v.get("name") or "").strip()
            zone_id = zones.resolve(v.get("zone"), row, headers.get("zone"), problems, must_edit=True)
            industry = None
            if v.get("industry_code") not in (None, ""):
                try:
                    industry = parse_industry_code(v["industry_code"])
                except IndustryCodeError as exc:
                    problems.append(
                        problem(row, headers["industry_code"], v["industry_code"], exc.reason_zh, exc.reason_en)
                    )
            if not name or zone_id is None:
                continue
            if (first := seen.repeated((zone_id, name), row)) is not None:
                problems.append(
                    problem(
                        row,
                        headers["name"],
                        name,
                        f"与第 {first} 行是同一园区的同名项目",
                        f"same zone and project name as row {first}",
                    )
                )
                continue
            rows.append((row, name, zone_id, industry, v))

        stored_fields = [f.attname for f in Project._meta.concrete_fields]
        editable = editable_zone_ids(user) if user is not None else None
        existing = {
            (p["zone_id"], p["name"]): p
            for p in Project.objects.filter(zone_id__in={z for _r, _n, z, *_ in rows}).values(*stored_fields)
        }
        plan = Plan()
        for row, name, zone_id, industry, v in rows:
            if editable is not None and zone_id not in editable:
                continue  # the resolver has reported it
            values = {k: v.get(k) for k in keys}
            for flag in FLAGS:
                if flag in values and values[flag] is None:
                    values[flag] = False
            for text in ("investor", "investor_origin", "lead_source", "investor_capacity", "leader", "agent"):
                if text in values and values[text] is None:
                    values[text] = ""
            if "industry_code" in headers:
                values.update(
                    industry_code=industry.code if industry else "",
                    industry_section=industry.section if industry else "",
                    industry_division=industry.division if industry else "",
                )
            plan.compare(
                values,
                stored=existing.get((zone_id, name)),
                label=name,
                zone_id=zone_id,
                key=(zone_id, name),
                new={"name": name, "zone_id": zone_id, **values},
                row=row,
            )
        return plan

    def write(self, plan: Plan, *, user, progress) -> None:
        """Write the projects, then start each new project's timeline with a lead event dated today."""
        write_plan(self.model, plan, natural_key=self.natural_key, progress=progress)
        today = timezone.localdate()
        events = [
            StageEvent(project_id=c.pk, from_stage="", to_stage=Stage.LEAD, on=today, recorded_by=user)
            for c in plan.creates
        ]
        if events:
            StageEvent.objects.bulk_create(events)
            created = StageEvent.objects.filter(project_id__in=[c.pk for c in plan.creates]).select_related("project")
            record_many(("create", event, None) for event in created)


def export_rows(*, user=None, zone_ids=None):
    """Projects as rows of the import's columns (zones by code, or name when they have none)."""
    zones = zone_labels()
    queryset = Project.objects.order_by("zone_id", "name")
    if user is not None:
        queryset = queryset.restrict(user)
    if zone_ids is not None:
        queryset = queryset.filter(zone_id__in=zone_ids)
    keys = [c.key for c in ProjectImporter.schema if c.key not in ("zone", "industry_code")]
    for p in queryset.values("zone_id", "industry_code", "industry_section", *keys).iterator(chunk_size=2000):
        zone_id, code, section = p.pop("zone_id"), p.pop("industry_code"), p.pop("industry_section")
        yield {**p, "zone": zones.get(zone_id, ""), "industry_code": f"{section}{code}" if code else None}
