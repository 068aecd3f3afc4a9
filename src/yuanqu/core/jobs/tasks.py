"""The one task the queue carries: "run job N". The stored job, not the queue, says what to do."""

from __future__ import annotations

import time

from django.conf import settings

from yuanqu.core.jobs import services

try:  # Django 6 has the task interface built in; Django 5.2 takes it from the backport
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task


@task(queue_name=settings.YUANQU_JOB_QUEUE)
def run_job(job_id: int) -> str:
    """Run the job; while another job of its serial key runs, wait a moment and queue it again behind the rest."""
    outcome = services.execute(job_id)
    if outcome == services.BLOCKED:
        time.sleep(services.BLOCKED_WAIT_SECONDS)
        services.enqueue(job_id)
    return outcome
