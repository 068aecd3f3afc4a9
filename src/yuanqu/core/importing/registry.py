"""Which importer serves which kind: `yuanqu import KIND FILE` and the upload page look up the kinds the installed
apps registered (``yuanqu.core.registry.data_kinds``)."""

from __future__ import annotations

from yuanqu.core.registry import data_kinds


def import_kinds() -> list[str]:
    """The kinds there are importers for, in the apps' order."""
    return data_kinds.keys()


def get_importer(kind: str):
    """A fresh importer for this kind, or KeyError naming the kinds there are."""
    registered = data_kinds.get(kind)
    if registered is None:
        kinds = ", ".join(import_kinds())
        raise KeyError(f"未知的导入类型 {kind}，可选：{kinds} / unknown import kind {kind}; one of: {kinds}")
    return registered.importer()
