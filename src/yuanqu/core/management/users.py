"""Options commands share: acting as a user, narrowing to zones."""

from django.core.management.base import CommandError

from yuanqu.core.access import visible_zone_ids, zone_descendants


def user_option(username: str | None):
    """The user named by --user, or None (the system, with every right)."""
    if not username:
        return None
    from yuanqu.accounts.models import User

    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise CommandError(f"没有这个用户：{username} / no such active user: {username}") from None


def zone_ids_option(zones: list[str], user) -> frozenset[int] | None:
    """Ids of the zones named by --zone (code or name) with their sub-parks; None when none named."""
    if not zones:
        return None
    from yuanqu.zones.models import Zone

    visible = visible_zone_ids(user) if user is not None else None
    found = []
    for key in zones:
        zone = Zone.objects.filter(code=key).first() or Zone.objects.filter(name=key).first()
        # A zone the user may not see is answered like one that does not exist.
        if zone is None or (visible is not None and zone.pk not in visible):
            raise CommandError(f"没有这个园区：{key} / no such zone: {key}")
        found.append(zone.pk)
    ids = zone_descendants(found)
    return ids if visible is None else ids & visible
