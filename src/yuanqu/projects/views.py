"""Pages of the projects app: the list with its stage filter, the pipeline board, and a project's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yuanqu.core.access import can_edit_zone
from yuanqu.core.services import check_can_edit
from yuanqu.projects import selectors, statistics
from yuanqu.projects.forms import AdvanceStageForm, ProjectFilterForm, StatisticsForm
from yuanqu.projects.models import Project
from yuanqu.projects.services import advance_stage, latest_admission_check, run_admission_check, size_class

PAGE_SIZE = 50


@login_required
def project_list(request):
    form = ProjectFilterForm(request.GET)
    status = 200
    if form.is_valid():
        projects = selectors.project_list(user=request.user, **form.cleaned_data)
    else:
        projects, status = Project.objects.none(), 400  # a made-up stage: say so, show nothing
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    for project in page.object_list:
        project.size_class = size_class(project.total_investment)
    return render(request, "projects/project_list.html", {"form": form, "page": page}, status=status)


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
    """Overdue deadlines of the user's projects, each with its leader and agent and how late it is."""
    return render(request, "projects/project_alerts.html", {"alerts": selectors.project_alerts(user=request.user)})


@login_required
def project_statistics(request):
    """A zone's monthly statistics: new signed/started/completed by size class, the year so far, targets."""
    form = StatisticsForm(request.GET, user=request.user)
    today = timezone.localdate()
    context = {"form": form, "zone": None}
    if not form.is_valid():
        return render(request, "projects/project_statistics.html", context, status=400)
    zone = form.cleaned_data["zone"] or form.fields["zone"].queryset.filter(parent__isnull=True).first()
    year = form.cleaned_data["year"] or today.year
    month = form.cleaned_data["month"] or (today.month if year == today.year else 12)
    if zone is not None:
        as_of = min(today, statistics.month_end(year, month))
        context.update(
            zone=zone,
            year=year,
            month=month,
            rows=statistics.monthly_table(user=request.user, zone=zone, year=year, month=month),
            targets=statistics.target_progress(user=request.user, zone=zone, year=year, today=as_of),
        )
    return render(request, "projects/project_statistics.html", context)


@login_required
@require_POST
def project_admission(request, pk: int):
    """Run the admission check on the project and show its page with the report."""
    project = _project(request, pk)
    run_admission_check(project=project, user=request.user)
    return redirect("projects:project-detail", pk=project.pk)
