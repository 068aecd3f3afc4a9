"""Core's own job kind: a web import of a large file (its check, then its write), run by a worker."""

from __future__ import annotations

import json
from pathlib import Path

from yuanqu.core.jobs.services import JobFailed

REPORT_SKIPPED_MAX = 1000


def report_dict(report, *, token: str = "") -> dict:
    """An import report as the job keeps it (JSON), for the job's page."""
    return {
        "data_kind": report.kind,
        "filename": report.filename,
        "summary": report.summary(),
        "ok": report.ok,
        "written": report.written,
        "dry_run": report.dry_run,
        "problem_count": report.problem_count,
        "problems_omitted": report.problems_omitted,
        # With problems left unlisted, every problem counted per column and reason, as the report page shows.
        "problem_counts": [
            {"column": c.column, "reason_zh": c.reason_zh, "reason_en": c.reason_en, "count": c.count}
            for c in (report.problem_counts() if report.problems_omitted else [])
        ],
        "notes": [list(note) for note in report.notes],
        "skipped": [list(item) for item in report.skipped[:REPORT_SKIPPED_MAX]],
        "token": token,
    }


def run_import_job(job, progress) -> dict:
    """``params``: data_kind, path (the stored upload), filename, srid, dry_run, token, plan (the dry run's
    fingerprint file, for the write). A dry run that passes leaves the file and its plan for the confirmation;
    anything else removes them."""
    from yuanqu.core.importing.pipeline import ImportReport, problem, run_import
    from yuanqu.core.importing.registry import get_importer

    params = job.params
    stored, plan_path = Path(params["path"]), Path(params["plan"])
    dry_run = bool(params.get("dry_run"))
    importer = get_importer(params["data_kind"])
    if params.get("srid") is not None:
        importer.configure(srid=params["srid"])
    expected = None
    if not dry_run:
        try:
            expected = json.loads(plan_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            expected = None
    keep = False
    try:
        if not stored.exists() or (not dry_run and not isinstance(expected, dict)):
            report = ImportReport(kind=importer.kind, filename=params["filename"], dry_run=dry_run)
            report.problems.append(
                problem(
                    None,
                    None,
                    None,
                    "上传的文件或其检查结果已不存在，请重新上传",
                    "the uploaded file or its check is gone; upload the file again",
                )
            )
        else:
            report = run_import(
                importer,
                stored,
                filename=params["filename"],
                user=job.user,
                dry_run=dry_run,
                progress_stream=progress,
                fingerprint=dry_run,
                expected=expected,
            )
        for item in report.problems:
            progress.problem(item.reason_zh, item.reason_en, row=item.row, column=item.column, value=item.value)
        keep = dry_run and report.ok
        if keep:
            plan_path.write_text(json.dumps(report.fingerprint or {}), encoding="utf-8")
    finally:
        if not keep:
            stored.unlink(missing_ok=True)
            plan_path.unlink(missing_ok=True)
    result = {"report": report_dict(report, token=params.get("token", "") if keep else "")}
    if not report.ok:
        raise JobFailed(result)
    return result
