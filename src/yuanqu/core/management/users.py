"""Options commands share: acting as a user, narrowing to zones, the file to write."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from yuanqu.core.access import get_zone_model, visible_zone_ids, zone_descendants


def user_option(username: str | None):
    """The user named by --user, or None (the system, with every right)."""
    if not username:
        return None
    User = get_user_model()
    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise CommandError(f"没有这个用户：{username} / no such active user: {username}") from None


def zone_option(key: str, user):
    """The zone named by --zone (code or name), among those the user may see (user None: every zone)."""
    Zone = get_zone_model()
    zone = Zone.objects.filter(code=key).first() or Zone.objects.filter(name=key).first()
    visible = visible_zone_ids(user) if user is not None else None
    # A zone the user may not see is answered like one that does not exist.
    if zone is None or (visible is not None and zone.pk not in visible):
        raise CommandError(f"没有这个园区：{key} / no such zone: {key}")
    return zone


def zone_ids_option(zones: list[str], user) -> frozenset[int] | None:
    """Ids of the zones named by --zone (code or name) with their sub-parks; None when none named."""
    if not zones:
        return None
    ids = zone_descendants([zone_option(key, user).pk for key in zones])
    visible = visible_zone_ids(user) if user is not None else None
    return ids if visible is None else ids & visible


def output_option(name: str, *suffixes: str) -> Path:
    """The file named by --out: with one of these suffixes, in a folder that exists."""
    path = Path(name)
    if path.suffix.lower() not in suffixes:
        # Suffixes are read letter by letter: "an .xlsx", "a .gpkg".
        article = "an" if suffixes[0][1:2] in tuple("aefhilmnorsx") else "a"
        raise CommandError(
            f"输出文件须为 {' 或 '.join(suffixes)}：{path.name} / "
            f"the output must be {article} {' or '.join(suffixes)} file: {path.name}"
        )
    if not path.parent.is_dir():
        raise CommandError(f"目录不存在：{path.parent} / no such directory: {path.parent}")
    return path


def year_option(text: str) -> int:
    """The year named by --year: a whole number from 1949 to 2100."""
    try:
        year = int(text)
    except (TypeError, ValueError):
        year = 0
    if not 1949 <= year <= 2100:
        raise CommandError(f"年度无效：{text!r}，应为 1949–2100 / invalid year: {text!r}, expected 1949–2100")
    return year
