"""Exports: every kind written with its import template's headers, so an export re-imports unchanged."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.utils.module_loading import import_string

EXPORTERS = {
    "zones": "yuanqu.zones.importers.export_rows",
    "enterprises": "yuanqu.enterprises.importers.export_enterprise_rows",
    "enterprise-years": "yuanqu.enterprises.importers.export_year_rows",
    "parcels": "yuanqu.land.importers.export_rows",
}
SPATIAL_SUFFIXES = {".gpkg", ".geojson", ".json"}


class ExportError(ValueError):
    """An export that cannot be made as asked (unknown kind, wrong file type); message in both languages."""


def rows_for(kind: str, *, user=None, zone_ids=None) -> Iterable[dict]:
    """The rows of one kind visible to the user (all for the system), optionally only some zones."""
    if kind not in EXPORTERS:
        raise ExportError(f"未知的导出类型 {kind}，可选：{', '.join(EXPORTERS)} / unknown export kind; one of: {', '.join(EXPORTERS)}")
    return import_string(EXPORTERS[kind])(user=user, zone_ids=zone_ids)


def export(kind: str, target, *, suffix: str, user=None, zone_ids=None, progress=None) -> int:
    """Write one kind to an xlsx (any kind) or GeoPackage/GeoJSON (parcels) file or buffer; returns the row count."""
    from yuanqu.core.importing.registry import get_importer
    from yuanqu.core.importing.tabular import write_rows

    suffix = suffix.lower()
    rows = rows_for(kind, user=user, zone_ids=zone_ids)
    if suffix in SPATIAL_SUFFIXES:
        if kind != "parcels":
            raise ExportError("只有地块可以导出为 GeoPackage 或 GeoJSON / only parcels export to GeoPackage or GeoJSON")
        from yuanqu.land.importers import write_spatial

        return write_spatial(target, rows, suffix=suffix)
    if suffix != ".xlsx":
        raise ExportError(f"不支持的导出格式 {suffix}，请用 .xlsx / unsupported export format {suffix}; use .xlsx")
    importer = get_importer(kind)
    schema = [c for c in importer.schema if c.key in importer.export_keys()]
    return write_rows(target, schema, rows, title=importer.template_title, progress=progress)


def suffix_of(path: str | Path) -> str:
    return Path(path).suffix.lower()
