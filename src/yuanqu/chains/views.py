"""Pages of the chains app: the chain list with coverage, a chain's map (diagram, links, firms, projects, targets
and land for the gaps), editing a chain as a tree, corrections of a link's firms, project tags and target firms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.chains import selectors
from yuanqu.chains.forms import ChainForm, ChainNodeForm, CorrectionForm, ProjectLinkForm, TargetFirmForm
from yuanqu.chains.jobs import submit_coverage
from yuanqu.chains.models import Chain, ChainNode, TargetFirm
from yuanqu.chains.services import (
    can_edit_chain,
    correct_firm,
    delete_node,
    delete_target,
    save_chain,
    save_node,
    save_target,
    tag_project,
)
from yuanqu.core.access import can_edit
from yuanqu.core.filtersets import user_zone_choices
from yuanqu.core.params import id_param, to_id, year_param
from yuanqu.core.views import edit_page
from yuanqu.land.status import current_rules
from yuanqu.zones.models import Zone

STATE_COLOURS = {"gap": "#d32f2f", "gap_in_progress": "#f57c00", "weak": "#fbc02d", "covered": "#2e7d32"}


def _chain(request, pk: int) -> Chain:
    return get_object_or_404(Chain.objects.restrict(request.user), pk=pk)


def state_label(state: str) -> str:
    return {
        "gap": _("缺链"),
        "gap_in_progress": _("缺链（有在谈项目）"),
        "weak": _("薄弱"),
        "covered": _("已覆盖"),
    }[state]


@login_required
def chain_list(request):
    zone_id = id_param(request.GET, "zone")
    zone = Zone.objects.restrict(request.user).filter(pk=zone_id).first() if zone_id else None
    rows = []
    chains = list(selectors.chains_for(request.user, zone=zone))
    covered = selectors.chains_coverage(
        chains, user=request.user, zone_ids=[zone.pk] if zone else None, enterprises=False
    )
    for chain, result in zip(chains, covered, strict=True):
        links = result.links
        rows.append(
            {
                "chain": chain,
                "zones": [z for z in chain.zones.all() if z.pk in result.zone_ids or not result.zone_ids],
                "links": len(links),
                "covered": sum(1 for link in links if not link.gap),
                "gaps": len(result.gaps),
                "weak": len(result.weak),
                "firms": result.members["enterprise_id"].n_unique() if result.members.height else 0,
            }
        )
    context = {
        "rows": rows,
        "zone": zone,
        "zone_choices": user_zone_choices(request.user),
        "can_create": can_edit(request.user),
    }
    return render(request, "chains/chain_list.html", context)


@login_required
def chain_detail(request, pk: int):
    chain = _chain(request, pk)
    zone_id = id_param(request.GET, "zone")
    visible = Zone.objects.restrict(request.user).filter(pk=zone_id).first() if zone_id else None
    year = year_param(request.GET)
    result = selectors.chain_coverage(chain, user=request.user, zone_ids=[visible.pk] if visible else None, year=year)
    land = selectors.candidate_land(chain, user=request.user) if result.gaps else []
    targets: dict[int, list[TargetFirm]] = {}
    for target in (
        TargetFirm.objects.restrict(request.user)
        .filter(node__chain=chain)
        .select_related("zone", "via_enterprise", "project")
    ):
        targets.setdefault(target.node_id, []).append(target)
    sections = []
    rules = current_rules() if result.gaps else None
    for link in result.links:
        counts = selectors.project_counts(link)
        sections.append(
            {
                "link": link,
                "state": link.state,
                "state_label": state_label(link.state),
                "colour": STATE_COLOURS[link.state],
                "firms": [
                    (result.enterprises[e], link.matched_by.get(e))
                    for e in link.enterprise_ids
                    if e in result.enterprises
                ],
                "signed": counts["signed"],
                "pipeline": counts["pipeline"],
                "targets": targets.get(link.node.pk, []),
                "indicators": selectors.land_indicators(link.node, rules) if link.gap else None,
            }
        )
    diagram = _diagram(chain, sections)
    editable = can_edit_chain(request.user, chain)
    context = {
        "chain": chain,
        "result": result,
        "sections": sections,
        "land": land[:20],
        "diagram": diagram,
        "legend": [(state_label(s), c) for s, c in STATE_COLOURS.items()],
        "zones": [z for z in chain.zones.all() if z.pk in result.zone_ids],
        "zone": visible,
        "zone_choices": user_zone_choices(request.user),
        "can_edit_chain": editable,
        "can_edit": can_edit(request.user),
        "leaders": [e for e in chain.leading_enterprises.all() if e.zone_id in result.zone_ids],
        "correction_form": CorrectionForm(user=request.user, zone_ids=result.zone_ids),
        "project_form": ProjectLinkForm(user=request.user, zone_ids=result.zone_ids),
    }
    return render(request, "chains/chain_detail.html", context)


def _diagram(chain: Chain, sections: list[dict]) -> dict:
    """The chain as an ECharts tree: the chain, then upstream / midstream / downstream, then its links nested."""
    names = {"upstream": _("上游"), "midstream": _("中游"), "downstream": _("下游")}
    by_parent: dict[int | None, list[dict]] = {}
    for section in sections:
        node = section["link"].node
        by_parent.setdefault(node.parent_id, []).append(section)

    def item(section) -> dict:
        link = section["link"]
        return {
            "name": f"{link.node.code} {link.node.name}",
            "value": link.firms,
            "state": section["state_label"],
            "anchor": f"link-{link.node.pk}",
            "itemStyle": {"color": section["colour"], "borderColor": section["colour"]},
            "symbol": "circle",
            "children": [item(child) for child in by_parent.get(link.node.pk, [])],
        }

    positions = []
    for position, label in names.items():
        children = [item(s) for s in by_parent.get(None, []) if s["link"].node.position == position]
        if children:
            positions.append({"name": str(label), "children": children, "itemStyle": {"color": "#5f6b7a"}})
    return {
        "tree": {"name": chain.name, "children": positions, "itemStyle": {"color": "#0b5cad"}},
        "labels": {"firms": _("企业数"), "state": _("状态")},
    }


@login_required
@require_POST
def chain_coverage_export(request, pk: int):
    """The coverage workbook of the chain as the page shows it (``zone``, ``year``), written by a worker: answers
    with the job's page, which offers the file when it is done."""
    chain = _chain(request, pk)
    zone_id = id_param(request.POST, "zone")
    zone = None
    if zone_id is not None:
        zone = Zone.objects.restrict(request.user).filter(pk=zone_id).first()
        if zone is None:
            raise Http404  # a zone the user may not see is answered like one that does not exist
    year = year_param(request.POST)
    if year is not None and not 1949 <= year <= 2100:
        year = None
    job = submit_coverage(user=request.user, chain=chain, zone=zone, year=year)
    return redirect("jobs:job-detail", pk=job.pk)


@login_required
def chain_edit(request, pk: int | None = None):
    chain = _chain(request, pk) if pk is not None else Chain()
    if pk is not None and not can_edit_chain(request.user, chain):
        raise PermissionDenied(_("无权修改此产业链"))
    if pk is None and not can_edit(request.user):
        raise PermissionDenied(_("无权新建产业链"))
    form = ChainForm(request.POST if request.method == "POST" else None, instance=chain, user=request.user)
    return edit_page(
        request,
        form=form,
        save=lambda f: save_chain(
            chain=f.instance,
            user=request.user,
            zones=list(f.cleaned_data["zones"]),
            leading_enterprises=list(f.cleaned_data["leading_enterprises"]),
        ),
        template="chains/chain_form.html",
        success_url=lambda saved: reverse("chains:chain-tree", args=[saved.pk]),
        context={"chain": chain if chain.pk else None},
    )


@login_required
def chain_tree(request, pk: int):
    """Edit a chain as a tree: its links nested, each with its classes and keywords, to edit, add under or delete."""
    chain = _chain(request, pk)
    context = {
        "chain": chain,
        "nodes": selectors.ordered_nodes(chain),
        "can_edit_chain": can_edit_chain(request.user, chain),
    }
    return render(request, "chains/chain_tree.html", context)


@login_required
def node_edit(request, pk: int, node_pk: int | None = None):
    chain = _chain(request, pk)
    if not can_edit_chain(request.user, chain):
        raise PermissionDenied(_("无权修改此产业链"))
    node = get_object_or_404(chain.nodes, pk=node_pk) if node_pk is not None else ChainNode(chain=chain)
    if node_pk is None and request.method == "GET" and (parent := to_id(request.GET.get("parent"))):
        node.parent = chain.nodes.filter(pk=parent).first()
        if node.parent is not None:
            node.position = node.parent.position
    form = ChainNodeForm(request.POST if request.method == "POST" else None, instance=node, chain=chain)
    return edit_page(
        request,
        form=form,
        save=lambda f: save_node(node=f.instance, user=request.user),
        template="chains/node_form.html",
        success_url=lambda saved: reverse("chains:chain-tree", args=[chain.pk]),
        context={"chain": chain, "node": node if node.pk else None},
    )


@login_required
@require_POST
def node_delete(request, pk: int, node_pk: int):
    chain = _chain(request, pk)
    node = get_object_or_404(chain.nodes, pk=node_pk)
    with transaction.atomic():
        delete_node(node=node, user=request.user)
    messages.success(request, _("已删除环节：%(name)s") % {"name": node.name})
    return redirect("chains:chain-tree", pk=chain.pk)


@login_required
@require_POST
def node_firm(request, pk: int, node_pk: int):
    """Confirm, add or exclude a firm on a link (kept over every later computation)."""
    chain = _chain(request, pk)
    node = get_object_or_404(chain.nodes, pk=node_pk)
    zones = selectors.chain_zone_ids(chain, request.user)
    form = CorrectionForm(request.POST, user=request.user, zone_ids=zones)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            with transaction.atomic():
                correct_firm(
                    node=node,
                    enterprise=form.cleaned_data["enterprise"],
                    decision=None if decision == "clear" else decision,
                    user=request.user,
                    note=form.cleaned_data["note"],
                )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("已保存。"))
    else:
        messages.error(request, _("请选择企业和处理方式"))
    return redirect(reverse("chains:chain-detail", args=[chain.pk]) + f"#link-{node.pk}")


@login_required
@require_POST
def node_project(request, pk: int, node_pk: int):
    """Tag a project with this link (补链, 强链, 延链)."""
    chain = _chain(request, pk)
    node = get_object_or_404(chain.nodes, pk=node_pk)
    zones = selectors.chain_zone_ids(chain, request.user)
    form = ProjectLinkForm(request.POST, user=request.user, zone_ids=zones)
    if form.is_valid():
        with transaction.atomic():
            tag_project(
                project=form.cleaned_data["project"], node=node, kind=form.cleaned_data["kind"], user=request.user
            )
        messages.success(request, _("已保存。"))
    else:
        messages.error(request, _("请选择项目"))
    return redirect(reverse("chains:chain-detail", args=[chain.pk]) + f"#link-{node.pk}")


@login_required
def target_edit(request, pk: int, node_pk: int, target_pk: int | None = None):
    chain = _chain(request, pk)
    node = get_object_or_404(chain.nodes, pk=node_pk)
    if target_pk is not None:
        target = get_object_or_404(TargetFirm.objects.restrict(request.user), pk=target_pk, node=node)
    else:
        target = TargetFirm(node=node)
    if not can_edit(request.user):
        raise PermissionDenied(_("您的角色只能查看数据"))
    form = TargetFirmForm(
        request.POST if request.method == "POST" else None, instance=target, user=request.user, chain=chain
    )
    back = reverse("chains:chain-detail", args=[chain.pk]) + f"#link-{node.pk}"
    return edit_page(
        request,
        form=form,
        save=lambda f: save_target(target=f.instance, user=request.user),
        template="chains/target_form.html",
        success_url=lambda saved: back,
        context={"chain": chain, "node": node, "target": target if target.pk else None, "cancel_url": back},
    )


@login_required
@require_POST
def target_delete(request, pk: int, node_pk: int, target_pk: int):
    chain = _chain(request, pk)
    target = get_object_or_404(TargetFirm.objects.restrict(request.user), pk=target_pk, node__chain=chain)
    with transaction.atomic():
        delete_target(target=target, user=request.user)
    messages.success(request, _("已删除目标企业：%(name)s") % {"name": target.name})
    return redirect(reverse("chains:chain-detail", args=[chain.pk]) + f"#link-{node_pk}")
