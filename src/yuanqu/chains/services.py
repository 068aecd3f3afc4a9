"""Writes of the chains app: chains and their links, corrections of a link's firms, projects tagged with a link,
target firms. Each checks the user's rights and leaves a change-log entry (the models are tracked)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from yuanqu.analytics.chains import split_list
from yuanqu.analytics.industry import class_codes
from yuanqu.chains.models import Chain, ChainFirm, ChainNode, ChainProject, TargetFirm
from yuanqu.core.access import editable_zone_ids, visible_zone_ids
from yuanqu.core.services import check_can_edit, delete_object, original_zone, save_object

DENIED = "无权修改此产业链 / not allowed to change this chain"


def can_edit_chain(user, chain: Chain | None, zone_ids=None) -> bool:
    """A chain may be changed by someone who may change every zone it serves (``zone_ids``: the zones it is
    about to serve, for a new chain or a change of its zones)."""
    if user is None:
        return True
    editable = editable_zone_ids(user)
    if editable is None:
        return True
    zones = set(zone_ids or ())
    if chain is not None and chain.pk:
        zones |= set(chain.zones.values_list("pk", flat=True))
    return bool(zones) and zones <= editable


def can_see_chain(user, chain: Chain) -> bool:
    visible = visible_zone_ids(user) if user is not None else None
    return visible is None or chain.zones.filter(pk__in=visible).exists()


def check_classes(text: str) -> str:
    """Comma-separated four-digit GB/T 4754-2017 classes, checked and normalised ("3841,3849")."""
    codes = split_list(text)
    known = class_codes()
    wrong = [code for code in codes if code not in known]
    if wrong:
        listed = "、".join(wrong)
        raise ValidationError(
            f"不是 GB/T 4754-2017 的四位行业小类：{listed} / not four-digit GB/T 4754-2017 classes: {', '.join(wrong)}"
        )
    return ",".join(codes)


def save_chain(*, chain: Chain, user, zones=None, leading_enterprises=None) -> Chain:
    """Validate and save a chain with the zones it serves (at least one) and its leading firms."""
    zone_ids = [z.pk for z in zones] if zones is not None else []
    if not can_edit_chain(user, chain, zone_ids):
        raise PermissionDenied(DENIED)
    if zones is not None and not zone_ids:
        raise ValidationError({"zones": "至少选择一个园区 / choose at least one zone"})
    if chain.weak_below is None or chain.weak_below < 1:
        raise ValidationError({"weak_below": "薄弱阈值至少为 1 / the weak threshold is at least 1"})
    chain.full_clean(exclude=["zones", "leading_enterprises"])
    chain.save()
    if zones is not None:
        chain.zones.set(zone_ids)
    if leading_enterprises is not None:
        served = set(chain.zones.values_list("pk", flat=True))
        for enterprise in leading_enterprises:
            if enterprise.zone_id not in served:
                raise ValidationError(
                    {"leading_enterprises": f"{enterprise} 不在该产业链的园区 / is not in a zone of this chain"}
                )
        chain.leading_enterprises.set([e.pk for e in leading_enterprises])
    return chain


def delete_chain(*, chain: Chain, user) -> None:
    if not can_edit_chain(user, chain):
        raise PermissionDenied(DENIED)
    chain.delete()


def save_node(*, node: ChainNode, user) -> ChainNode:
    """Validate and save a link: its classes are four-digit classes, its parent a link of the same chain above it."""
    if not can_edit_chain(user, node.chain):
        raise PermissionDenied(DENIED)
    try:
        node.industry_codes = check_classes(node.industry_codes)
    except ValidationError as exc:
        raise ValidationError({"industry_codes": exc.messages}) from None
    node.keywords = ",".join(split_list(node.keywords))
    if node.parent_id is not None:
        parent = node.parent
        if parent.chain_id != node.chain_id:
            raise ValidationError({"parent": "上级环节须属于同一产业链 / the parent link must be of the same chain"})
        seen = set()
        while parent is not None and parent.pk not in seen:
            if node.pk is not None and parent.pk == node.pk:
                raise ValidationError(
                    {"parent": "上级环节不能是本环节的下级 / a link cannot sit under its own sub-link"}
                )
            seen.add(parent.pk)
            parent = parent.parent
    node.full_clean()
    node.save()
    return node


def delete_node(*, node: ChainNode, user) -> None:
    if not can_edit_chain(user, node.chain):
        raise PermissionDenied(DENIED)
    node.delete()


def correct_firm(*, node: ChainNode, enterprise, decision: str | None, user, note: str = "") -> ChainFirm | None:
    """Confirm or add (``include``) a firm on a link, exclude it (``exclude``), or drop the correction (None)."""
    if user is not None and not can_see_chain(user, node.chain):
        raise PermissionDenied(DENIED)
    check_can_edit(user=user, obj=enterprise)
    existing = ChainFirm.objects.filter(node=node, enterprise=enterprise).first()
    if decision is None:
        if existing is not None:
            existing.delete()
        return None
    if decision not in ChainFirm.Decision.values:
        raise ValidationError({"decision": f"未知的处理 {decision} / unknown decision {decision}"})
    correction = existing or ChainFirm(node=node, enterprise=enterprise)
    correction.decision, correction.note = decision, note
    correction.full_clean()
    correction.save()
    return correction


def tag_project(*, project, node: ChainNode | None, user, kind: str = "fill") -> ChainProject | None:
    """Tag a project with the link it fills and how (补链, 强链, 延链); None removes the tag."""
    check_can_edit(user=user, obj=project)
    existing = ChainProject.objects.filter(project=project).first()
    if node is None:
        if existing is not None:
            existing.delete()
        return None
    if user is not None and not can_see_chain(user, node.chain):
        raise PermissionDenied(DENIED)
    tag = existing or ChainProject(project=project)
    tag.node, tag.kind = node, kind
    tag.full_clean(validate_unique=False)
    tag.save()
    return tag


def save_target(*, target: TargetFirm, user) -> TargetFirm:
    """Validate and save a target firm of a link; the link's chain must serve the target's zone."""
    if (
        target.node_id is not None
        and target.zone_id is not None
        and not target.node.chain.zones.filter(pk=target.zone_id).exists()
    ):
        raise ValidationError({"zone": "该产业链不服务此园区 / this chain does not serve the zone"})
    if target.project_id is not None and target.project.zone_id != target.zone_id:
        raise ValidationError({"project": "项目须属于同一园区 / the project must be of the same zone"})
    if target.via_enterprise_id is not None and target.via_enterprise.zone_id != target.zone_id:
        raise ValidationError({"via_enterprise": "链主企业须属于同一园区 / the leading firm must be of the same zone"})
    return save_object(target, user=user, original_zone_id=original_zone(target))


def delete_target(*, target: TargetFirm, user) -> None:
    delete_object(target, user=user)
