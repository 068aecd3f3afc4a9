"""A per-mu evaluation run as a job (a province's run takes longer than a request may)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from yuanqu.core.jobs.services import JobFailed, submit
from yuanqu.enterprises.models import Enterprise
from yuanqu.zones.models import Zone


def runs_as_job(*, user, zone_ids) -> bool:
    """Whether a run over these zones (None: every zone the user may change) has enough enterprises to go to a
    worker (settings.YUANQU_JOB_EVALUATION_MIN_ENTERPRISES)."""
    enterprises = Enterprise.objects.restrict(user, action="change")
    if zone_ids:
        from yuanqu.core.access import zone_descendants

        enterprises = enterprises.filter(zone__in=zone_descendants(zone_ids))
    return enterprises.count() >= settings.YUANQU_JOB_EVALUATION_MIN_ENTERPRISES


def submit_run(*, method, year: int, user, zone_ids):
    """Queue the run; the job's page follows it."""
    zone = Zone.objects.filter(pk=zone_ids[0]).first() if zone_ids and len(zone_ids) == 1 else None
    label = _("亩均评价：%(year)s 年，%(method)s") % {"year": year, "method": method.name}
    return submit(
        kind="evaluation-run",
        user=user,
        zone=zone,
        label=label,
        params={"method": method.pk, "year": int(year), "zone_ids": list(zone_ids or [])},
    )


def run_evaluation_job(job, progress) -> dict:
    from yuanqu.evaluation.models import EvaluationMethod
    from yuanqu.evaluation.services import run_evaluation

    params = job.params
    progress.set(label=_("读取数据、计算评分并保存"))
    try:
        method = EvaluationMethod.objects.restrict(job.user).get(pk=params["method"])
        run = run_evaluation(method=method, year=params["year"], user=job.user, zone_ids=params["zone_ids"] or None)
    except EvaluationMethod.DoesNotExist:
        progress.problem("评价方法不存在", "the evaluation method does not exist")
        raise JobFailed() from None
    except ValidationError as error:
        for message in error.messages:
            progress.problem(message, message)
        raise JobFailed() from None
    return {"url": reverse("evaluation:run-detail", args=[run.pk]), "label": _("查看评价结果"), "run": run.pk}
