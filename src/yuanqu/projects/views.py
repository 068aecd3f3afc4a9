"""Pages of the projects app: the list with its stage filter, the pipeline board, and a project's page."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core.access import can_edit, can_edit_zone, can_see_zone
from yuanqu.core.filtersets import user_zone_choices
from yuanqu.core.services import check_can_edit
from yuanqu.core.views import add_service_errors, edit_page
from yuanqu.projects import screening, selectors, statistics
from yuanqu.projects.alerts import counts_by_kind
from yuanqu.projects.alerts import project_alerts as project_alerts_of
from yuanqu.projects.filtersets import ProjectFilterSet
from yuanqu.projects.forms import (
    AdvanceStageForm,
    AgreementForm,
    AlertFilterForm,
    DeleteForm,
    ProjectForm,
    StatisticsForm,
)
from yuanqu.projects.models import Agreement, Project, Stage
from yuanqu.projects.reports import XLSX, write_monthly_report
from yuanqu.projects.services import (
    advance_stage,
    delete_project,
    latest_admission_check,
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
    return _detail(request, _project(request, pk), AdvanceStageForm())


@login_required
@require_POST
def project_advance(request, pk: int):
    project = _project(request, pk)
    check_can_edit(user=request.user, obj=project)
    form = AdvanceStageForm(request.POST)
    if form.is_valid():
        try:
            advance_stage(project=project, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("projects:project-detail", pk=project.pk)
    project.refresh_from_db()
    return _detail(request, project, form, status=400)


@login_required
def project_alerts(request):
    """What to chase in the user's projects, each with its rule, leader, agent and how late; by kind and zone."""
    form = AlertFilterForm(request.GET, user=request.user)
    if not form.is_valid():  # a made-up kind or another zone: say so, show nothing
        return render(request, "projects/project_alerts.html", {"form": form, "alerts": [], "counts": []}, status=400)
    zone = form.cleaned_data["zone"]
    alerts = project_alerts_of(user=request.user, zone_ids=[zone.pk] if zone else None)
    kind = form.cleaned_data["kind"]
    context = {
        "form": form,
        "counts": counts_by_kind(alerts),
        "alerts": [a for a in alerts if a.kind == kind] if kind else alerts,
    }
    return render(request, "projects/project_alerts.html", context)


def _statistics(request) -> tuple[StatisticsForm, dict | None]:
    """The statistics form and, when it is valid and the user sees a zone, the month's figures."""
    form = StatisticsForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    today = timezone.localdate()
    zone = form.cleaned_data["zone"] or form.fields["zone"].queryset.filter(parent__isnull=True).first()
    year = form.cleaned_data["year"] or today.year
    month = form.cleaned_data["month"] or (today.month if year == today.year else 12)
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
    return render(request, "projects/project_statistics.html", {"form": form, **report})


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
    run_admission_check(project=project, user=request.user)
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
                messages.success(request, _("已保存。"))
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
        success_url=lambda saved: reverse("projects:project-detail", args=[saved.pk]),
        context={
            "title": _("编辑项目"),
            "project": project,
            "cancel_url": reverse("projects:project-detail", args=[pk]),
        },
    )


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
