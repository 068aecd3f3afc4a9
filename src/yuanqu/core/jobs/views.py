"""The pages of jobs: the list of the user's zones' jobs, a job's page (its progress polled by htmx), cancel
and retry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from yuanqu.core.jobs import files, services
from yuanqu.core.jobs.models import Job

PAGE_SIZE = 50


def _job(request, pk: int) -> Job:
    return get_object_or_404(Job.objects.restrict(request.user).select_related("user", "zone"), pk=pk)


def _context(request, job: Job) -> dict:
    return {
        "job": job,
        "can_manage": services.can_manage(request.user, job),
        "can_retry": services.can_retry(job),
        "report": (job.result or {}).get("report"),
    }


@login_required
def job_list(request):
    jobs = Job.objects.restrict(request.user).select_related("user", "zone")
    state = request.GET.get("state", "")
    if state in Job.State.values:
        jobs = jobs.filter(state=state)
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/jobs/job_list.html", {"page": page, "states": Job.State.choices, "state": state})


@login_required
def job_detail(request, pk: int):
    return render(request, "core/jobs/job_detail.html", _context(request, _job(request, pk)))


@login_required
def job_status(request, pk: int):
    """The part of the job's page that changes, polled by htmx while the job is not finished."""
    return render(request, "core/jobs/_job_status.html", _context(request, _job(request, pk)))


@login_required
@require_POST
def job_cancel(request, pk: int):
    job = _job(request, pk)
    try:
        services.cancel(job=job, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("jobs:job-detail", pk=job.pk)


@login_required
@require_POST
def job_retry(request, pk: int):
    job = _job(request, pk)
    try:
        services.retry(job=job, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("jobs:job-detail", pk=job.pk)


@login_required
def job_file(request, pk: int):
    """The file a finished job wrote (a report, a coverage table), for the job's own user: a file written for one
    user's zones is never handed to another, even one who may see the job."""
    job = get_object_or_404(Job, pk=pk, user=request.user, state=Job.State.SUCCEEDED)
    path = files.stored_file(job)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result.get("filename") or path.name)
