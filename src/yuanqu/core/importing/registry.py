"""Which importer serves which kind: `yuanqu import KIND FILE` and the upload page look them up here."""

from __future__ import annotations

from django.utils.module_loading import import_string

IMPORTERS = {
    "zones": "yuanqu.zones.importers.ZoneImporter",
    "enterprises": "yuanqu.enterprises.importers.EnterpriseImporter",
    "enterprise-years": "yuanqu.enterprises.importers.EnterpriseYearImporter",
    "parcels": "yuanqu.land.importers.ParcelImporter",
    "projects": "yuanqu.projects.importers.ProjectImporter",
}


def get_importer(kind: str):
    """A fresh importer for this kind, or KeyError naming the kinds there are."""
    try:
        path = IMPORTERS[kind]
    except KeyError:
        raise KeyError(
            f"未知的导入类型 {kind}，可选：{', '.join(IMPORTERS)} / unknown import kind {kind}; one of: {', '.join(IMPORTERS)}"
        ) from None
    return import_string(path)()
