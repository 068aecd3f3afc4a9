"""Writes of the yearly targets: saving and deleting, an indicator checked against the registered measures."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from yuanqu.core import registry
from yuanqu.core.services import check_can_edit, original_zone, save_object
from yuanqu.targets.models import Target


def check_indicator(*, indicator: str) -> None:
    """Refuse an indicator that no installed app measures (yuanqu.core.registry.measures)."""
    if indicator in registry.measures:
        return
    known = ", ".join(registry.measures.keys()) or "—"
    raise ValidationError(
        {
            "indicator": f"未知指标：{indicator}（可用的指标：{known}） / "
            f"unknown indicator: {indicator} (the indicators measured: {known})"
        }
    )


def save_target(*, target: Target, user) -> Target:
    """Validate and save a zone's yearly target (moving it needs rights on both zones); its indicator must be
    one an installed app measures."""
    check_indicator(indicator=target.indicator)
    return save_object(target, user=user, original_zone_id=original_zone(target))


def delete_target(*, target: Target, user) -> None:
    """Delete a target the user may change."""
    check_can_edit(user=user, obj=target)
    target.delete()
