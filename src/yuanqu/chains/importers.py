"""Importing industry chains: one row per link (环节), keyed by chain and link code; a parent may be another row
of the same file. Chains and links are few (hundreds), so they are written one by one through the services."""

from __future__ import annotations

from yuanqu.analytics.chains import split_list
from yuanqu.analytics.industry import class_codes
from yuanqu.chains.models import Chain, ChainNode, Position, TargetFirm
from yuanqu.chains.services import can_edit_chain, save_chain, save_node, save_target
from yuanqu.core.importing.pipeline import (
    CHANGED_SINCE_READ,
    Change,
    Importer,
    Plan,
    apply_values,
    check_values,
    guard,
    keep_stored,
    present_keys,
    problem,
    tree_guard,
)
from yuanqu.core.importing.tabular import Column
from yuanqu.zones.importers import ZoneResolver, zone_labels

POSITION_LABELS = {
    "上游": "upstream",
    "中游": "midstream",
    "下游": "downstream",
    "upstream": "upstream",
    "midstream": "midstream",
    "downstream": "downstream",
}
NOT_YOURS = ("没有这条产业链，或您无权修改它", "no such chain among those you may change")
NODE_FIELDS = ("name", "position", "industry_codes", "keywords", "nbs_category", "order")


class ChainImporter(Importer):
    """Chains and their links; a new chain names the zones it serves (园区) in one of its rows."""

    kind = "chains"
    label_zh, label_en = "产业链", "industry chains"
    template_title = "产业链图谱"
    model = ChainNode
    schema = (
        Column("chain", "产业链", "text", required=True, aliases=("产业链名称", "chain")),
        Column("code", "环节编号", "text", required=True, aliases=("环节代码", "code")),
        Column("name", "环节名称", "text", required=True, aliases=("环节", "name")),
        Column("parent", "上级环节编号", "text", aliases=("上级环节", "parent")),
        Column("position", "环节类型", "choice", choices=POSITION_LABELS, aliases=("位置", "position")),
        Column("industry_codes", "行业代码", "text", aliases=("行业小类", "industry_codes")),
        Column("keywords", "关键词", "text", aliases=("产品关键词", "keywords")),
        Column("nbs_category", "统计分类", "text", aliases=("nbs_category",)),
        Column("zones", "园区", "text", aliases=("主导产业园区", "zones")),
        Column("owner", "链长", "text", aliases=("owner",)),
    )
    template_keys = ("chain", "code", "name", "parent", "position", "industry_codes", "keywords", "zones", "owner")

    def plan(self, table, *, user, problems) -> Plan:
        headers = table.headers
        keys = [k for k in present_keys(table, self.schema) if k in ("name", "nbs_category")]
        check_values(ChainNode, table, keys, problems)
        resolver = ZoneResolver(user)
        known = class_codes()
        chains = {c.name: c for c in Chain.objects.all()}
        self.chains: dict[str, Chain] = {}
        self.chain_zones: dict[str, list[int]] = {}
        self.chain_changed: dict[str, bool] = {}
        self.owner_read: dict[str, tuple[str, int]] = {}  # chain name -> its owner as read, the row changing it
        self.rows: list[tuple[ChainNode, str, str | None, int, bool]] = []  # node, chain name, parent, row, changed
        self.read: dict[int, dict] = {}  # id(node) -> its fields as read, for stored links the file may change
        stored_nodes: dict[tuple[str, str], ChainNode] = {}
        for node in ChainNode.objects.filter(chain__name__in=[r.values.get("chain") for r in table.rows]):
            stored_nodes[(node.chain.name, node.code)] = node
        seen: dict[tuple[str, str], int] = {}
        refused: set[str] = set()
        orders: dict[str, int] = {}  # a link's place among its own chain's links, as the file lists them
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            name = (v.get("chain") or "").strip()
            code = (v.get("code") or "").strip()
            if not name or not code or not (v.get("name") or "").strip():
                continue  # the reader has reported the empty required cell
            if name in refused:
                continue
            if name not in self.chains:
                current = chains.get(name)
                if current is not None and not can_edit_chain(user, current):
                    problems.append(problem(row, headers["chain"], name, *NOT_YOURS))
                    refused.add(name)
                    continue
                self.chains[name] = current or Chain(name=name)
                self.chain_changed[name] = current is None
            chain = self.chains[name]
            zones_text = (v.get("zones") or "").strip() if "zones" in headers else ""
            if zones_text:
                ids = []
                for item in split_list(zones_text):
                    pk = resolver.resolve(item, row, headers["zones"], problems, must_edit=True)
                    if pk is not None:
                        ids.append(pk)
                previous = self.chain_zones.setdefault(name, ids)
                if previous != ids:
                    problems.append(
                        problem(
                            row,
                            headers["zones"],
                            zones_text,
                            "同一产业链各行的园区不一致",
                            "the rows of one chain name different zones",
                        )
                    )
            owner = (v.get("owner") or "").strip() if "owner" in headers else ""
            if owner and owner != chain.owner:
                if chain.pk is not None:
                    self.owner_read.setdefault(name, (chain.owner, row))
                chain.owner = owner
                self.chain_changed[name] = True
            if (first := seen.get((name, code))) is not None:
                problems.append(
                    problem(row, headers["code"], code, f"与第 {first} 行重复", f"same link as row {first}")
                )
                continue
            seen[(name, code)] = row
            order = orders[name] = orders.get(name, -1) + 1
            classes = split_list(v.get("industry_codes")) if "industry_codes" in headers else []
            wrong = [c for c in classes if c not in known]
            if wrong:
                problems.append(
                    problem(
                        row,
                        headers["industry_codes"],
                        v.get("industry_codes"),
                        f"不是 GB/T 4754-2017 的四位行业小类：{'、'.join(wrong)}",
                        f"not four-digit GB/T 4754-2017 classes: {', '.join(wrong)}",
                    )
                )
                continue
            values = {
                "name": v["name"].strip(),
                "position": v.get("position") or Position.MIDSTREAM.value,
                "industry_codes": ",".join(classes),
                "keywords": ",".join(split_list(v.get("keywords"))),
                "nbs_category": (v.get("nbs_category") or "").strip(),
                "order": order,
            }
            node = stored_nodes.get((name, code))
            # A new link takes its place from the file's order; a stored one keeps its own.
            fields = [f for f in NODE_FIELDS if (f == "order" and node is None) or f == "name" or f in headers]
            parent = (v.get("parent") or "").strip() if "parent" in headers else None
            if node is None:
                node = ChainNode(code=code)
                apply_values(node, values, fields)
                self.rows.append((node, name, parent, row, True))
            else:
                self.read[id(node)] = {f: getattr(node, f) for f in [*fields, "parent_id"]}
                self.rows.append((node, name, parent, row, bool(apply_values(node, values, fields))))
        for name, chain in self.chains.items():
            if chain.pk is None and not self.chain_zones.get(name):
                row = (
                    next(r for _n, n, _p, r, _c in self.rows if n == name)
                    if any(n == name for _x, n, *_ in self.rows)
                    else None
                )
                problems.append(
                    problem(
                        row,
                        headers.get("zones") or headers["chain"],
                        name,
                        "新建产业链须在“园区”列填写其服务的园区",
                        "a new chain needs the zones it serves in the column 园区",
                    )
                )
        self._resolve_parents(headers, problems, stored_nodes)
        plan = Plan()
        for node, name, parent_key, row, changed in self.rows:
            if node.pk is None:
                plan.creates.append(node)
            elif changed:
                plan.updates.append(node)
                plan.guards.append(self._guard(node, name, parent_key, row))
            else:
                plan.unchanged += 1
        for name, (owner, row) in self.owner_read.items():
            chain = self.chains[name]
            plan.others.append(
                Change({"owner": chain.owner}, name, None, key=(name,), pk=chain.pk, row=row, read={"owner": owner})
            )
        return plan

    def _guard(self, node: ChainNode, chain: str, parent_key: str | None, row: int) -> Change:
        """What the write checks has not changed since the file was read: the fields this row changes."""
        return tree_guard(
            node,
            self.read[id(node)],
            parent_given=parent_key is not None,
            parent=self.parent_of.get(id(node)),
            label=f"{chain} {node.code} {node.name}",
            zone_id=None,
            key=(chain, node.code),
            row=row,
        )

    def _resolve_parents(self, headers, problems, stored_nodes) -> None:
        in_file = {(name, node.code): node for node, name, *_rest in self.rows}
        self.parent_of: dict[int, ChainNode | None] = {}
        for index, (node, name, key, row, _changed) in enumerate(self.rows):
            if key is None:
                continue
            parent = None
            if key:
                parent = in_file.get((name, key)) or stored_nodes.get((name, key))
                if parent is None:
                    problems.append(problem(row, headers["parent"], key, "上级环节不存在", "no such parent link"))
                    continue
                if parent is node:
                    problems.append(
                        problem(row, headers["parent"], key, "环节不能是自己的上级", "a link cannot be its own parent")
                    )
                    continue
            self.parent_of[id(node)] = parent
            current = node.parent_id
            if (parent is None and current is not None) or (parent is not None and parent.pk != current):
                self.rows[index] = (node, name, key, row, True)
        # A cycle through the file's new parents.
        for node, _name, key, row, _changed in self.rows:
            seen = {id(node)}
            parent = self.parent_of.get(id(node)) if id(node) in self.parent_of else node.parent
            while parent is not None:
                if id(parent) in seen:
                    problems.append(
                        problem(row, headers["parent"], key, "上级环节形成循环", "the parent links form a cycle")
                    )
                    break
                seen.add(id(parent))
                parent = self.parent_of.get(id(parent), parent.parent)

    def changed_elsewhere(self, plan) -> list:
        """A chain whose 链长 the file changes and someone else changed after the file was read."""
        conflicts = []
        for change in sorted(plan.others, key=lambda change: change.pk):
            stored = Chain.objects.select_for_update().filter(pk=change.pk).values_list("owner", flat=True)
            if list(stored) != [change.read["owner"]]:
                conflicts.append(problem(change.row, None, change.label, *CHANGED_SINCE_READ))
        return conflicts

    def write(self, plan, *, user, progress) -> None:
        """Save the chains, then their links parents first. A chain or link read when the file was checked takes
        what is stored now in the fields its rows leave alone, so the write changes only what the file changes."""
        for name, chain in list(self.chains.items()):
            zones = self.chain_zones.get(name)
            if chain.pk is not None and self.chain_changed.get(name):
                stored = Chain.objects.select_for_update().get(pk=chain.pk)
                stored.owner = chain.owner
                self.chains[name] = chain = stored
            if self.chain_changed.get(name) or zones:
                from yuanqu.zones.models import Zone

                save_chain(chain=chain, user=user, zones=list(Zone.objects.filter(pk__in=zones)) if zones else None)
        todo = [(node, name) for node, name, _key, _row, changed in self.rows if changed]
        guards = {change.pk: change for change in plan.guards}
        for node, _name in todo:
            if node.pk in guards:
                keep_stored(node, guards[node.pk])
        while todo:
            waiting = []
            for node, name in todo:
                node.chain = self.chains[name]
                if id(node) in self.parent_of:
                    parent = self.parent_of[id(node)]
                    if parent is not None and parent.pk is None:
                        waiting.append((node, name))
                        continue
                    node.parent = parent
                save_node(node=node, user=user)
                progress.advance(1)
            if len(waiting) == len(todo):
                raise RuntimeError("chain links form a cycle")
            todo = waiting


def export_rows(*, user=None, zone_ids=None):
    """Chains as rows of the chain import's columns, each chain's links parents first."""
    from yuanqu.chains.selectors import ordered_nodes

    queryset = Chain.objects.all() if user is None else Chain.objects.restrict(user)
    if zone_ids is not None:
        queryset = queryset.filter(pk__in=Chain.objects.filter(zones__in=zone_ids).values("pk"))
    labels = zone_labels()
    positions = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
    visible = None
    if user is not None:
        from yuanqu.core.access import visible_zone_ids

        visible = visible_zone_ids(user)
    for chain in queryset.order_by("name").prefetch_related("zones"):
        zones = [labels[z.pk] for z in chain.zones.all() if visible is None or z.pk in visible]
        for node, _depth in ordered_nodes(chain):
            yield {
                "chain": chain.name,
                "code": node.code,
                "name": node.name,
                "parent": node.parent.code if node.parent_id else None,
                "position": positions[node.position],
                "industry_codes": node.industry_codes,
                "keywords": node.keywords,
                "nbs_category": node.nbs_category,
                "zones": ",".join(zones),
                "owner": chain.owner,
            }


TARGET_STATUS_LABELS = {
    "待联系": "to_contact",
    "已联系": "contacted",
    "考察中": "visiting",
    "已转线索": "lead",
}


class TargetFirmImporter(Importer):
    """Target firms of a chain's links (招商目标企业), keyed by chain, link, zone and firm name."""

    kind = "chain-targets"
    label_zh, label_en = "招商目标企业", "target firms"
    template_title = "招商目标企业"
    model = TargetFirm
    schema = (
        Column("chain", "产业链", "text", required=True, aliases=("chain",)),
        Column("code", "环节编号", "text", required=True, aliases=("code",)),
        Column("zone", "园区", "text", required=True, aliases=("园区代码", "zone")),
        Column("name", "企业名称", "text", required=True, aliases=("name",)),
        Column("uscc", "统一社会信用代码", "text", aliases=("uscc",)),
        Column("location", "所在地", "text", aliases=("location",)),
        Column("reason", "推荐理由", "text", aliases=("理由", "reason")),
        Column("status", "状态", "choice", choices=TARGET_STATUS_LABELS, aliases=("status",)),
    )
    template_keys = ("chain", "code", "zone", "name", "uscc", "location", "reason", "status")

    def plan(self, table, *, user, problems) -> Plan:
        headers = table.headers
        check_values(TargetFirm, table, [k for k in ("name", "uscc", "location") if k in headers], problems)
        resolver = ZoneResolver(user)
        visible = Chain.objects.all() if user is None else Chain.objects.restrict(user)
        nodes = {
            (node.chain.name, node.code): node
            for node in ChainNode.objects.filter(chain__in=visible).select_related("chain")
        }
        served = {}
        stored = {(t.node_id, t.zone_id, t.name): t for t in TargetFirm.objects.all()}
        seen: dict[tuple, int] = {}
        self.objects: list[TargetFirm] = []
        plan = Plan()
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            chain, code, name = (
                (v.get("chain") or "").strip(),
                (v.get("code") or "").strip(),
                (v.get("name") or "").strip(),
            )
            if not chain or not code or not name:
                continue
            node = nodes.get((chain, code))
            if node is None:
                problems.append(
                    problem(row, headers["code"], f"{chain} {code}", "没有这个产业链环节", "no such link of a chain")
                )
                continue
            zone_id = resolver.resolve(v.get("zone"), row, headers["zone"], problems, must_edit=True)
            if zone_id is None:
                continue
            if node.chain_id not in served:
                served[node.chain_id] = set(node.chain.zones.values_list("pk", flat=True))
            if zone_id not in served[node.chain_id]:
                problems.append(
                    problem(
                        row,
                        headers["zone"],
                        v.get("zone"),
                        "该产业链不服务此园区",
                        "this chain does not serve the zone",
                    )
                )
                continue
            key = (node.pk, zone_id, name)
            if (first := seen.get(key)) is not None:
                problems.append(
                    problem(row, headers["name"], name, f"与第 {first} 行重复", f"same target as row {first}")
                )
                continue
            seen[key] = row
            target = stored.get(key) or TargetFirm(node=node, zone_id=zone_id, name=name)
            read = {field: getattr(target, field) for field in ("uscc", "location", "reason", "status")}
            for field in ("uscc", "location", "reason"):
                if field in headers:
                    setattr(target, field, (v.get(field) or "").strip())
            if "status" in headers:
                target.status = v.get("status") or TargetFirm.Status.TO_CONTACT
            if target.pk is None:
                plan.creates.append(target)
                self.objects.append(target)
            elif changed := {field: value for field, value in read.items() if getattr(target, field) != value}:
                plan.updates.append(target)
                plan.guards.append(guard(target, changed, label=f"{chain} {code} {name}", zone_id=zone_id, row=row))
                self.objects.append(target)
            else:
                plan.unchanged += 1
        return plan

    def write(self, plan, *, user, progress) -> None:
        """Save the target firms; one read when the file was checked takes what is stored now in the fields its
        row leaves alone (a project linked meanwhile, say)."""
        guards = {change.pk: change for change in plan.guards}
        for target in self.objects:
            if target.pk in guards:
                keep_stored(target, guards[target.pk])
            save_target(target=target, user=user)
            progress.advance(1)


def export_target_rows(*, user=None, zone_ids=None):
    """Target firms as rows of the target import's columns."""
    queryset = TargetFirm.objects.all() if user is None else TargetFirm.objects.restrict(user)
    if zone_ids is not None:
        queryset = queryset.filter(zone_id__in=zone_ids)
    labels = zone_labels()
    status = {value: label for label, value in TARGET_STATUS_LABELS.items()}
    for target in queryset.select_related("node__chain").order_by("node__chain__name", "node__code", "name"):
        yield {
            "chain": target.node.chain.name,
            "code": target.node.code,
            "zone": labels.get(target.zone_id, ""),
            "name": target.name,
            "uscc": target.uscc,
            "location": target.location,
            "reason": target.reason,
            "status": status[target.status],
        }
