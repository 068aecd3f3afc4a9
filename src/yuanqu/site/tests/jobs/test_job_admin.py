"""The jobs in the admin: read-only, restricted to the user's zones and own jobs, cancelled through the service."""

from yuanqu.accounts.models import Role
from yuanqu.accounts.testing import make_user
from yuanqu.core.jobs.models import Job
from yuanqu.core.models import ChangeLogEntry


def _job(label, user, zone, state=Job.State.QUEUED):
    return Job.objects.create(kind="zone-evaluation-run", label=label, user=user, zone=zone, state=state)


def test_a_staff_zone_admin_sees_the_jobs_of_its_zone_and_its_own_only(client, zone_a, zone_b, user_b):
    admin_a = make_user("staff_admin_a", Role.ZONE_ADMIN, zones=[zone_a], is_staff=True)
    mine = _job("甲区导入任务", user_b, zone_a)
    own_city_wide = _job("本人的全市任务", admin_a, None)
    other = _job("乙区导入任务", user_b, zone_b)
    city_wide = _job("他人的全市任务", user_b, None)
    client.force_login(admin_a)
    html = client.get("/admin/core/job/").content.decode()
    assert "甲区导入任务" in html and "本人的全市任务" in html
    assert "乙区导入任务" not in html and "他人的全市任务" not in html
    for job in (other, city_wide):
        response = client.get(f"/admin/core/job/{job.pk}/change/", follow=True)
        assert job.label not in response.content.decode()
    page = client.get(f"/admin/core/job/{mine.pk}/change/").content.decode()
    assert "甲区导入任务" in page and 'name="_save"' not in page  # read-only
    assert client.get(f"/admin/core/job/{own_city_wide.pk}/delete/").status_code == 403


def test_cancelling_from_the_admin_goes_through_the_service_and_only_reaches_visible_jobs(
    client, zone_a, zone_b, user_b
):
    admin_a = make_user("staff_admin_a", Role.ZONE_ADMIN, zones=[zone_a], is_staff=True)
    queued = _job("甲区排队任务", user_b, zone_a)
    finished = _job("甲区已完成任务", user_b, zone_a, state=Job.State.SUCCEEDED)
    other = _job("乙区排队任务", user_b, zone_b)
    client.force_login(admin_a)
    response = client.post(
        "/admin/core/job/",
        {"action": "cancel_jobs", "_selected_action": [queued.pk, finished.pk, other.pk]},
        follow=True,
    )
    assert response.status_code == 200
    queued.refresh_from_db(), finished.refresh_from_db(), other.refresh_from_db()
    assert (queued.state, finished.state, other.state) == (
        Job.State.CANCELLED,
        Job.State.SUCCEEDED,
        Job.State.QUEUED,
    )
    entry = ChangeLogEntry.objects.filter(object_id=str(queued.pk), action="update").latest("id")
    assert entry.username == "staff_admin_a" and entry.source == "page"
