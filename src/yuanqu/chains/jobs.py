"""A chain's coverage workbook asked for from the chain's page, written by a worker: at a province's size the
firm × link sheet runs to hundreds of thousands of rows. The job's result is the file, downloaded by the job's
user only (``yuanqu.core.jobs.files``)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from yuanqu.chains.models import Chain
from yuanqu.core.jobs.files import file_result, job_file
from yuanqu.core.jobs.services import JobFailed, submit
from yuanqu.zones.models import Zone

KIND = "chain-coverage"


def submit_coverage(*, user, chain: Chain, zone=None, year: int | None = None):
    what = " · ".join([chain.name, *([zone.name] if zone is not None else []), *([str(year)] if year else [])])
    label = _("产业链覆盖表：%(chain)s") % {"chain": what}
    params = {
        "chain": chain.pk,
        "zone": zone.pk if zone is not None else None,
        "year": year,
        "language": translation.get_language() or settings.LANGUAGE_CODE,  # the worker's words are the user's
    }
    # The user's own job (no zone): a zone user who may only view may still export what the page shows.
    return submit(kind=KIND, user=user, label=label, params=params)


def run_coverage_job(job, progress) -> dict:
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        return _coverage(job, progress)


def _coverage(job, progress) -> dict:
    from yuanqu.chains.reports import write_coverage
    from yuanqu.chains.selectors import chain_coverage

    params = job.params
    user = job.user
    chain = Chain.objects.restrict(user).filter(pk=params.get("chain")).first() if user else None
    if chain is None:
        progress.problem("没有这条产业链", "no such chain")
        raise JobFailed()
    zone_ids = None
    if params.get("zone") is not None:
        zone = Zone.objects.restrict(user).filter(pk=params["zone"]).first()
        if zone is None:
            progress.problem("没有这个园区", "no such zone")
            raise JobFailed()
        zone_ids = [zone.pk]
    progress.set(label=_("计算覆盖"))
    result = chain_coverage(chain, user=user, zone_ids=zone_ids, year=params.get("year"))
    progress.set(label=_("写入文件"))
    path = job_file(job, ".xlsx")
    links = write_coverage(path, result)
    year = f"-{result.year}" if result.year else ""
    return {
        **file_result(job, path, filename=f"{chain.name}{year}-覆盖.xlsx", label=_("下载覆盖表")),
        "links": links,
        "gaps": len(result.gaps),
        "weak": len(result.weak),
    }
