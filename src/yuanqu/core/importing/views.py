"""Import through the web: upload, see the report, confirm; templates and exports to download.

Whatever is uploaded, the answer is a page: a report (422 when the file has problems) or the form with
a message (400), never a server error.
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core.access import can_edit, get_zone_model, visible_zone_ids, zone_descendants
from yuanqu.core.exporting import ExportError, export, formats
from yuanqu.core.importing.pipeline import ImportReport, import_limits, problem, run_import, template_columns
from yuanqu.core.importing.registry import get_importer, import_kinds
from yuanqu.core.importing.tabular import write_template

logger = logging.getLogger(__name__)

ALLOWED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".gpkg", ".geojson", ".json", ".zip"}
SESSION_KEY = "yuanqu_pending_imports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Uploads never confirmed are removed once this old.
STALE_UPLOAD_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _remove_stale_uploads() -> None:
    cutoff = time.time() - STALE_UPLOAD_SECONDS
    for path in _upload_dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass  # removed by a concurrent request


def _kinds():
    return [(kind, get_importer(kind)) for kind in import_kinds()]


def _form(request, error: str, status: int):
    context = {"kinds": _kinds(), "can_import": can_edit(request.user), "error": error}
    return render(request, "core/import_start.html", context, status=status)


def _report_page(request, report: ImportReport, importer, token: str | None):
    return render(
        request,
        "core/import_report.html",
        {"report": report, "importer": importer, "token": token},
        status=200 if report.ok else 422,
    )


def _import(importer, stored: Path, *, name: str, user, dry_run: bool, expected=None) -> ImportReport:
    """run_import, with anything unforeseen in a file turned into a reported problem rather than a 500.

    A dry run keeps what its plan does per row (the report's fingerprint); the confirmation passes it back as
    ``expected``, so that rows whose records someone changed in between are refused, not overwritten."""
    try:
        return run_import(
            importer, stored, filename=name, user=user, dry_run=dry_run, fingerprint=dry_run, expected=expected
        )
    except Exception:
        logger.exception("import of %s (%s) failed", name, importer.kind)
        report = ImportReport(kind=importer.kind, filename=name, dry_run=dry_run)
        report.problems.append(
            problem(
                None,
                None,
                None,
                "无法处理该文件（错误已记入日志），请检查文件或联系管理员",
                "the file could not be processed (the error was logged); check the file or ask an administrator",
            )
        )
        return report


def _as_job(size: int) -> bool:
    """Whether a file this large is checked and written by a worker (a job) rather than in the request."""
    return size > settings.YUANQU_JOB_IMPORT_THRESHOLD_KB * 1024


def _submit_job(request, *, kind: str, stored: Path, name: str, srid, dry_run: bool, token: str):
    """Hand the check (or the write) of a large file to a worker; the answer is the job's page."""
    from yuanqu.core.jobs.services import home_zone, submit

    label = (_("检查导入文件：%(name)s") if dry_run else _("导入：%(name)s")) % {"name": name}
    job = submit(
        kind="import",
        user=request.user,
        zone=home_zone(request.user),
        subkind=kind,
        label=label,
        params={
            "data_kind": kind,
            "path": str(stored),
            "plan": str(_plan_path(token)),
            "filename": name,
            "srid": srid,
            "dry_run": dry_run,
            "token": token,
        },
    )
    return redirect("jobs:job-detail", pk=job.pk)


def _srid(value: str) -> int | None:
    value = (value or "").strip().upper().removeprefix("EPSG:")
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(value)
    return int(value)


@login_required
def import_start(request):
    """The upload form; on POST, a dry run whose report is shown with a confirm button."""
    if request.method != "POST":
        return render(request, "core/import_start.html", {"kinds": _kinds(), "can_import": can_edit(request.user)})
    if not can_edit(request.user):
        raise PermissionDenied(_("您的角色只能查看数据，不能导入。"))
    limit = import_limits().file_bytes
    too_large = _("文件太大（上限 %(mb)s MB，YUANQU_IMPORT_MAX_FILE_MB）。") % {"mb": limit // 1024**2}
    # Refused before the upload is read (and spooled to disk) when the request says how large it is.
    length = request.META.get("CONTENT_LENGTH", "")
    if length.isdigit() and int(length) > limit + 1024**2:
        return _form(request, too_large, 413)
    kind = request.POST.get("kind", "")
    upload = request.FILES.get("file")
    if kind not in import_kinds() or upload is None:
        return _form(request, _("请选择导入类型并上传文件。"), 400)
    suffix = Path(upload.name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        return _form(
            request,
            _("不支持的文件类型：%(suffix)s（可用 xlsx、csv，地块还可用 gpkg、geojson 或压缩的 shapefile）")
            % {"suffix": suffix or "?"},
            400,
        )
    if upload.size == 0:
        return _form(request, _("文件是空的。"), 400)
    if upload.size > limit:
        return _form(request, too_large, 413)
    try:
        srid = _srid(request.POST.get("srid", ""))
    except ValueError:
        return _form(request, _("坐标系应为 EPSG 代码，如 4490 或 4549。"), 400)
    _remove_stale_uploads()
    token = uuid.uuid4().hex
    stored = _upload_dir() / f"{token}{suffix}"
    with stored.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    if _as_job(upload.size):
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = {"kind": kind, "name": upload.name, "suffix": suffix, "srid": srid}
        request.session[SESSION_KEY] = pending
        return _submit_job(request, kind=kind, stored=stored, name=upload.name, srid=srid, dry_run=True, token=token)
    importer = get_importer(kind)
    if srid is not None:
        importer.configure(srid=srid)
    report = _import(importer, stored, name=upload.name, user=request.user, dry_run=True)
    if not report.ok:
        stored.unlink(missing_ok=True)
        return _report_page(request, report, importer, None)
    # What the plan would do to each row, as the user sees it now; kept beside the file, not in the session.
    _plan_path(token).write_text(json.dumps(report.fingerprint or {}), encoding="utf-8")
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"kind": kind, "name": upload.name, "suffix": suffix, "srid": srid}
    request.session[SESSION_KEY] = pending
    return _report_page(request, report, importer, token)


@login_required
@require_POST
def import_confirm(request, token: str):
    """Write a file whose dry run passed; it is checked again, since the data may have changed since."""
    if not can_edit(request.user):
        raise PermissionDenied(_("您的角色只能查看数据，不能导入。"))
    pending = request.session.get(SESSION_KEY, {})
    item = pending.pop(token, None) if _TOKEN.fullmatch(token) else None
    request.session[SESSION_KEY] = pending
    if item is None:
        raise Http404
    stored = _upload_dir() / f"{token}{item['suffix']}"
    if not stored.exists():
        raise Http404
    if _as_job(stored.stat().st_size):
        return _submit_job(
            request,
            kind=item["kind"],
            stored=stored,
            name=item["name"],
            srid=item.get("srid"),
            dry_run=False,
            token=token,
        )
    importer = get_importer(item["kind"])
    if item.get("srid") is not None:
        importer.configure(srid=item["srid"])
    plan_path = _plan_path(token)
    try:
        try:
            expected = json.loads(plan_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            expected = None
        if not isinstance(expected, dict):
            report = ImportReport(kind=importer.kind, filename=item["name"])
            report.problems.append(problem(None, None, None, *_PLAN_LOST))
        else:
            report = _import(importer, stored, name=item["name"], user=request.user, dry_run=False, expected=expected)
    finally:
        stored.unlink(missing_ok=True)
        plan_path.unlink(missing_ok=True)
    return _report_page(request, report, importer, None)


_PLAN_LOST = (
    "检查结果已失效，请重新上传文件",
    "the check of this file is no longer available; upload the file again",
)


def _plan_path(token: str) -> Path:
    return _upload_dir() / f"{token}.plan.json"


@login_required
def template_download(request, kind: str):
    """The empty xlsx template of one kind, with Chinese headers and units."""
    if kind not in import_kinds():
        raise Http404
    importer = get_importer(kind)
    buffer = io.BytesIO()
    write_template(buffer, template_columns(importer), title=importer.template_title)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="yuanqu-{kind}-template.xlsx"'
    return response


def _zone_filter(request) -> frozenset[int] | None:
    """Ids of the zone named by ?zone= (id or code) with its sub-parks, among those the user sees."""
    value = request.GET.get("zone", "").strip()
    if not value:
        return None
    zones = get_zone_model().objects.restrict(request.user)
    zone = zones.filter(pk=int(value)).first() if value.isdigit() else None
    zone = zone or zones.filter(code=value).first()
    if zone is None:
        raise Http404
    ids = zone_descendants([zone.pk])
    visible = visible_zone_ids(request.user)
    return ids if visible is None else ids & visible


@login_required
def export_download(request, kind: str, fmt: str):
    """Everything of one kind that the user may see, as xlsx (parcels also as GeoPackage or GeoJSON)."""
    suffix = f".{fmt}"
    if suffix not in formats(kind):
        raise Http404
    zone_ids = _zone_filter(request)
    if fmt == "xlsx":
        target = io.BytesIO()
    else:
        target = _upload_dir() / f"export-{uuid.uuid4().hex}{suffix}"
    try:
        export(kind, target, suffix=suffix, user=request.user, zone_ids=zone_ids)
    except ExportError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    if fmt == "xlsx":
        response = HttpResponse(target.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="yuanqu-{kind}.xlsx"'
        return response
    data = target.read_bytes()
    target.unlink(missing_ok=True)
    content_type = "application/geopackage+sqlite3" if fmt == "gpkg" else "application/geo+json"
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=f"yuanqu-{kind}{suffix}", content_type=content_type
    )
