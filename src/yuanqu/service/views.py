"""Pages of enterprise service: requests (list, board counts, detail with the loop and its next step, new),
statistics, "my enterprises", and the visit log with its form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core import params, registry
from yuanqu.core.access import can_edit, can_edit_zone
from yuanqu.core.filtersets import user_zone_choices
from yuanqu.core.services import check_can_edit
from yuanqu.core.views import add_service_errors, edit_page, object_history
from yuanqu.enterprises.models import Enterprise
from yuanqu.service import selectors, services
from yuanqu.service.filtersets import ServiceRequestFilterSet, VisitFilterSet
from yuanqu.service.forms import MeasureForm, OfficialForm, PlanForm, ServiceRequestForm, StepForm, VisitForm
from yuanqu.service.models import EnterpriseOfficial, EnterprisePlan, PlanMeasure, RequestStep, ServiceRequest, Visit

PAGE_SIZE = 50
BOARD_COLUMN = 30
"""Requests shown per column of the board (the column's count is of all)."""


def _filtered(request, filterset_class, queryset):
    filterset = filterset_class(
        request.GET or None, queryset=queryset, request=request, zone_choices=user_zone_choices(request.user)
    )
    if filterset.is_bound and not filterset.is_valid():
        return filterset, queryset.none(), 400
    return filterset, (filterset.qs if filterset.is_bound else queryset), 200


@login_required
def request_list(request):
    base = ServiceRequest.objects.restrict(request.user).select_related("enterprise", "category")
    filterset, requests, status = _filtered(request, ServiceRequestFilterSet, base)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.request_rows(page.object_list)
    context = {
        "form": filterset.form,
        "page": page,
        "board": [
            (state, label, count)
            for (state, label), count in zip(
                ServiceRequest.State.choices, selectors.state_counts(base).values(), strict=True
            )
        ],
        "late_open": base.filter(selectors.open_q(), due_on__lt=timezone.localdate()).count(),
        "can_add": can_edit(request.user),
    }
    return render(request, "service/request_list.html", context, status=status)


@login_required
def request_board(request):
    """The open and recent requests as columns by state, the most urgent first in each."""
    base = ServiceRequest.objects.restrict(request.user).select_related("enterprise", "category")
    filterset, requests, status = _filtered(request, ServiceRequestFilterSet, base)
    counts = selectors.state_counts(requests)
    columns = []
    for state, label in ServiceRequest.State.choices:
        shown = requests.filter(state=state).order_by("due_on", "pk")[:BOARD_COLUMN]
        columns.append({"state": state, "label": label, "count": counts[state], "rows": selectors.request_rows(shown)})
    context = {"form": filterset.form, "columns": columns, "limit": BOARD_COLUMN}
    return render(request, "service/request_board.html", context, status=status)


@login_required
def request_detail(request, pk: int):
    service_request = get_object_or_404(
        ServiceRequest.objects.restrict(request.user).select_related("enterprise", "category", "visit"), pk=pk
    )
    may_edit = can_edit_zone(request.user, service_request.enterprise.zone_id)
    actions = services.allowed_actions(service_request) if may_edit else []
    form = StepForm(request.POST or None, actions=actions) if actions else None
    if request.method == "POST":
        check_can_edit(user=request.user, obj=service_request)
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    services.advance_request(
                        request=service_request,
                        action=data["action"],
                        user=request.user,
                        on=data["on"],
                        note=data["note"],
                        unit=data["unit"],
                        satisfaction=data["satisfaction"],
                        days=data["days"],
                        approver=data["approver"],
                    )
            except ValidationError as exc:
                service_request.refresh_from_db()
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("service:request-detail", pk=pk)
    row = selectors.request_rows([service_request])[0]
    context = {
        "r": service_request,
        "row": row,
        "steps": service_request.steps.select_related("by").order_by("on", "pk"),
        "form": form,
        "history": object_history(request.user, service_request, service_request.steps.all()),
    }
    return render(request, "service/request_detail.html", context, status=400 if form and form.errors else 200)


@login_required
def request_add(request):
    if not can_edit(request.user):
        raise PermissionDenied
    initial = {}
    if (enterprise_id := params.to_id(request.GET.get("enterprise"))) is not None:
        initial["enterprise"] = enterprise_id
    form = ServiceRequestForm(request.POST or None, user=request.user, initial=initial)
    return edit_page(
        request,
        form=form,
        save=lambda f: services.accept_request(request=f.instance, user=request.user),
        template="service/request_form.html",
        success_url=lambda saved: reverse("service:request-detail", args=[saved.pk]),
        context={"cancel_url": reverse("service:request-list")},
    )


@login_required
def statistics(request):
    base = ServiceRequest.objects.restrict(request.user)
    filterset, requests, status = _filtered(request, ServiceRequestFilterSet, base)
    by_category = selectors.statistics(requests, by="category")
    by_unit = selectors.statistics(requests, by="unit")
    by_official = selectors.statistics(requests, by="official")
    context = {
        "form": filterset.form,
        "tables": [(_("按诉求类别"), by_category), (_("按承办单位"), by_unit), (_("按挂钩领导"), by_official)],
        "total": selectors.total(by_category),
        "quotas": selectors.visit_quotas(user=request.user),
        "quarter": selectors.quarter_of(timezone.localdate()),
    }
    return render(request, "service/statistics.html", context, status=status)


@login_required
def my_enterprises(request):
    today = timezone.localdate()
    rows = selectors.my_enterprises(user=request.user, today=today)
    context = {
        "rows": rows,
        "my_requests": selectors.request_rows(
            ServiceRequest.objects.restrict(request.user)
            .filter(enterprise__officials__official=request.user, state__in=ServiceRequest.OPEN_STATES)
            .select_related("enterprise", "category")
            .distinct()
            .order_by("due_on")[:100]
        ),
        "unvisited": selectors.unvisited_key_enterprises(user=request.user, today=today)[:50],
        "quota": next(
            (q for q in selectors.visit_quotas(user=request.user, today=today) if q.official == request.user), None
        ),
        "quarter": selectors.quarter_of(today),
    }
    return render(request, "service/my_enterprises.html", context)


@login_required
def visit_list(request):
    base = Visit.objects.restrict(request.user).select_related("enterprise", "official")
    filterset, visits, status = _filtered(request, VisitFilterSet, base)
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context = {
        "form": filterset.form,
        "page": page,
        "unwritten": base.filter(selectors.unwritten_q(today)).count(),
        "can_add": can_edit(request.user),
    }
    return render(request, "service/visit_list.html", context, status=status)


def _visit_page(request, *, visit: Visit, enterprise: Enterprise | None):
    form = VisitForm(
        request.POST or None,
        instance=visit,
        user=request.user,
        initial={"enterprise": enterprise.pk} if enterprise and not visit.pk else None,
    )
    target = enterprise or (visit.enterprise if visit.pk else None)
    context = {
        "visit": visit,
        "cancel_url": reverse("service:visit-list"),
        "before": selectors.before_visit(enterprise=target, user=request.user, exclude_official=None)
        if target
        else None,
    }
    return edit_page(
        request,
        form=form,
        save=lambda f: services.save_visit(visit=f.instance, user=request.user),
        template="service/visit_form.html",
        success_url=lambda saved: reverse("service:visit-list") + f"?enterprise={saved.enterprise_id}",
        context=context,
    )


@login_required
def visit_add(request):
    enterprise = None
    if (enterprise_id := params.to_id(request.GET.get("enterprise"))) is not None:
        enterprise = get_object_or_404(Enterprise.objects.restrict(request.user), pk=enterprise_id)
    if not can_edit(request.user):
        raise PermissionDenied
    return _visit_page(request, visit=Visit(), enterprise=enterprise)


@login_required
def visit_edit(request, pk: int):
    visit = get_object_or_404(Visit.objects.restrict(request.user).select_related("enterprise"), pk=pk)
    check_can_edit(user=request.user, obj=visit)
    return _visit_page(request, visit=visit, enterprise=visit.enterprise)


# --- an enterprise's linked officials and its plan (一企一策), written from the enterprise's page -------------------


def _enterprise_url(enterprise_id: int) -> str:
    return reverse("enterprises:enterprise-detail", args=[enterprise_id]) + "#service-panel"


def _panel_form(request, *, form, save, title, enterprise):
    """A form of the enterprise's service panel: saved through the service, back to the enterprise's page; an
    invalid form answers 400 with its problems named."""
    return edit_page(
        request,
        form=form,
        save=save,
        template="service/panel_form.html",
        success_url=lambda saved: _enterprise_url(enterprise.pk),
        context={"title": title, "enterprise": enterprise, "cancel_url": _enterprise_url(enterprise.pk)},
        invalid_status=400,
    )


def _editable_enterprise(request, pk: int) -> Enterprise:
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user), pk=pk)
    check_can_edit(user=request.user, obj=enterprise)
    return enterprise


def _deleted(request, obj, delete, enterprise_id: int):
    with transaction.atomic():
        delete(obj, user=request.user)
    messages.success(request, _("已删除。"))
    return redirect(_enterprise_url(enterprise_id))


@login_required
def official_add(request, pk: int):
    enterprise = _editable_enterprise(request, pk)
    link = EnterpriseOfficial()
    form = OfficialForm(request.POST or None, user=request.user, enterprise=enterprise, instance=link)
    return _panel_form(
        request,
        form=form,
        save=lambda f: services.link_official(link=f.instance, user=request.user),
        title=_("添加挂钩人员"),
        enterprise=enterprise,
    )


@login_required
@require_POST
def official_delete(request, pk: int):
    link = get_object_or_404(EnterpriseOfficial.objects.restrict(request.user), pk=pk)
    return _deleted(request, link, lambda obj, user: services.unlink_official(link=obj, user=user), link.enterprise_id)


@login_required
def plan_add(request, pk: int):
    enterprise = _editable_enterprise(request, pk)
    form = PlanForm(request.POST or None, enterprise=enterprise, instance=EnterprisePlan())
    return _panel_form(
        request,
        form=form,
        save=lambda f: services.save_plan(plan=f.instance, user=request.user),
        title=_("新建一企一策"),
        enterprise=enterprise,
    )


def _plan(request, pk: int) -> EnterprisePlan:
    plan = get_object_or_404(EnterprisePlan.objects.restrict(request.user).select_related("enterprise"), pk=pk)
    check_can_edit(user=request.user, obj=plan)
    return plan


@login_required
def plan_edit(request, pk: int):
    plan = _plan(request, pk)
    form = PlanForm(request.POST if request.method == "POST" else None, enterprise=plan.enterprise, instance=plan)
    return _panel_form(
        request,
        form=form,
        save=lambda f: services.save_plan(plan=f.instance, user=request.user),
        title=_("编辑一企一策"),
        enterprise=plan.enterprise,
    )


@login_required
@require_POST
def plan_delete(request, pk: int):
    plan = _plan(request, pk)
    return _deleted(request, plan, lambda obj, user: services.delete_plan(plan=obj, user=user), plan.enterprise_id)


@login_required
def measure_add(request, pk: int):
    plan = _plan(request, pk)
    form = MeasureForm(request.POST or None, plan=plan, instance=PlanMeasure())
    return _panel_form(
        request,
        form=form,
        save=lambda f: services.save_measure(measure=f.instance, user=request.user),
        title=_("添加措施"),
        enterprise=plan.enterprise,
    )


def _measure(request, pk: int) -> PlanMeasure:
    measures = PlanMeasure.objects.restrict(request.user).select_related("plan__enterprise")
    measure = get_object_or_404(measures, pk=pk)
    check_can_edit(user=request.user, obj=measure)
    return measure


@login_required
def measure_edit(request, pk: int):
    measure = _measure(request, pk)
    form = MeasureForm(request.POST if request.method == "POST" else None, plan=measure.plan, instance=measure)
    return _panel_form(
        request,
        form=form,
        save=lambda f: services.save_measure(measure=f.instance, user=request.user),
        title=_("编辑措施"),
        enterprise=measure.plan.enterprise,
    )


@login_required
@require_POST
def measure_delete(request, pk: int):
    measure = _measure(request, pk)
    enterprise_id = measure.plan.enterprise_id
    return _deleted(request, measure, lambda obj, user: services.delete_measure(measure=obj, user=user), enterprise_id)


# --- like requests of several firms of one chain, sent to its owner together ----------------------------------------


@login_required
def request_groups(request):
    """Open requests of one category raised by several firms of one chain (or another app's group of firms), each
    group with its owner, and the form that dispatches the group's new requests to the owner at once."""
    groups = selectors.request_groups(user=request.user)
    context = {"groups": groups, "can_edit": can_edit(request.user), "grouped": bool(registry.enterprise_groupings)}
    return render(request, "service/request_groups.html", context)


@login_required
@require_POST
def request_groups_dispatch(request):
    """Dispatch the chosen requests (those of a group not yet dispatched) to one unit, all or none."""
    ids = [pk for pk in (params.to_id(v) for v in request.POST.getlist("request")) if pk is not None]
    unit = request.POST.get("unit", "").strip()[:100]
    note = request.POST.get("note", "").strip()[:500]
    chosen = list(ServiceRequest.objects.restrict(request.user).filter(pk__in=ids).select_related("enterprise"))
    if not ids or len(chosen) != len(set(ids)):
        messages.error(request, _("所选诉求无效。"))
        return redirect("service:request-groups")
    try:
        with transaction.atomic():
            for item in chosen:
                services.advance_request(
                    request=item, action=RequestStep.Action.DISPATCH, user=request.user, unit=unit, note=note
                )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("已将 %(n)d 件诉求派给 %(unit)s。") % {"n": len(chosen), "unit": unit})
    return redirect("service:request-groups")
