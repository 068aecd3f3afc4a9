"""What the chains app declares to the rest of the platform (yuanqu.core.registry)."""

from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry


def register() -> None:
    from yuanqu.chains.importers import ChainImporter, export_rows

    registry.data_kinds.register(registry.DataKind("chains", ChainImporter, "chains.ChainNode", export_rows, order=70))
    registry.navigation.register(registry.NavItem("chains", _("产业链"), "chains:chain-list", order=45))
    registry.navigation.register(
        registry.NavItem("chain-maps", _("产业链图谱"), "chains:chain-list", menu="main", order=35)
    )
