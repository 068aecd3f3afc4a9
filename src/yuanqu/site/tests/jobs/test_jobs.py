"""Jobs in one process: a large web import answered by a job page, the job run by `execute` as a worker would,
its problems, cancel and retry, one job at a time per zone and kind, recovery after a dead worker, the pages and
the API restricted to the user's zones."""

from __future__ import annotations

import datetime as dt
import io
import re
import socket
import subprocess
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yuanqu.accounts.testing import PASSWORD
from yuanqu.core import registry
from yuanqu.core.jobs import services
from yuanqu.core.jobs.models import Job
from yuanqu.core.models import ChangeLogEntry
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.site.tests.imports.conftest import YEAR_HEADERS, write_xlsx


def signed_in(username: str) -> Client:
    client = Client()
    client.login(username=username, password=PASSWORD)
    return client


def upload(client, kind: str, path) -> object:
    file = io.BytesIO(path.read_bytes())
    file.name = path.name
    return client.post(reverse("imports:import-start"), {"kind": kind, "file": file})


@pytest.fixture
def small_threshold(settings):
    settings.YUANQU_JOB_IMPORT_THRESHOLD_KB = 0  # every upload is "large"


@pytest.fixture
def slow_kind():
    """A kind of job that is not safe to retry, counting to params["n"] in steps."""

    def run(job, progress):
        with progress.stage("counting", total=job.params.get("n", 3)) as stage:
            for _ in range(job.params.get("n", 3)):
                stage.advance()
        return {"url": "/done/", "label": "结果"}

    kind = registry.JobKind("test-count", "计数", run, retry_safe=False)
    registry.job_kinds.register(kind)
    yield kind
    registry.job_kinds.unregister("test-count")


def test_a_large_upload_is_checked_and_written_by_jobs(tmp_path, small_threshold, user_a, enterprise_a, zone_a):
    path = write_xlsx(
        tmp_path / "years.xlsx",
        [[*YEAR_HEADERS[:3], "实缴税收(万元)"], [enterprise_a.uscc, enterprise_a.name, 2024, 1200]],
    )
    client = signed_in("staff_a")
    response = upload(client, "enterprise-years", path)
    # The page answers at once with the job's page; nothing is checked yet.
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job-detail", args=[job.pk])
    assert (job.kind, job.state, job.user, job.zone, job.serial_key) == (
        "import",
        "queued",
        user_a,
        zone_a,
        f"import/enterprise-years:{zone_a.pk}",
    )
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page
    assert f'hx-get="{reverse("jobs:job-status", args=[job.pk])}"' in page  # polled while not finished

    assert services.execute(job.pk) == "succeeded"
    job.refresh_from_db()
    assert (job.state, job.attempts, job.problems) == ("succeeded", 1, [])
    report = job.result["report"]
    assert report["ok"] and report["dry_run"] and not report["written"]
    assert "1 行，将新增 1" in report["summary"]
    assert EnterpriseYear.objects.count() == 0
    status = client.get(reverse("jobs:job-status", args=[job.pk])).content.decode()
    assert "hx-get" not in status  # finished: no more polling
    token = re.search(r"/imports/confirm/([0-9a-f]{32})/", status)[1]

    response = client.post(reverse("imports:import-confirm", args=[token]))
    write = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("jobs:job-detail", args=[write.pk])
    assert services.execute(write.pk) == "succeeded"
    write.refresh_from_db()
    assert write.result["report"]["written"]
    assert EnterpriseYear.objects.get().tax == Decimal("1200")
    # Every state of both jobs is in the change log, with the user; the worker's as "job".
    job_type = ContentType.objects.get_for_model(Job)
    entries = ChangeLogEntry.objects.filter(content_type=job_type, object_id=str(write.pk)).order_by("pk")
    assert [(e.source, e.user, (e.after or {}).get("state")) for e in entries] == [
        ("page", user_a, "queued"),
        ("job", user_a, "running"),
        ("job", user_a, "succeeded"),
    ]


def test_a_file_with_problems_fails_its_job_with_the_problems_logged(tmp_path, small_threshold, user_a, enterprise_a):
    path = write_xlsx(
        tmp_path / "years.xlsx",
        [[*YEAR_HEADERS[:3], "实缴税收(万元)"], [enterprise_a.uscc, enterprise_a.name, 2024, "很多"]],
    )
    client = signed_in("staff_a")
    upload(client, "enterprise-years", path)
    job = Job.objects.get()
    assert services.execute(job.pk) == "failed"
    job.refresh_from_db()
    assert [(p["row"], p["column"], p["value"]) for p in job.problems] == [(2, "实缴税收(万元)", "很多")]
    page = client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    assert "很多" in page and "未写入任何数据" in page
    assert 'id="job-retry"' in page  # failed: the user may retry it
    assert not list((tmp_path).glob("*.plan.json"))


def test_a_job_with_more_problems_than_listed_shows_them_counted_per_column_and_reason(
    tmp_path, small_threshold, settings, user_a, enterprise_a
):
    settings.YUANQU_IMPORT_MAX_PROBLEMS = 3
    rows = [[enterprise_a.uscc, enterprise_a.name, 1990 + i, "很多", "不少"] for i in range(4)]
    path = write_xlsx(tmp_path / "years.xlsx", [[*YEAR_HEADERS[:3], "实缴税收(万元)", "营业收入(万元)"], *rows])
    client = signed_in("staff_a")
    upload(client, "enterprise-years", path)
    job = Job.objects.get()
    assert services.execute(job.pk) == "failed"
    job.refresh_from_db()
    assert len(job.problems) == 3
    page = client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    assert "另有 5 个问题未逐一列出。全部问题按列和原因计数：" in page
    assert '<td>实缴税收(万元)</td><td>不是数字</td><td>not a number</td><td class="num">4</td>' in page
    assert '<td>营业收入(万元)</td><td>不是数字</td><td>not a number</td><td class="num">4</td>' in page
    client.cookies["django_language"] = "en"
    english = client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    assert "And 5 more problems not listed one by one. All problems counted" in english


def test_cancel_a_queued_job_and_retry_it(slow_kind, user_a, user_b, zone_a):
    job = services.submit(kind="test-count", user=user_a, zone=zone_a, params={"n": 4})
    with pytest.raises(PermissionDenied):
        services.cancel(job=job, user=user_b)
    services.cancel(job=job, user=user_a)
    job.refresh_from_db()
    assert job.state == "cancelled"
    assert services.execute(job.pk) == "skipped"  # the queue delivers it anyway: it does not run
    with pytest.raises(ValidationError):
        services.cancel(job=job, user=user_a)
    services.retry(job=job, user=user_a)
    assert services.execute(job.pk) == "succeeded"
    job.refresh_from_db()
    assert (job.done, job.total, job.result["url"]) == (4, 4, "/done/")


def test_a_running_job_stops_at_its_next_step_once_cancelled(user_a, zone_a):
    seen = []

    def run(job, progress):
        with progress.stage("step", total=10) as stage:
            stage.advance()
            services.cancel(job=job, user=user_a)  # the user presses cancel while it runs
            progress.beat()  # what the heartbeat thread does every two seconds
            seen.append("cancel seen")
            stage.advance()
            seen.append("went on")  # never reached
        return {}

    registry.job_kinds.register(registry.JobKind("test-cancel", "取消", run))
    try:
        job = services.submit(kind="test-cancel", user=user_a, zone=zone_a)
        assert services.execute(job.pk) == "cancelled"
    finally:
        registry.job_kinds.unregister("test-cancel")
    job.refresh_from_db()
    assert (job.state, job.done, seen) == ("cancelled", 2, ["cancel seen"])


def test_two_jobs_of_one_zone_and_kind_run_one_after_the_other(slow_kind, user_a, user_b, zone_a, zone_b):
    first = services.submit(kind="test-count", user=user_a, zone=zone_a)
    second = services.submit(kind="test-count", user=user_a, zone=zone_a)
    other_zone = services.submit(kind="test-count", user=user_b, zone=zone_b)
    Job.objects.filter(pk=first.pk).update(state="running", heartbeat=timezone.now())  # a worker is on it
    assert services.execute(second.pk) == "blocked"
    second.refresh_from_db()
    assert (second.state, second.attempts) == ("queued", 0)
    assert services.execute(other_zone.pk) == "succeeded"  # another zone's does not wait
    Job.objects.filter(pk=first.pk).update(state="succeeded")
    assert services.execute(second.pk) == "succeeded"


def dead_pid() -> int:
    """The id of a process that has ended."""
    probe = subprocess.Popen(["true"])
    probe.wait()
    return probe.pid


def test_recovery_requeues_what_is_safe_and_fails_the_rest(slow_kind, user_a, zone_a):
    unsafe = services.submit(kind="test-count", user=user_a, zone=zone_a)
    safe = services.submit(kind="import", user=user_a, zone=zone_a, subkind="zones", params={"path": "x", "plan": "y"})
    alive = services.submit(kind="test-count", user=user_a, zone=None)
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    silent = services.submit(kind="test-count", user=user_a, subkind="another")  # another serial key
    Job.objects.filter(pk__in=[unsafe.pk, safe.pk]).update(
        state="running", heartbeat=long_ago, attempts=1, worker=f"{socket.gethostname()}:{dead_pid()}"
    )
    Job.objects.filter(pk=alive.pk).update(state="running", heartbeat=timezone.now(), attempts=1)
    # Silent for long, but its process still runs here (a long SQLite transaction holds its heartbeat back).
    Job.objects.filter(pk=silent.pk).update(state="running", heartbeat=long_ago, worker=services.worker_name())

    counts = services.recover(stale_seconds=60, requeue_older_than=3600)

    assert (counts["requeued"], counts["failed"]) == (1, 1)
    states = dict(Job.objects.values_list("pk", "state"))
    assert states == {unsafe.pk: "failed", safe.pk: "queued", alive.pk: "running", silent.pk: "running"}
    unsafe.refresh_from_db()
    assert "进程已停止" in unsafe.problems[-1]["zh"]


def test_job_pages_and_api_show_only_the_users_zones(slow_kind, user_a, user_b, zone_a, zone_b, city_admin):
    mine = services.submit(kind="test-count", user=user_a, zone=zone_a, label="甲的任务")
    theirs = services.submit(kind="test-count", user=user_b, zone=zone_b, label="乙的任务")
    client = signed_in("staff_a")
    listing = client.get(reverse("jobs:job-list")).content.decode()
    assert "甲的任务" in listing and "乙的任务" not in listing
    for name in ("jobs:job-detail", "jobs:job-status"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    for name in ("jobs:job-cancel", "jobs:job-retry"):
        assert client.post(reverse(name, args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "queued"
    api = client.get("/api/jobs/").json()
    assert [row["label"] for row in api["results"]] == ["甲的任务"]
    assert client.get(f"/api/jobs/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/jobs/{theirs.pk}/cancel/").status_code == 404
    response = client.post(f"/api/jobs/{mine.pk}/cancel/")
    assert (response.status_code, response.json()["state"]) == (200, "cancelled")
    admin = signed_in("city")
    assert {row["label"] for row in admin.get("/api/jobs/").json()["results"]} == {"甲的任务", "乙的任务"}
