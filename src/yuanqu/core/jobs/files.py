"""Files that jobs write (a monthly report, a chain's coverage table): kept with the uploads
(``YUANQU_DATA_DIR/media/jobs``, which web and worker machines share), never served as static files, and
downloaded through ``jobs:job-file`` by the job's own user only.

A job function writes to :func:`job_file` and returns :func:`file_result` as (part of) its result; the job's page
then offers the download.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse


def folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs"


def job_file(job, suffix: str) -> Path:
    """Where the job writes its file (the folder is made): ``job-PK.SUFFIX``."""
    place = folder()
    place.mkdir(parents=True, exist_ok=True)
    return place / f"job-{job.pk}{suffix}"


def file_result(job, path: Path, *, filename: str, label: str) -> dict:
    """The result that offers ``path`` (written by the job) to its user as ``filename``."""
    return {"url": reverse("jobs:job-file", args=[job.pk]), "label": label, "file": path.name, "filename": filename}


def stored_file(job) -> Path | None:
    """The file a finished job wrote, if it is still there (a name from the result never leaves the folder)."""
    name = (job.result or {}).get("file", "")
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = folder() / name
    return path if path.is_file() else None
