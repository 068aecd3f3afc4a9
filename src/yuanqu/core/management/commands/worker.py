"""`yuanqu worker`: run the jobs (yuanqu.core.jobs) from the queue until stopped.

On the database queue (no YUANQU_REDIS_URL) it runs django-tasks-db's worker; on Redis, an RQ worker
(django-tasks-rq). Either way it first recovers what a dead worker left behind and does so again every minute.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from yuanqu.core.lazy import load_now

logger = logging.getLogger("yuanqu.jobs")

RECOVER_EVERY_SECONDS = 60


def uses_redis() -> bool:
    return bool(getattr(settings, "YUANQU_REDIS_URL", ""))


def _recover_now(*, requeue_older_than: int) -> dict:
    from yuanqu.core.jobs.services import recover

    try:
        return recover(requeue_older_than=requeue_older_than)
    finally:
        connection.close()


def _prune_delivered() -> None:
    """The database queue keeps a row per delivered task; the jobs keep what matters, so a day is enough."""
    if uses_redis():
        return
    call_command("prune_db_task_results", queue_name=settings.YUANQU_JOB_QUEUE, min_age_days=1, verbosity=0)


def _recover_rounds(stop: threading.Event) -> None:
    rounds = 0
    while not stop.wait(RECOVER_EVERY_SECONDS):
        rounds += 1
        try:
            _recover_now(requeue_older_than=RECOVER_EVERY_SECONDS)
            if rounds % 60 == 1:  # hourly
                _prune_delivered()
        except Exception:  # the round comes again; the worker goes on
            logger.exception("recovering jobs failed")
        finally:
            connection.close()


class Command(BaseCommand):
    help = "运行后台任务 / run yuanqu's jobs from the queue (database or Redis) until stopped"

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="run the queued jobs, then stop (tests, cron)")
        parser.add_argument("--interval", type=float, default=1.0, help="database queue: seconds between polls")

    def handle(self, *args, burst: bool, interval: float, **options):
        load_now()  # the libraries the command line defers (yuanqu.cli), before any thread may race to load them
        counts = _recover_now(requeue_older_than=0)
        queue = settings.YUANQU_JOB_QUEUE
        where = "Redis" if uses_redis() else "database"
        self.stdout.write(
            f"yuanqu worker: queue {queue!r} on the {where}; recovered {counts['requeued']} job(s), failed "
            f"{counts['failed']} left by a dead worker, {counts['enqueued']} queued job(s) put on the queue"
        )
        self.stdout.flush()
        stop = threading.Event()
        if not burst:
            threading.Thread(target=_recover_rounds, args=(stop,), name="yuanqu-job-recovery", daemon=True).start()
        try:
            if uses_redis():
                rq_options = {"job_class": "django_tasks_rq.Job", "with_scheduler": False}
                if burst:
                    rq_options["burst"] = True
                call_command("rqworker", queue, **rq_options)
            else:
                db_options = {"queue_name": queue, "interval": interval, "startup_delay": False, "reload": False}
                if burst:
                    db_options["batch"] = True
                call_command("db_worker", **db_options)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
