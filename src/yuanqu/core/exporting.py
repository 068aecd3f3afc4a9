"""Exports: every kind written with its import template's headers, so an export re-imports unchanged.

What a user exports is restricted to the zones that user may see, like every page and endpoint.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps

from yuanqu.core.registry import data_kinds

SPATIAL_SUFFIXES = (".gpkg", ".geojson", ".json")


def export_kinds() -> list[str]:
    """The kinds the installed apps export, in their order."""
    return [kind.key for kind in data_kinds if kind.export_rows is not None]


def formats(kind: str) -> tuple[str, ...]:
    """The suffixes an export of this kind may have (none for a kind that is not exported)."""
    registered = data_kinds.get(kind)
    return registered.formats if registered is not None and registered.export_rows is not None else ()


class ExportError(ValueError):
    """An export that cannot be made as asked (unknown kind, wrong file type); message in both languages."""


def _check(kind: str, suffix: str) -> None:
    if kind not in export_kinds():
        kinds = ", ".join(export_kinds())
        raise ExportError(f"未知的导出类型 {kind}，可选：{kinds} / unknown export kind {kind}; one of: {kinds}")
    if suffix not in formats(kind):
        allowed = ", ".join(formats(kind))
        raise ExportError(
            f"{kind} 不能导出为 {suffix or '（无扩展名）'}，可用：{allowed} / "
            f"{kind} cannot be exported as {suffix or '(no suffix)'}; use {allowed}"
        )


def count_for(kind: str, *, user=None, zone_ids=None) -> int:
    """How many rows an export of this kind holds for the user (all, for the system)."""
    model = apps.get_model(data_kinds[kind].model)
    queryset = model.objects.all() if user is None else model.objects.restrict(user)
    if zone_ids is not None:
        queryset = queryset.filter(**{f"{model.zone_lookup}__in": zone_ids})
    return queryset.count()


def rows_for(kind: str, *, user=None, zone_ids=None):
    """The rows of one kind visible to the user (all for the system), optionally only some zones."""
    _check(kind, ".xlsx")
    return data_kinds[kind].export_rows(user=user, zone_ids=zone_ids)


def export(kind: str, target, *, suffix: str, user=None, zone_ids=None, progress_stream=None) -> int:
    """Write one kind to an xlsx (any kind) or GeoPackage/GeoJSON (parcels) file or buffer; returns the row count.

    ``user`` None exports everything (the system); otherwise only what the user may see. Progress goes
    to ``progress_stream`` when given.
    """
    from yuanqu.core.importing.pipeline import progress_factory
    from yuanqu.core.importing.tabular import write_rows

    suffix = suffix.lower()
    _check(kind, suffix)
    total = count_for(kind, user=user, zone_ids=zone_ids)
    rows = rows_for(kind, user=user, zone_ids=zone_ids)
    with progress_factory(progress_stream)(f"导出 {kind} / exporting", total=total) as progress:
        if suffix in SPATIAL_SUFFIXES:
            count = data_kinds[kind].write_spatial(target, rows, suffix=suffix)
            progress.advance(count)
            return count
        importer = data_kinds[kind].importer()
        schema = list(importer.schema)

        def advance(done: int) -> None:
            progress.advance(done - progress.done)

        return write_rows(target, schema, rows, title=importer.template_title, progress=advance)


def suffix_of(path: str | Path) -> str:
    """A file name's suffix, lower case: what format to write."""
    return Path(path).suffix.lower()
