"""Import through the web: upload, see the report, confirm; templates and exports to download."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yuanqu.core.access import can_edit
from yuanqu.core.exporting import EXPORTERS, ExportError, export
from yuanqu.core.importing.pipeline import run_import, template_columns
from yuanqu.core.importing.registry import IMPORTERS, get_importer
from yuanqu.core.importing.tabular import write_template

ALLOWED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".gpkg", ".geojson", ".json", ".zip"}
SESSION_KEY = "yuanqu_pending_imports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _kinds():
    return [(kind, get_importer(kind)) for kind in IMPORTERS]


@login_required
def import_start(request):
    """The upload form; on POST, a dry run whose report is shown with a confirm button."""
    context = {"kinds": _kinds(), "can_import": can_edit(request.user)}
    if request.method != "POST":
        return render(request, "core/import_start.html", context)
    if not can_edit(request.user):
        raise PermissionDenied
    kind = request.POST.get("kind", "")
    upload = request.FILES.get("file")
    if kind not in IMPORTERS or upload is None:
        context["error"] = _("请选择导入类型并上传文件。")
        return render(request, "core/import_start.html", context, status=400)
    suffix = Path(upload.name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        context["error"] = _("不支持的文件类型：%(suffix)s") % {"suffix": suffix or "?"}
        return render(request, "core/import_start.html", context, status=400)
    token = uuid.uuid4().hex
    stored = _upload_dir() / f"{token}{suffix}"
    with stored.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    importer = get_importer(kind)
    report = run_import(importer, stored, filename=upload.name, user=request.user, dry_run=True)
    pending = request.session.get(SESSION_KEY, {})
    if report.ok:
        pending[token] = {"kind": kind, "name": upload.name, "suffix": suffix}
        request.session[SESSION_KEY] = pending
    else:
        stored.unlink(missing_ok=True)
    return render(
        request,
        "core/import_report.html",
        {"report": report, "importer": importer, "token": token if report.ok else None},
        status=200 if report.ok else 422,
    )


@login_required
@require_POST
def import_confirm(request, token: str):
    """Write a file whose dry run passed; it is checked again, since the data may have changed since."""
    pending = request.session.get(SESSION_KEY, {})
    item = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if item is None:
        raise Http404
    stored = _upload_dir() / f"{token}{item['suffix']}"
    if not stored.exists():
        raise Http404
    importer = get_importer(item["kind"])
    try:
        report = run_import(importer, stored, filename=item["name"], user=request.user)
    finally:
        stored.unlink(missing_ok=True)
    return render(
        request, "core/import_report.html", {"report": report, "importer": importer, "token": None}, status=200 if report.ok else 422
    )


@login_required
def template_download(request, kind: str):
    """The empty xlsx template of one kind, with Chinese headers and units."""
    if kind not in IMPORTERS:
        raise Http404
    importer = get_importer(kind)
    buffer = io.BytesIO()
    write_template(buffer, template_columns(importer), title=importer.template_title)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="yuanqu-{kind}-template.xlsx"'
    return response


@login_required
def export_download(request, kind: str, fmt: str):
    """Everything of one kind that the user may see, as xlsx (parcels also as GeoPackage or GeoJSON)."""
    if kind not in EXPORTERS or fmt not in ("xlsx", "gpkg", "geojson"):
        raise Http404
    zone = request.GET.get("zone")
    zone_ids = None
    if zone:
        from yuanqu.core.access import zone_descendants

        try:
            zone_ids = zone_descendants([int(zone)])
        except ValueError:
            raise Http404 from None
    suffix = f".{fmt}"
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
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=f"yuanqu-{kind}{suffix}", content_type=content_type)


