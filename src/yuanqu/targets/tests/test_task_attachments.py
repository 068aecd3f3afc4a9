"""A report back (反馈) carries several files, each downloadable by the users of the task's zone only; too many or
too large files are refused and nothing is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yuanqu.targets import services
from yuanqu.targets.models import Task, TaskAttachment, TaskStep

pytestmark = pytest.mark.django_db
S = Task.State


@pytest.fixture
def task_in_progress(zone_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = dt.date.today()
    return Task.objects.create(
        code="DB-1", zone=zone_a, title="道路提升", lead_unit="规划建设局", assigned_on=today, deadline=today,
        state=S.IN_PROGRESS,
    )  # fmt: skip


def report(client, task, files):
    data = {
        "to_state": S.REPORTED,
        "on": dt.date.today().isoformat(),
        "by": "张工",
        "note": "已完成",
        "attachments": files,
    }
    return client.post(f"/supervision/tasks/{task.pk}/advance/", data, follow=True)


def test_a_report_back_carries_several_files_each_downloadable_in_its_zone(client, admin_a, user_b, task_in_progress):
    client.force_login(admin_a)
    files = [SimpleUploadedFile("现场照片.jpg", b"\xff\xd8photo"), SimpleUploadedFile("验收报告.pdf", b"%PDF-report")]
    page = report(client, task_in_progress, files).content.decode()
    step = TaskStep.objects.get(task=task_in_progress, state=S.REPORTED)
    first, second = step.attachments.order_by("pk")
    assert (first.name, first.size, second.name, second.size) == ("现场照片.jpg", 7, "验收报告.pdf", 11)
    assert f"/supervision/attachments/{first.pk}/" in page and "验收报告.pdf" in page
    download = client.get(f"/supervision/attachments/{second.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-report"
    assert "attachment" in download["Content-Disposition"]
    client.force_login(user_b)
    assert client.get(f"/supervision/attachments/{second.pk}/").status_code == 404


def test_too_many_or_too_large_files_are_refused_and_nothing_is_recorded(client, admin_a, task_in_progress, settings):
    client.force_login(admin_a)
    eleven = [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(services.MAX_ATTACHMENTS + 1)]
    assert "附件最多 10 个" in report(client, task_in_progress, eleven).content.decode()
    services.MAX_ATTACHMENT_BYTES, saved = 5, services.MAX_ATTACHMENT_BYTES
    try:
        page = report(client, task_in_progress, [SimpleUploadedFile("大文件.pdf", b"123456")]).content.decode()
    finally:
        services.MAX_ATTACHMENT_BYTES = saved
    assert "附件“大文件.pdf”超过" in page
    assert not TaskStep.objects.filter(state=S.REPORTED).exists() and not TaskAttachment.objects.exists()
    task_in_progress.refresh_from_db()
    assert task_in_progress.state == S.IN_PROGRESS
