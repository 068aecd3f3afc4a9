"""The monthly report from the cockpit: asking for it starts a job (the job's page follows its progress and
offers the file), and the file is downloaded by the job's user only (``jobs:job-file``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.views.decorators.http import require_POST

from yuanqu.core.params import choice_param, id_param, month_param, year_param
from yuanqu.dashboard.jobs import FORMATS, submit_report
from yuanqu.zones.models import Zone


@login_required
@require_POST
def monthly_report(request):
    """Start the report of ``year`` January to ``month`` (default: this month) for the user's zones, or for
    ``zone`` among them, as ``format`` docx (default) or xlsx; answers with the job's page. Only a POST starts
    one (the cockpit's buttons post to the address with the period in its query): a GET writes nothing."""
    data = request.GET.copy()
    data.update(request.POST)
    today = timezone.localdate()
    year = year_param(data, default=today.year)
    month = month_param(data, default=today.month)
    file_format = choice_param(data, "format", FORMATS, default="docx")
    zone_id = id_param(data, "zone")
    zone = None
    if zone_id is not None:
        zone = Zone.objects.restrict(request.user).filter(pk=zone_id).first()
        if zone is None:
            raise Http404  # a zone the user may not see is answered like one that does not exist
    language = translation.get_language() or "zh-hans"
    job = submit_report(
        user=request.user, year=year, month=month, zone=zone, file_format=file_format, language=language, today=today
    )
    return redirect("jobs:job-detail", pk=job.pk)
