"""Importing zones from spreadsheets (the catalogue's columns), keyed by zone code, or name when there is none."""

from __future__ import annotations

from yuanqu.core.access import Role, editable_zone_ids, visible_zone_ids
from yuanqu.core.changelog import snapshot
from yuanqu.core.importing.pipeline import Importer, Plan, apply_values, present_keys, problem
from yuanqu.core.importing.tabular import Column
from yuanqu.zones.models import Zone

LEVEL_LABELS = {"国家级": "national", "国家": "national", "省级": "provincial", "省": "provincial", "其他": "other", "市级": "other"}
KIND_LABELS = {
    "经济技术开发区": "etdz",
    "经开区": "etdz",
    "高新技术产业开发区": "htz",
    "高新区": "htz",
    "海关特殊监管区域": "bonded",
    "综合保税区": "bonded",
    "边境/跨境经济合作区": "border",
    "边境经济合作区": "border",
    "跨境经济合作区": "border",
    "省级开发区": "provincial_dz",
    "经济开发区": "provincial_dz",
    "乡镇工业集中区": "industrial_cluster",
    "工业集中区": "industrial_cluster",
    "其他": "other",
}


def first_labels(labels: dict[str, str]) -> dict[str, str]:
    """Stored value -> the first (canonical) Chinese label that maps to it, for exports."""
    out: dict[str, str] = {}
    for label, value in labels.items():
        out.setdefault(value, label)
    return out


class ZoneResolver:
    """Finds a zone by code, name or short name, among those the user may see (or edit)."""

    def __init__(self, user):
        self.user = user
        self.visible = visible_zone_ids(user) if user is not None else None
        self.editable = editable_zone_ids(user) if user is not None else None
        self.by_key: dict[str, int] = {}
        for pk, code, name, short in Zone.objects.values_list("pk", "code", "name", "short_name"):
            for key in (short, name, code):  # code wins over name wins over short name
                if key:
                    self.by_key[key.strip()] = pk

    def resolve(self, value, row: int, header: str | None, problems, *, must_edit: bool = False) -> int | None:
        if value in (None, ""):
            problems.append(problem(row, header or "所属园区", None, "园区不能为空", "the zone is required"))
            return None
        pk = self.by_key.get(str(value).strip())
        if pk is None or (self.visible is not None and pk not in self.visible):
            problems.append(
                problem(row, header, value, "没有这个园区代码或名称", "no zone with this code or name (among your zones)")
            )
            return None
        if must_edit and self.editable is not None and pk not in self.editable:
            problems.append(problem(row, header, value, "无权修改该园区的数据", "not allowed to change data of this zone"))
            return None
        return pk


class ZoneImporter(Importer):
    """Zones and sub-parks; a parent may be another row of the same file."""

    kind = "zones"
    label_zh, label_en = "园区", "zones"
    template_title = "园区名录"
    schema = (
        Column("code", "园区代码", "text", aliases=("代码", "目录代码", "code")),
        Column("name", "园区名称", "text", required=True, aliases=("开发区名称", "名称", "name")),
        Column("parent", "上级园区代码", "text", aliases=("上级园区", "所属园区", "parent")),
        Column("level", "级别", "choice", choices=LEVEL_LABELS, aliases=("园区级别", "level")),
        Column("kind", "类型", "choice", choices=KIND_LABELS, aliases=("园区类型", "kind")),
        Column("approved_on", "批准时间", "date", aliases=("批准日期", "设立时间", "approved_on")),
        Column("approved_area_ha", "核准面积", "decimal", unit="公顷", aliases=("面积", "approved_area_ha")),
        Column("leading_industries", "主导产业", "text", aliases=("leading_industries",)),
        Column("short_name", "简称", "text", aliases=("short_name",)),
    )
    template_keys = ("code", "name", "parent", "level", "kind", "approved_on", "approved_area_ha", "leading_industries")

    def plan(self, table, *, user, problems) -> Plan:
        headers = table.headers
        city = user is None or user.is_superuser or user.role == Role.CITY_ADMIN
        editable = editable_zone_ids(user) if user is not None else None
        keys = [k for k in present_keys(table, self.schema) if k not in ("code", "name", "parent")]
        existing_by_code = {z.code: z for z in Zone.objects.exclude(code="")}
        existing_by_name = {z.name: z for z in Zone.objects.all()}
        in_file: dict[str, int] = {}
        plan = Plan()
        self.parents: list[tuple[Zone, str, int]] = []
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            code, name = (v.get("code") or "").strip(), (v.get("name") or "").strip()
            if not name:
                problems.append(problem(row, headers["name"], None, "园区名称不能为空", "the zone name is required"))
                continue
            key = code or name
            if key in in_file:
                problems.append(problem(row, headers["code" if code else "name"], key, f"与第 {in_file[key]} 行重复", f"same zone as row {in_file[key]}"))
                continue
            in_file[key] = row
            current = existing_by_code.get(code) if code else existing_by_name.get(name)
            if current is None and code and name in existing_by_name and existing_by_name[name].code not in ("", code):
                problems.append(problem(row, headers["name"], name, "园区名称已被另一个园区代码使用", "the name belongs to a zone with another code"))
                continue
            if current is not None and editable is not None and current.pk not in editable:
                problems.append(problem(row, headers["name"], name, "无权修改该园区", "not allowed to change this zone"))
                continue
            parent_key = (v.get("parent") or "").strip() if "parent" in headers else None
            if current is None and not city and not parent_key:
                problems.append(
                    problem(row, headers["name"], name, "只有市级管理员可以新建园区", "only a city administrator creates zones")
                )
                continue
            values = {k: v.get(k) for k in keys}
            for choice_key in ("level", "kind"):
                if choice_key in values and not values[choice_key]:
                    values[choice_key] = "other"
            for text_key in ("leading_industries", "short_name"):
                if text_key in values and values[text_key] is None:
                    values[text_key] = ""
            values.update(code=code, name=name)
            fields = [*keys, "code", "name"]
            if current is None:
                obj = Zone()
                apply_values(obj, values, fields)
                plan.creates.append(obj)
            else:
                before = snapshot(current)
                changed = apply_values(current, values, fields)
                obj = current
                if changed:
                    plan.updates.append((current, before, changed))
                elif parent_key is None:
                    plan.unchanged += 1
            if parent_key is not None:
                self.parents.append((obj, parent_key, row))
        self._check_parents(headers, problems, existing_by_code, existing_by_name, editable, plan)
        return plan

    def _check_parents(self, headers, problems, by_code, by_name, editable, plan) -> None:
        """Every parent must exist (in the database or the file), be editable, and form no cycle."""
        file_zones = {}
        for obj, _key, _row in self.parents:
            file_zones[obj.code or obj.name] = obj
            file_zones[obj.name] = obj
        parent_of: dict[int, object] = {}
        self.resolved: list[tuple[Zone, Zone | None, int]] = []
        for obj, key, row in self.parents:
            if not key:
                self.resolved.append((obj, None, row))
                continue
            parent = file_zones.get(key) or by_code.get(key) or by_name.get(key)
            if parent is None:
                problems.append(problem(row, headers["parent"], key, "上级园区不存在", "no such parent zone"))
                continue
            if parent is obj:
                problems.append(problem(row, headers["parent"], key, "园区不能是自己的上级", "a zone cannot be its own parent"))
                continue
            if parent.pk is not None and editable is not None and parent.pk not in editable:
                problems.append(problem(row, headers["parent"], key, "无权在该上级园区下设园区", "not allowed to place a zone under that parent"))
                continue
            parent_of[id(obj)] = parent
            self.resolved.append((obj, parent, row))
        for obj, _parent, row in self.resolved:
            node, steps = obj, 0
            while id(node) in parent_of and steps < 100:
                node = parent_of[id(node)]
                steps += 1
                if node is obj:
                    problems.append(problem(row, headers["parent"], None, "上级园区形成循环", "the parents form a cycle"))
                    break

    def write(self, plan, *, user) -> None:
        """Save zones parents first, so each new sub-park can point at its new parent's id.

        Zones are few, so each is saved on its own and logged by the change-log signals.
        """
        parent_for = {id(obj): parent for obj, parent, _row in getattr(self, "resolved", [])}
        todo = {id(obj): obj for obj in plan.creates}
        todo.update({id(obj): obj for obj, _before, _changed in plan.updates})
        todo.update({id(obj): obj for obj, _parent, _row in getattr(self, "resolved", [])})
        remaining = list(todo.values())
        while remaining:
            waiting = []
            for obj in remaining:
                if id(obj) in parent_for:
                    parent = parent_for[id(obj)]
                    if parent is not None and parent.pk is None:
                        waiting.append(obj)
                        continue
                    obj.parent_id = parent.pk if parent is not None else None
                obj.save()
            if len(waiting) == len(remaining):  # only a cycle could stall; validation refuses those
                raise RuntimeError("zone parents form a cycle")
            remaining = waiting


def export_rows(*, user=None, zone_ids=None):
    """Zones as rows of the zone import's columns (parents first, so the file re-imports in order)."""
    queryset = Zone.objects.all()
    if user is not None:
        queryset = queryset.restrict(user)
    if zone_ids is not None:
        queryset = queryset.filter(pk__in=zone_ids)
    zones = list(queryset.select_related("parent"))
    levels, kinds = first_labels(LEVEL_LABELS), first_labels(KIND_LABELS)
    depth = {z.pk: len(z.ancestors()) for z in zones}
    for z in sorted(zones, key=lambda z: (depth[z.pk], z.code, z.name)):
        yield {
            "code": z.code,
            "name": z.name,
            "parent": (z.parent.code or z.parent.name) if z.parent else None,
            "level": levels.get(z.level, z.level),
            "kind": kinds.get(z.kind, z.kind),
            "approved_on": z.approved_on,
            "approved_area_ha": z.approved_area_ha,
            "leading_industries": z.leading_industries,
            "short_name": z.short_name,
        }
