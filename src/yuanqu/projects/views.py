"""Pages of the projects app: the list with its stage filter, the pipeline board, and a project's page."""

from __future__ import annotations

import io
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core import params, registry
from yuanqu.core.access import (
    can_edit,
    can_edit_zone,
    can_see_zone,
    editable_zone_ids,
    visible_zone_ids,
    zone_descendants,
)
from yuanqu.core.filtersets import user_zone_choices
from yuanqu.core.services import check_can_edit
from yuanqu.core.views import add_service_errors, edit_page
from yuanqu.enterprises.models import Enterprise
from yuanqu.land.models import Parcel
from yuanqu.projects import alerts as alerts_module
from yuanqu.projects import screening, selectors, statistics
from yuanqu.projects.alerts import counts_by_kind
from yuanqu.projects.alerts import project_alerts as project_alerts_of
from yuanqu.projects.filtersets import ProjectFilterSet
from yuanqu.projects.forms import (
    AdvanceStageForm,
    AgreementForm,
    AlertFilterForm,
    AlertResponseForm,
    CorrectDateForm,
    DeleteForm,
    ProjectForm,
    StatisticsForm,
)
from yuanqu.projects.models import Agreement, Project, Stage, StageEvent
from yuanqu.projects.reports import XLSX, write_monthly_report
from yuanqu.projects.services import (
    admission_rules,
    advance_stage,
    correct_event_date,
    delete_project,
    latest_admission_check,
    reopen_alert,
    respond_to_alert,
    run_admission_check,
    save_agreement,
    save_project,
    size_class,
)

PAGE_SIZE = 50


@login_required
def project_list(request):
    filterset = ProjectFilterSet(
        request.GET,
        queryset=Project.objects.restrict(request.user),
        request=request,
        zone_choices=user_zone_choices(request.user),
    )
    status = 200
    if filterset.is_valid():
        projects = filterset.qs.select_related("zone")
    else:
        projects, status = Project.objects.none(), 400  # a made-up stage or zone: say so, show nothing
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    for project in page.object_list:
        project.size_class = size_class(project.total_investment)
    context = {"form": filterset.form, "page": page, "can_create": can_edit(request.user)}
    return render(request, "projects/project_list.html", context, status=status)


@login_required
def project_board(request):
    return render(request, "projects/project_board.html", {"columns": selectors.pipeline(user=request.user)})


def _detail(request, project: Project, form: AdvanceStageForm, status: int = 200):
    context = {
        "project": project,
        "size_class": size_class(project.total_investment),
        "timeline": selectors.timeline(project),
        "deadlines": selectors.project_deadlines(project),
        "agreement": getattr(project, "agreement", None),
        "compliance": selectors.project_compliance(project),
        "admission": latest_admission_check(project),
        "admission_unconfigured": admission_rules().empty,
        "can_edit": can_edit_zone(request.user, project.zone_id),
        "form": form,
    }
    # A parcel or enterprise linked from a zone the user may not see is not shown.
    for name in ("parcel", "enterprise"):
        related = getattr(project, name)
        context[f"linked_{name}"] = related if related and can_see_zone(request.user, related.zone_id) else None
    if project.stage != Stage.LEAD:
        form.fields.pop("not_duplicate", None)  # only a lead is checked for duplicates
    else:
        context["screening_gaps"] = screening.screening_gaps(project)
        context["screening_errors"] = screening.screening_errors(project)
        context["duplicates"] = screening.find_duplicates(project=project, user=request.user)
    return render(request, "projects/project_detail.html", context, status=status)


def _project(request, pk: int) -> Project:
    return get_object_or_404(
        Project.objects.restrict(request.user).select_related("zone", "parcel", "enterprise"), pk=pk
    )


@login_required
def project_detail(request, pk: int):
    project = _project(request, pk)
    return _detail(request, project, AdvanceStageForm(current=project.stage))


@login_required
@require_POST
def project_advance(request, pk: int):
    project = _project(request, pk)
    check_can_edit(user=request.user, obj=project)
    form = AdvanceStageForm(request.POST, current=project.stage)
    if form.is_valid():
        try:
            advance_stage(project=project, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _("已记录：%(stage)s（%(on)s）")
                % {"stage": Stage(form.cleaned_data["to_stage"]).label, "on": form.cleaned_data["on"]},
            )
            return redirect("projects:project-detail", pk=project.pk)
    project.refresh_from_db()
    return _detail(request, project, form, status=400)


@login_required
def event_correct(request, pk: int):
    """Correct the date of a recorded stage change, with the reason (the timeline keeps its order)."""
    events = StageEvent.objects.select_related("project__zone").filter(
        project__in=Project.objects.restrict(request.user)
    )
    event = get_object_or_404(events, pk=pk)
    project = event.project
    check_can_edit(user=request.user, obj=project)
    form = CorrectDateForm(request.POST or None, initial={"on": event.on})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                correct_event_date(event=event, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已更正日期：%(on)s") % {"on": form.cleaned_data["on"]})
            return redirect("projects:project-detail", pk=project.pk)
    context = {"form": form, "event": event, "project": project}
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/event_correct.html", context, status=status)


ALERT_PAGE_SIZE = 50


def _alert_list(request) -> tuple[AlertFilterForm, dict | None]:
    """The alert list's form and, when it is valid, what the page (and its export) shows."""
    form = AlertFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    today = timezone.localdate()
    zone = data["zone"]
    every = alerts_module.attach_responses(
        project_alerts_of(user=request.user, zone_ids=[zone.pk] if zone else None), today=today
    )
    state = data["state"] or alerts_module.OPEN
    states = Counter(alerts_module.state_of(a, today) for a in every)
    in_state = alerts_module.filter_alerts(every, today=today, state=state)
    leader, agent, min_days, kind = data["leader"] or None, data["agent"] or None, data["min_days"], data["kind"]

    def narrowed(**skip):
        return alerts_module.filter_alerts(
            in_state,
            today=today,
            state=alerts_module.ALL,
            kind="" if "kind" in skip else kind,
            leader=None if "owner" in skip else leader,
            agent=None if "owner" in skip else agent,
            min_days=min_days,
        )

    chosen = alerts_module.sort_alerts(narrowed(), data["sort"] or "kind")
    owners = narrowed(owner=True)
    return form, {
        "today": today,
        "state": state,
        "states": [
            {"key": key, "label": label, "count": len(every) if key == alerts_module.ALL else states[key]}
            for key, label in alerts_module.STATES.items()
        ],
        "counts": counts_by_kind(narrowed(kind=True)),
        "leaders": alerts_module.counts_by_owner(owners, "leader")[:12],
        "agents": alerts_module.counts_by_owner(owners, "agent")[:12],
        "alerts": chosen,
    }


@login_required
def project_alerts(request):
    """The alert list as a to-do list: open alerts by default, with their state, kind, zone, owners and how late;
    filters, sorting, pages, counts by kind and owner, and an acknowledge / snooze per alert."""
    form, listed = _alert_list(request)
    if listed is None:  # a made-up kind or another zone: say so, show nothing
        context = {"form": form, "page": Paginator([], ALERT_PAGE_SIZE).get_page(1), "counts": []}
        return render(request, "projects/project_alerts.html", context, status=400)
    page = Paginator(listed.pop("alerts"), ALERT_PAGE_SIZE).get_page(request.GET.get("page"))
    listed["others"] = _other_alerts(request, form.cleaned_data["zone"], listed["today"])
    editable = editable_zone_ids(request.user)
    for alert in page.object_list:
        alert.can_respond = editable is None or alert.project.zone_id in editable
        alert.state = alerts_module.state_of(alert, listed["today"])
    context = {"form": form, "page": page, "next": request.get_full_path(), **listed}
    return render(request, "projects/project_alerts.html", context)


OTHER_ALERTS_SHOWN = 20


def _other_alerts(request, zone, today) -> list[dict]:
    """What else is late beside the projects (the other apps' registry.alert_sources): the supervised tasks, the
    enterprise requests, in the zone chosen or every zone the user sees; the most overdue first."""
    zone_ids = sorted(zone_descendants([zone.pk])) if zone is not None else None
    others = []
    for source in registry.alert_sources:
        items = registry.resolve(source.items)(user=request.user, zone_ids=zone_ids, today=today)
        others.append(
            {
                "key": source.key,
                "label": source.label,
                "items": items[:OTHER_ALERTS_SHOWN],
                "count": len(items),
                "url": reverse(source.url) if source.url else "",
            }
        )
    return others


@login_required
def project_alerts_export(request):
    """The alerts the list shows (every page, same filters and order) as an xlsx workbook."""
    form, listed = _alert_list(request)
    if listed is None:
        context = {"form": form, "page": Paginator([], ALERT_PAGE_SIZE).get_page(1), "counts": []}
        return render(request, "projects/project_alerts.html", context, status=400)
    buffer = io.BytesIO()
    english = (translation.get_language() or "").startswith("en")
    alerts_module.write_alerts(buffer, listed["alerts"], today=listed["today"], english=english)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="project-alerts-{listed["today"]}.xlsx"'
    return response


@login_required
@require_POST
def project_alert_respond(request):
    """Acknowledge, snooze or reopen one alert, then go back to the list as it was."""
    form = AlertResponseForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("请求无效"))
    data = form.cleaned_data
    project = _project(request, data["project"])
    check_can_edit(user=request.user, obj=project)
    back = data["next"] if url_has_allowed_host_and_scheme(data["next"], allowed_hosts={request.get_host()}) else ""
    back = back or reverse("projects:project-alerts")
    if data["action"] == "reopen":
        with transaction.atomic():
            reopen_alert(project=project, key=data["key"], user=request.user)
        messages.success(request, _("已重新打开：%(name)s") % {"name": project.name})
        return redirect(back)
    current = {
        a.key: a for a in project_alerts_of(user=request.user, zone_ids=[project.zone_id]) if a.project == project
    }
    alert = current.get(data["key"])
    if alert is None:
        messages.error(request, _("该提醒已不存在（可能已处理）：%(name)s") % {"name": project.name})
        return redirect(back)
    try:
        with transaction.atomic():
            respond_to_alert(
                project=project,
                key=alert.key,
                kind=alert.kind,
                action=data["action"],
                user=request.user,
                until=data["until"],
                reason=data["reason"],
            )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, f"{project.name}：{message}")
        return redirect(back)
    if data["action"] == "snoozed":
        messages.success(request, _("已暂缓至 %(until)s：%(name)s") % {"until": data["until"], "name": project.name})
    else:
        messages.success(request, _("已知悉：%(name)s") % {"name": project.name})
    return redirect(back)


def _statistics(request) -> tuple[StatisticsForm, dict | None]:
    """The statistics form and, when it is valid and the user sees a zone, the month's figures. Without a year
    and month, the latest month with a stage change is shown."""
    form = StatisticsForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    today = timezone.localdate()
    zone = form.cleaned_data["zone"] or form.fields["zone"].queryset.filter(parent__isnull=True).first()
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    if year is None and month is None:
        year, month = statistics.latest_month_with_data(user=request.user, today=today) or (today.year, today.month)
    year = year or today.year
    month = month or (today.month if year == today.year else 12)
    if zone is None:
        return form, {"zone": None}
    # The form shows the zone, year and month the figures are for, also when they were left to the defaults.
    form = StatisticsForm({"zone": zone.pk, "year": year, "month": month}, user=request.user)
    return form, statistics.monthly_statistics(user=request.user, zone=zone, year=year, month=month, today=today)


@login_required
def project_statistics(request):
    """A zone's monthly statistics: new signed/started/completed by size class, the year so far, targets."""
    form, report = _statistics(request)
    if report is None:
        return render(request, "projects/project_statistics.html", {"form": form, "zone": None}, status=400)
    comparison = None
    if report["zone"] is not None:
        visible = list(form.fields["zone"].queryset)
        ids = {z.pk for z in visible}
        top = [z for z in visible if z.parent_id not in ids]  # each zone with its sub-parks, once
        comparison = statistics.zone_comparison(
            user=request.user, zones=top, year=report["year"], month=report["month"]
        )
        comparison["city"] = visible_zone_ids(request.user) is None
    return render(request, "projects/project_statistics.html", {"form": form, "comparison": comparison, **report})


@login_required
def project_statistics_export(request):
    """The monthly statistics of the page's zone, year and month as an xlsx workbook."""
    form, report = _statistics(request)
    if report is None or report["zone"] is None:
        return render(request, "projects/project_statistics.html", {"form": form, "zone": None}, status=400)
    buffer = io.BytesIO()
    write_monthly_report(buffer, report)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    filename = f"project-statistics-{report['zone'].code or report['zone'].pk}-{report['year']}-{report['month']:02d}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


@login_required
@require_POST
def project_admission(request, pk: int):
    """Run the admission check on the project and show its page with the report."""
    project = _project(request, pk)
    if admission_rules().empty:
        messages.error(request, _("未配置准入规则，无法检查；请市级管理员先设置准入规则"))
        return redirect("projects:project-detail", pk=project.pk)
    check = run_admission_check(project=project, user=request.user)
    if check.passed:
        messages.success(request, _("准入检查已完成：通过"))
    else:
        messages.warning(request, _("准入检查已完成：未通过"))
    return redirect("projects:project-detail", pk=project.pk)


@login_required
def project_create(request):
    """A new project (a lead); possible duplicates are shown and must be acknowledged before it is saved."""
    if not can_edit(request.user):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, user=request.user, instance=Project())
    duplicates = []
    if request.method == "POST" and form.is_valid():
        duplicates = screening.find_duplicates(project=form.instance, user=request.user)
        if not duplicates or request.POST.get("save_anyway"):
            try:
                with transaction.atomic():
                    project = save_project(
                        project=form.instance,
                        user=request.user,
                        industry_code=form.cleaned_data["industry_code"],
                        on=form.cleaned_data["lead_on"],
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已新建项目：%(name)s") % {"name": project.name})
                if warning := parcel_warning(project, request.user):
                    messages.warning(request, warning)
                return redirect("projects:project-detail", pk=project.pk)
    context = {
        "form": form,
        "title": _("新建项目"),
        "cancel_url": reverse("projects:project-list"),
        "duplicates": duplicates,
    }
    return render(request, "projects/project_form.html", context, status=400 if request.method == "POST" else 200)


@login_required
def project_edit(request, pk: int):
    project = _project(request, pk)
    check_can_edit(user=request.user, obj=project)
    form = ProjectForm(request.POST if request.method == "POST" else None, user=request.user, instance=project)
    return edit_page(
        request,
        form=form,
        save=lambda f: save_project(
            project=f.instance, user=request.user, industry_code=f.cleaned_data["industry_code"]
        ),
        template="projects/project_form.html",
        success_url=lambda saved: _warn_shared_parcel(request, saved),
        context={
            "title": _("编辑项目"),
            "project": project,
            "cancel_url": reverse("projects:project-detail", args=[pk]),
        },
    )


def _warn_shared_parcel(request, project: Project) -> str:
    """After saving: a warning when others use the project's parcel too; the project's page is next."""
    if warning := parcel_warning(project, request.user):
        messages.warning(request, warning)
    return reverse("projects:project-detail", args=[project.pk])


@login_required
def project_agreement(request, pk: int):
    """Create or edit the project's agreement."""
    project = _project(request, pk)
    check_can_edit(user=request.user, obj=project)
    agreement = Agreement.objects.filter(project=project).first() or Agreement(project=project)
    form = AgreementForm(request.POST if request.method == "POST" else None, instance=agreement)
    return edit_page(
        request,
        form=form,
        save=lambda f: save_agreement(agreement=f.instance, user=request.user),
        template="projects/agreement_form.html",
        success_url=lambda saved: reverse("projects:project-detail", args=[project.pk]),
        context={"project": project, "cancel_url": reverse("projects:project-detail", args=[pk])},
    )


@login_required
def project_delete(request, pk: int):
    """Ask for confirmation, then delete the project with its timeline, agreement and checks."""
    project = _project(request, pk)
    check_can_edit(user=request.user, obj=project)
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name = project.name
        with transaction.atomic():
            delete_project(project=project, user=request.user)
        messages.success(request, _("已删除项目：%(name)s") % {"name": name})
        return redirect("projects:project-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/project_delete.html", {"project": project, "form": form}, status=status)


PICK_LIMIT = 20


def _parcel_uses(parcel_ids, *, user, project_id) -> dict[int, list[str]]:
    """Who else uses each parcel: the other projects on it and the enterprises using it, among what the user sees."""
    from yuanqu.land.models import EnterpriseLand

    uses: dict[int, list[str]] = {}
    others = Project.objects.restrict(user).filter(parcel_id__in=parcel_ids)
    if project_id:
        others = others.exclude(pk=project_id)
    for parcel_id, name in others.values_list("parcel_id", "name"):
        uses.setdefault(parcel_id, []).append(_("项目“%(name)s”") % {"name": name})
    for parcel_id, name in (
        EnterpriseLand.objects.restrict(user)
        .filter(parcel_id__in=parcel_ids)
        .values_list("parcel_id", "enterprise__name")
        .distinct()
    ):
        uses.setdefault(parcel_id, []).append(_("企业“%(name)s”") % {"name": name})
    return uses


def _project_id(request) -> int | None:
    return params.to_id(request.GET.get("project"))


@login_required
def pick_parcels(request):
    """Parcels the user may link whose code contains what was typed, with who else uses each (a warning)."""
    from yuanqu.projects.forms import parcel_label

    q = request.GET.get("q", "").strip()[:50]
    parcels = Parcel.objects.restrict(request.user, action="change").select_related("zone").order_by("code")
    if q:
        parcels = parcels.filter(code__icontains=q)
    found = list(parcels[:PICK_LIMIT])
    uses = _parcel_uses([p.pk for p in found], user=request.user, project_id=_project_id(request))
    results = []
    for parcel in found:
        used = uses.get(parcel.pk, [])
        warning = _("该地块已被%(who)s使用") % {"who": "、".join(used)} if used else ""
        results.append({"id": parcel.pk, "label": parcel_label(parcel), "warning": warning})
    return JsonResponse({"results": results})


@login_required
def pick_enterprises(request):
    """Enterprises the user may link whose name or credit code contains what was typed, with their projects."""
    from yuanqu.projects.forms import enterprise_label

    q = request.GET.get("q", "").strip()[:50]
    enterprises = Enterprise.objects.restrict(request.user, action="change").order_by("name")
    if q:
        enterprises = enterprises.filter(Q(name__icontains=q) | Q(uscc__icontains=q))
    found = list(enterprises[:PICK_LIMIT])
    others = Project.objects.restrict(request.user).filter(enterprise_id__in=[e.pk for e in found])
    if (project_id := _project_id(request)) is not None:
        others = others.exclude(pk=project_id)
    projects: dict[int, list[str]] = {}
    for enterprise_id, name in others.values_list("enterprise_id", "name"):
        projects.setdefault(enterprise_id, []).append(name)
    results = []
    for enterprise in found:
        names = projects.get(enterprise.pk, [])
        warning = _("该企业已有项目：%(names)s") % {"names": "、".join(names)} if names else ""
        results.append({"id": enterprise.pk, "label": enterprise_label(enterprise), "warning": warning})
    return JsonResponse({"results": results})


@login_required
def pick_projects(request):
    """Projects the user may change whose name contains what was typed (``zone``: only those of that zone and its
    sub-parks, e.g. a chain's zones)."""
    from yuanqu.projects.forms import project_label

    q = request.GET.get("q", "").strip()[:50]
    projects = Project.objects.restrict(request.user, action="change").select_related("zone").order_by("name")
    zone_ids = [z for z in (params.to_id(v) for v in request.GET.getlist("zone")) if z is not None]
    if zone_ids:
        projects = projects.filter(zone_id__in=zone_descendants(zone_ids))
    if q:
        projects = projects.filter(name__icontains=q)
    results = [{"id": p.pk, "label": project_label(p), "warning": ""} for p in projects[:PICK_LIMIT]]
    return JsonResponse({"results": results})


def parcel_warning(project: Project, user) -> str:
    """The warning shown after saving a project whose parcel others use too ("" when nobody else does)."""
    if project.parcel_id is None:
        return ""
    used = _parcel_uses([project.parcel_id], user=user, project_id=project.pk).get(project.parcel_id, [])
    return _("该地块已被%(who)s使用") % {"who": "、".join(used)} if used else ""
