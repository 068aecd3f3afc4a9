"""Importing zones from spreadsheets (the catalogue's columns), keyed by zone code, or name when there is none."""

from __future__ import annotations

from yuanqu.core.access import editable_zone_ids, is_city_admin, visible_zone_ids
from yuanqu.core.importing.pipeline import (
    Change,
    Importer,
    Plan,
    apply_values,
    check_values,
    keep_stored,
    present_keys,
    problem,
    tree_guard,
)
from yuanqu.core.importing.tabular import Column
from yuanqu.zones.models import Zone
from yuanqu.zones.services import save_zone

LEVEL_LABELS = {
    "国家级": "national",
    "国家": "national",
    "省级": "provincial",
    "省": "provincial",
    "其他": "other",
    "市级": "other",
}
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
# Said of a zone the user may not touch, whether or not it exists: another zone's data is never hinted at.
NOT_YOURS = (
    "没有这个园区，或您无权修改它",
    "no such zone among those you may change",
)


def first_labels(labels: dict[str, str]) -> dict[str, str]:
    """Stored value -> the first (canonical) Chinese label that maps to it, for exports."""
    out: dict[str, str] = {}
    for label, value in labels.items():
        out.setdefault(value, label)
    return out


def zone_labels() -> dict[int, str]:
    """Each zone's code, or its name when it has none: how files refer to zones."""
    return {pk: code or name for pk, code, name in Zone.objects.values_list("pk", "code", "name")}


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
        """The zone's id; None with a problem appended when it is unknown, not visible or (must_edit) not editable."""
        if value in (None, ""):
            return None  # the reader has reported the empty required cell
        pk = self.by_key.get(str(value).strip())
        if pk is None or (self.visible is not None and pk not in self.visible):
            problems.append(
                problem(
                    row, header, value, "没有这个园区代码或名称", "no zone with this code or name (among your zones)"
                )
            )
            return None
        if must_edit and self.editable is not None and pk not in self.editable:
            problems.append(
                problem(row, header, value, "无权修改该园区的数据", "not allowed to change data of this zone")
            )
            return None
        return pk


class ZoneImporter(Importer):
    """Zones and sub-parks; a parent may be another row of the same file.

    Zones are few (tens), so they are written one by one through `save_zone`, which checks the user's
    rights once more and leaves its change-log entry through the usual signals.
    """

    kind = "zones"
    label_zh, label_en = "园区", "zones"
    template_title = "园区名录"
    model = Zone
    schema = (
        Column("code", "园区代码", "text", aliases=("代码", "目录代码", "code")),
        Column("name", "园区名称", "text", required=True, aliases=("开发区名称", "名称", "name")),
        Column("parent", "上级园区代码", "text", aliases=("上级园区", "所属园区", "parent")),
        Column("level", "级别", "choice", choices=LEVEL_LABELS, aliases=("园区级别", "level")),
        Column("kind", "类型", "choice", choices=KIND_LABELS, aliases=("园区类型", "kind")),
        Column("approved_on", "批准时间", "date", aliases=("批准日期", "设立时间", "approved_on")),
        Column(
            "approved_area_ha",
            "核准面积",
            "decimal",
            unit="公顷",
            aliases=("面积", "approved_area_ha"),
            decimal_places=2,
        ),
        Column("leading_industries", "主导产业", "text", aliases=("leading_industries",)),
        Column("short_name", "简称", "text", aliases=("short_name",)),
    )
    template_keys = ("code", "name", "parent", "level", "kind", "approved_on", "approved_area_ha", "leading_industries")

    def plan(self, table, *, user, problems) -> Plan:
        """Match each row to a zone by code (or name), check rights, names and parents."""
        headers = table.headers
        city = user is None or is_city_admin(user)
        editable = editable_zone_ids(user) if user is not None else None
        keys = [k for k in present_keys(table, self.schema) if k not in ("code", "name", "parent")]
        check_values(Zone, table, [*keys, "code", "name"], problems)
        zones = list(Zone.objects.all())
        by_code = {z.code: z for z in zones if z.code}
        by_name = {z.name: z for z in zones}
        in_file: dict[str, int] = {}
        names_in_file: dict[str, int] = {}
        plan = Plan()
        self.rows: list[tuple[Zone, str | None, int, bool]] = []  # zone, parent key (None: no column), row, changed
        self.read: dict[int, dict] = {}  # id(zone) -> its fields as read, for zones the file may change
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            code, name = (v.get("code") or "").strip(), (v.get("name") or "").strip()
            if not name:
                continue  # the reader has reported the empty required cell
            key = code or name
            if key in in_file or name in names_in_file:
                first = in_file.get(key) or names_in_file[name]
                header = headers["code"] if key in in_file and code else headers["name"]
                problems.append(problem(row, header, key, f"与第 {first} 行重复", f"same zone as row {first}"))
                continue
            in_file[key] = row
            names_in_file[name] = row
            current = by_code.get(code) if code else by_name.get(name)
            if current is None and code and name in by_name and not by_name[name].code:
                current = by_name[name]  # a zone known by name gets its catalogue code
            if current is not None and editable is not None and current.pk not in editable:
                problems.append(problem(row, headers["code" if code else "name"], key, *NOT_YOURS))
                continue
            owner = by_name.get(name)
            if owner is not None and owner is not current:
                # Only say the name is taken when the zone holding it is one the user may see.
                visible = visible_zone_ids(user) if user is not None else None
                reason = (
                    ("园区名称已被另一个园区使用", "the name belongs to another zone")
                    if visible is None or owner.pk in visible
                    else ("园区名称不可用", "the name cannot be used")
                )
                problems.append(problem(row, headers["name"], name, *reason))
                continue
            parent_key = (v.get("parent") or "").strip() if "parent" in headers else None
            if current is None and not city and not parent_key:
                problems.append(
                    problem(
                        row,
                        headers["name"],
                        name,
                        "只有市级管理员可以新建园区",
                        "only a city administrator creates zones",
                    )
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
                zone = Zone()
                apply_values(zone, values, fields)
                self.rows.append((zone, parent_key, row, True))
            else:
                original = {name: getattr(current, name) for name in [*fields, "parent_id"]}
                self.read[id(current)] = original
                self.rows.append((current, parent_key, row, bool(apply_values(current, values, fields))))
        self._resolve_parents(headers, problems, by_code, by_name, editable, user)
        for zone, parent_key, row, changed in self.rows:
            if zone.pk is None:
                plan.creates.append(zone)
            elif changed:
                plan.updates.append(zone)
                plan.guards.append(self._guard(zone, parent_key, row))
            else:
                plan.unchanged += 1
        return plan

    def _guard(self, zone: Zone, parent_key: str | None, row: int) -> Change:
        """What the write checks has not changed since the file was read: the fields this row changes."""
        return tree_guard(
            zone,
            self.read[id(zone)],
            parent_given=parent_key is not None,
            parent=self.parent_of.get(id(zone)),
            label=zone.name,
            zone_id=zone.pk,
            key=(zone.code or zone.name,),
            row=row,
        )

    def _resolve_parents(self, headers, problems, by_code, by_name, editable, user) -> None:
        """Every parent must exist (in the database or the file), be editable, and form no cycle;
        a changed parent marks its row changed."""
        visible = visible_zone_ids(user) if user is not None else None
        in_file: dict[str, Zone] = {}
        for zone, _parent, _row, _changed in self.rows:
            in_file.setdefault(zone.name, zone)
            if zone.code:
                in_file[zone.code] = zone
        self.parent_of: dict[int, Zone | None] = {}
        for index, (zone, key, row, _changed) in enumerate(self.rows):
            if key is None:
                continue
            parent = None
            if key:
                parent = in_file.get(key) or by_code.get(key) or by_name.get(key)
                if parent is not None and parent.pk is not None and parent.pk == zone.parent_id:
                    self.parent_of[id(zone)] = parent  # unchanged, even when the parent is not the user's
                    continue
                if parent is None or (parent.pk is not None and visible is not None and parent.pk not in visible):
                    problems.append(problem(row, headers["parent"], key, "上级园区不存在", "no such parent zone"))
                    continue
                if parent is zone:
                    problems.append(
                        problem(row, headers["parent"], key, "园区不能是自己的上级", "a zone cannot be its own parent")
                    )
                    continue
                if parent.pk is not None and editable is not None and parent.pk not in editable:
                    problems.append(
                        problem(
                            row,
                            headers["parent"],
                            key,
                            "无权在该上级园区下设园区",
                            "not allowed to place a zone under that parent",
                        )
                    )
                    continue
            elif zone.parent_id is not None and editable is not None:
                problems.append(
                    problem(
                        row,
                        headers["parent"],
                        None,
                        "只有市级管理员可以把子园区改为独立园区",
                        "only a city administrator makes a sub-park top-level",
                    )
                )
                continue
            self.parent_of[id(zone)] = parent
            moved = (parent is None and zone.parent_id is not None) or (
                parent is not None and (parent.pk is None or parent.pk != zone.parent_id)
            )
            if moved:
                self.rows[index] = (zone, key, row, True)
        # Walk up from every zone of the file, through new parents and stored ones, looking for itself.
        by_pk = {z.pk: z for z in by_name.values()}
        for zone, _key, row, _changed in self.rows:
            node, steps = zone, 0
            while node is not None and steps <= len(by_pk) + len(self.rows):
                node = self.parent_of[id(node)] if id(node) in self.parent_of else by_pk.get(node.parent_id)
                steps += 1
                if node is zone:
                    problems.append(
                        problem(row, headers["parent"], None, "上级园区形成循环", "the parents form a cycle")
                    )
                    break

    def write(self, plan, *, user, progress) -> None:
        """Save zones parents first, so each new sub-park can point at its new parent's id; a zone read when the file
        was checked takes what is stored now in the fields its row leaves alone."""
        todo = [zone for zone, *_rest, changed in self.rows if changed]
        guards = {change.pk: change for change in plan.guards}
        for zone in todo:
            if zone.pk in guards:
                keep_stored(zone, guards[zone.pk])
        while todo:
            waiting = []
            for zone in todo:
                if id(zone) in self.parent_of:
                    parent = self.parent_of[id(zone)]
                    if parent is not None and parent.pk is None:
                        waiting.append(zone)
                        continue
                    zone.parent = parent
                save_zone(zone=zone, user=user)
                progress.advance(1)
            if len(waiting) == len(todo):  # only a cycle could stall, and validation refuses those
                raise RuntimeError("zone parents form a cycle")
            todo = waiting


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
