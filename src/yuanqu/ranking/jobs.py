"""A zone evaluation run as a job (a province ranks some 150 zones and their peers)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from yuanqu.core.jobs.services import JobFailed, submit
from yuanqu.zones.models import Zone


def runs_as_job() -> bool:
    """Whether a run ranks enough zones to go to a worker (settings.YUANQU_JOB_RANKING_MIN_ZONES)."""
    return Zone.objects.filter(parent=None).count() >= settings.YUANQU_JOB_RANKING_MIN_ZONES


def submit_run(*, method, year: int, user):
    label = _("园区综合评价：%(year)s 年，%(method)s") % {"year": year, "method": method.name}
    return submit(kind="zone-evaluation-run", user=user, label=label, params={"method": method.pk, "year": int(year)})


def run_zone_evaluation_job(job, progress) -> dict:
    from yuanqu.ranking.models import ZoneEvaluationMethod
    from yuanqu.ranking.services import run_zone_evaluation

    progress.set(label=_("计算各园区得分和排名"))
    try:
        method = ZoneEvaluationMethod.objects.get(pk=job.params["method"])
        with transaction.atomic():
            run = run_zone_evaluation(method=method, year=job.params["year"], user=job.user)
    except ZoneEvaluationMethod.DoesNotExist:
        progress.problem("评价方法不存在", "the evaluation method does not exist")
        raise JobFailed() from None
    except ValidationError as error:
        for message in error.messages:
            progress.problem(message, message)
        raise JobFailed() from None
    return {"url": reverse("ranking:run-detail", args=[run.pk]), "label": _("查看园区排名"), "run": run.pk}
