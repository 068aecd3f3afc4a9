"""Submitting, running, cancelling, retrying and recovering jobs. Every change of a job's state is change-logged
with the job's user (source "job" for what the worker does)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core import registry
from yuanqu.core.access import can_edit_zone, can_see_zone, editable_zone_ids, is_city_admin
from yuanqu.core.changelog import acting, make_entry, snapshot
from yuanqu.core.jobs.models import Job

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
"""How often a running job writes its progress and heartbeat, and reads whether it was cancelled."""
BLOCKED_WAIT_SECONDS = 1.0
"""How long a worker waits before putting back a job whose serial key another job holds."""
MAX_AUTOMATIC_ATTEMPTS = 3
"""A retry-safe job a dead worker left behind runs again until it has been tried this often."""
MAX_PROBLEMS = 500

CLAIMED, BLOCKED, SKIPPED = "claimed", "blocked", "skipped"


class JobCancelled(Exception):
    """Raised inside a job's work when its user cancelled it."""


class JobFailed(Exception):
    """Raised by a job's work that ended without doing what was asked (a file with problems): the job fails, and
    keeps ``result`` (the report) and the problems it logged."""

    def __init__(self, result: dict | None = None) -> None:
        super().__init__("job failed")
        self.result = result or {}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _log(job: Job, before: dict | None, *, action: str = "update") -> None:
    make_entry(instance=job, action=action, before=before, after=snapshot(job)).save()


def home_zone(user):
    """The one zone a zone user is bound to (its jobs are that zone's), or None: city-wide, or several zones."""
    if user is None or editable_zone_ids(user) is None:
        return None
    bound = getattr(user, "zones", None)
    if bound is None:
        return None
    zones = list(bound.all()[:2])
    return zones[0] if len(zones) == 1 else None


# --- submitting ----------------------------------------------------------------------------------------------


def serial_key(kind: str, zone_id: int | None, subkind: str = "") -> str:
    """Jobs of one kind (and ``subkind``: the kind of data an import brings) and zone share a key and run one after
    the other (``*``: city-wide)."""
    spec = registry.job_kinds[kind]
    name = f"{kind}/{subkind}" if subkind else kind
    return f"{name}:{zone_id or '*'}" if spec.serial else ""


def submit(
    *,
    kind: str,
    user,
    zone=None,
    params: dict | None = None,
    label: str = "",
    total: int | None = None,
    subkind: str = "",
) -> Job:
    """Store a queued job and hand its id to the queue once the caller's transaction commits."""
    if kind not in registry.job_kinds:
        raise ValidationError(_("未知的任务类型：%(kind)s") % {"kind": kind})
    if user is not None and zone is not None and not can_edit_zone(user, zone.pk):
        raise PermissionDenied
    spec = registry.job_kinds[kind]
    job = Job.objects.create(
        kind=kind,
        label=str(label or spec.label)[:200],
        user=user,
        zone=zone,
        params=params or {},
        serial_key=serial_key(kind, zone.pk if zone is not None else None, subkind),
        total=total,
    )
    _log(job, None, action="create")
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> bool:
    """Put a job's id on the queue; False (logged) when the queue cannot be reached: the job stays queued and a
    worker starting (or its recovery round) puts it on again."""
    try:
        from yuanqu.core.jobs.tasks import run_job

        run_job.enqueue(job_id)
    except Exception:
        logger.exception("cannot put job %s on the queue", job_id)
        return False
    return True


# --- what a user may do with a job ---------------------------------------------------------------------------------


def can_manage(user, job: Job) -> bool:
    """The job's own user, or anyone who may change its zone (a city-wide job: a city administrator)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if job.user_id == user.pk or is_city_admin(user):
        return True
    return job.zone_id is not None and can_edit_zone(user, job.zone_id) and can_see_zone(user, job.zone_id)


def cancel(*, job: Job, user) -> Job:
    """Cancel a queued job at once; ask a running one to stop at its next step."""
    if not can_manage(user, job):
        raise PermissionDenied
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        before = snapshot(job)
        if job.state == Job.State.QUEUED:
            job.state = Job.State.CANCELLED
            job.finished = timezone.now()
            job.message = _("已取消")
            job.save(update_fields=["state", "finished", "message"])
        elif job.state == Job.State.RUNNING:
            job.cancel_requested = True
            job.save(update_fields=["cancel_requested"])
        else:
            raise ValidationError(_("任务已结束，无法取消。"))
        _log(job, before)
    return job


def can_retry(job: Job) -> bool:
    return job.state in (Job.State.FAILED, Job.State.CANCELLED) and job.kind in registry.job_kinds


def retry(*, job: Job, user) -> Job:
    """Queue a failed or cancelled job again, with its problems cleared."""
    if not can_manage(user, job):
        raise PermissionDenied
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if not can_retry(job):
            raise ValidationError(_("只有失败或已取消的任务可以重试。"))
        before = snapshot(job)
        _requeue(job, message=_("已重新排队"))
        _log(job, before)
    return job


def _requeue(job: Job, *, message: str) -> None:
    job.state = Job.State.QUEUED
    job.cancel_requested = False
    job.problems = []
    job.done = 0
    job.message = message
    job.started = job.finished = job.heartbeat = None
    job.worker = ""
    job.save()
    transaction.on_commit(lambda: enqueue(job.pk))


# --- running ---------------------------------------------------------------------------------------------------


def _claim(job_id: int, worker: str) -> str:
    now = timezone.now()
    try:
        with transaction.atomic():
            before = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).first()
            if before is None:
                return SKIPPED
            claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
                state=Job.State.RUNNING,
                started=now,
                heartbeat=now,
                worker=worker[:120],
                attempts=F("attempts") + 1,
                message="",
            )
            if not claimed:
                return SKIPPED
            with acting(source="job", user=before.user):
                _log(Job.objects.get(pk=job_id), snapshot(before))
    except IntegrityError:  # another job of its serial key is running
        return BLOCKED
    return CLAIMED


class _Stage:
    def __init__(self, progress: JobProgress, label: str, total: int | None) -> None:
        self.progress = progress
        self.done = 0
        progress.set(label=label, done=0, total=total)

    def __enter__(self) -> _Stage:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        self.done += n
        self.progress.advance(n)


class JobProgress:
    """What a job's work reports through: stages of counted work, problems, and cancellation (raised at the next
    step once the user asks). A thread writes the figures and the heartbeat every HEARTBEAT_SECONDS, so a job
    busy in one long call still shows as alive."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.done = 0
        self.total = job.total
        self.message = ""
        self.problems: list[dict] = list(job.problems or [])
        self.cancelled = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"yuanqu-job-{job.pk}", daemon=True)

    # the work's side
    def stage(self, label: str, total: int | None = None) -> _Stage:
        self.check()
        return _Stage(self, str(label), total)

    def set(self, *, label: str | None = None, done: int | None = None, total: int | None = None) -> None:
        with self._lock:
            if label is not None:
                self.message = str(label)[:300]
            if done is not None:
                self.done = done
            self.total = total if total and total > 0 else None

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n
        self.check()

    def problem(self, zh: str, en: str, *, row=None, column=None, value=None) -> None:
        with self._lock:
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append({"row": row, "column": column, "value": value, "zh": str(zh), "en": str(en)})

    def check(self) -> None:
        if self.cancelled:
            raise JobCancelled

    # the heartbeat
    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def figures(self) -> dict:
        with self._lock:
            return {
                "done": self.done,
                "total": self.total,
                "message": self.message,
                "problems": list(self.problems),
            }

    def _beat(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                self.beat()
        finally:
            connection.close()

    def beat(self) -> None:
        try:
            Job.objects.filter(pk=self.job.pk, state=Job.State.RUNNING).update(
                heartbeat=timezone.now(), **self.figures()
            )
            if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
                self.cancelled = True
        except OperationalError:  # SQLite busy with the job's own writes: the next beat tries again
            pass


def execute(job_id: int, *, worker: str | None = None) -> str:
    """Run one queued job: claim it (SKIPPED when it is not queued any more, BLOCKED while another job of its
    serial key runs), do its kind's work, and store what came of it."""
    outcome = _claim(job_id, worker or worker_name())
    if outcome != CLAIMED:
        return outcome
    job = Job.objects.select_related("user", "zone").get(pk=job_id)
    spec = registry.job_kinds.get(job.kind)
    progress = JobProgress(job)
    progress.start()
    state, result = Job.State.FAILED, {}
    try:
        if spec is None:
            raise LookupError(f"no job kind {job.kind!r} is installed")
        run = registry.resolve(spec.run)
        with acting(source="job", user=job.user):
            result = run(job, progress) or {}
        state = Job.State.SUCCEEDED
    except JobCancelled:
        state = Job.State.CANCELLED
    except JobFailed as failed:
        result = failed.result
    except Exception as exc:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        progress.problem(
            _("任务出错（错误已记入日志）：%(error)s") % {"error": type(exc).__name__},
            f"the job failed (the error was logged): {type(exc).__name__}: {exc}"[:500],
        )
    finally:
        progress.stop()
    _finish(job_id, state=state, result=result, figures=progress.figures())
    return state


def _finish(job_id: int, *, state: str, result: dict, figures: dict) -> None:
    for attempt in range(10):  # SQLite may be busy a moment with another writer
        try:
            with transaction.atomic():
                job = Job.objects.select_for_update().get(pk=job_id)
                before = snapshot(job)
                job.state = state
                job.result = result
                job.finished = timezone.now()
                job.done, job.total, job.problems = figures["done"], figures["total"], figures["problems"]
                job.message = {
                    Job.State.SUCCEEDED: _("已完成"),
                    Job.State.CANCELLED: _("已取消"),
                    Job.State.FAILED: _("失败"),
                }[state]
                job.save()
                with acting(source="job", user=job.user):
                    _log(job, before)
            return
        except OperationalError:
            if attempt == 9:
                raise
            time.sleep(0.5)


# --- recovering after a restart ------------------------------------------------------------------------------------


def alive_here(worker: str) -> bool:
    """Whether the process a job names (``host:pid``) is running on this machine: its job is not dead, only
    silent (a long transaction on SQLite holds back its heartbeat)."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def recover(*, stale_seconds: int | None = None, requeue_older_than: int = 0) -> dict[str, int]:
    """What a worker does on starting and every minute: a running job whose worker went silent (and is not a
    process alive on this machine) is queued again
    when its kind is safe to retry (up to MAX_AUTOMATIC_ATTEMPTS), else failed with a problem saying why; queued
    jobs older than ``requeue_older_than`` seconds are put on the queue again (running a job twice is refused by
    its claim, so a lost queue loses nothing)."""
    stale = stale_seconds if stale_seconds is not None else settings.YUANQU_JOB_STALE_SECONDS
    now = timezone.now()
    counts = {"requeued": 0, "failed": 0, "enqueued": 0}
    dead = Job.objects.filter(state=Job.State.RUNNING, heartbeat__lt=now - timedelta(seconds=stale))
    for job_id in list(dead.values_list("pk", flat=True)):
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=job_id, state=Job.State.RUNNING).first()
            if job is None or alive_here(job.worker):
                continue
            before = snapshot(job)
            spec = registry.job_kinds.get(job.kind)
            with acting(source="job", user=job.user):
                if spec is not None and spec.retry_safe and job.attempts < MAX_AUTOMATIC_ATTEMPTS:
                    _requeue(job, message=_("执行它的进程已停止，已自动重新排队"))
                    counts["requeued"] += 1
                else:
                    job.state = Job.State.FAILED
                    job.finished = now
                    job.message = _("失败")
                    job.problems = [
                        *(job.problems or []),
                        {
                            "row": None,
                            "column": None,
                            "value": None,
                            "zh": _("执行该任务的进程已停止，任务未完成；确认结果后可重试。"),
                            "en": "the process running this job stopped before it finished; check, then retry it",
                        },
                    ]
                    job.save()
                    counts["failed"] += 1
                _log(job, before)
    waiting = Job.objects.filter(state=Job.State.QUEUED, created__lte=now - timedelta(seconds=requeue_older_than))
    for job_id in waiting.values_list("pk", flat=True):
        counts["enqueued"] += enqueue(job_id)
    return counts
