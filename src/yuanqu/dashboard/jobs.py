"""The monthly report asked for from the cockpit, written by a worker (a city's report draws every section and
chart, which may take a while): the job's result is the file (``yuanqu.core.jobs.files``: kept with the uploads,
downloadable by the job's user only)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from yuanqu.core.cockpit import Period
from yuanqu.core.jobs.files import file_result, job_file
from yuanqu.core.jobs.services import JobFailed, submit
from yuanqu.dashboard.cockpit import scope_for
from yuanqu.dashboard.report import period_label, place_name

KIND = "monthly-report"
FORMATS = ("docx", "xlsx")


def submit_report(*, user, year: int, month: int, zone, file_format: str, language: str, today: dt.date):
    where = place_name(scope_for(user, zone_id=zone.pk if zone is not None else None))
    label = _("月报：%(where)s，%(period)s") % {"where": where, "period": period_label(Period(year, month, today))}
    params = {
        "year": year,
        "month": month,
        "zone": zone.pk if zone is not None else None,
        "format": file_format,
        "language": language,
        "today": today.isoformat(),
    }
    # The job is the user's own (no zone: a zone user who may only view may still ask for a report).
    return submit(kind=KIND, user=user, label=label, params=params)


def run_monthly_report_job(job, progress) -> dict:
    from yuanqu.core.charts import NoCJKFont
    from yuanqu.dashboard import report as monthly
    from yuanqu.zones.models import Zone

    params = job.params
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        zone = None
        if params.get("zone") is not None:
            zone = Zone.objects.restrict(job.user).filter(pk=params["zone"]).first() if job.user else None
            if zone is None:
                progress.problem("没有这个园区", "no such zone")
                raise JobFailed()
        progress.set(label=_("汇总各板块数据"))
        report = monthly.monthly_report(
            user=job.user,
            year=int(params["year"]),
            month=int(params["month"]),
            zone=zone,
            today=dt.date.fromisoformat(params["today"]),
        )
        progress.set(label=_("写入文件"))
        suffix = ".xlsx" if params.get("format") == "xlsx" else ".docx"
        path = job_file(job, suffix)
        try:
            monthly.write(report, path)
        except NoCJKFont as error:
            progress.problem(str(error).split(" / ")[0], str(error).split(" / ")[-1])
            raise JobFailed() from None
        download = f"{report.period.year}-{report.period.month:02d}_{report.place}{suffix}"
        return file_result(job, path, filename=download, label=_("下载月报"))
