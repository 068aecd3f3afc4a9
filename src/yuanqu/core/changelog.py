"""The change log: who changed what, when, from where, with the object's state before and after.

Every create, update and delete of a tracked model is recorded by signal handlers, so that no path
(page, API, import, command line, admin) can forget it; bulk writes record their entries explicitly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from yuanqu.core.access import zone_id_of


@dataclass
class Actor:
    """Who is acting and through which door; the user may be resolved lazily from a request."""

    source: str = "cli"
    user: object | None = None
    request: object | None = None

    def resolve_user(self):
        user = self.user
        if user is None and self.request is not None:
            user = getattr(self.request, "user", None)
        if user is not None and not getattr(user, "is_authenticated", False):
            return None
        return user


_actor: ContextVar[Actor] = ContextVar("yuanqu_actor", default=Actor())  # noqa: B039


def current_actor() -> Actor:
    return _actor.get()


@contextlib.contextmanager
def acting(*, source: str, user=None, request=None):
    """Attribute every change made inside the block to this user and source."""
    token = _actor.set(Actor(source=source, user=user, request=request))
    try:
        yield
    finally:
        _actor.reset(token)


def _json_value(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        # One spelling per number, whether it came from a form ("1350.5") or the database ("1350.5000").
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        raw = bytes(value)
        return f"<{len(raw)} bytes sha1:{hashlib.sha1(raw).hexdigest()[:12]}>"
    return str(value)


def snapshot(instance: models.Model) -> dict:
    """The instance's concrete field values as JSON-safe data (foreign keys as ids)."""
    skip = set(getattr(instance, "changelog_exclude", ()))
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in skip:
            continue
        data[field.attname] = _json_value(getattr(instance, field.attname))
    return data


def diff(before: dict | None, after: dict | None) -> list[str]:
    """Names of the fields whose values differ."""
    before, after = before or {}, after or {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def make_entry(
    *, instance, action: str, before: dict | None, after: dict | None, actor: Actor | None = None, label=None
):
    """An unsaved ChangeLogEntry for one change (importers save many at once with bulk_create); ``label`` names
    the object when it cannot name itself any more (deleted)."""
    from django.contrib.contenttypes.models import ContentType

    from yuanqu.core.models import ChangeLogEntry

    actor = actor or current_actor()
    user = actor.resolve_user()
    return ChangeLogEntry(
        user=user,
        username=getattr(user, "username", "") if user else "",
        source=actor.source,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=label if label is not None else str(instance)[:200],
        zone_id=zone_id_of(instance),
        before=before,
        after=after,
        changed_fields=diff(before, after),
    )


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    instance._changelog_before = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
        instance._changelog_before = snapshot(old) if old is not None else None


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = None if created else getattr(instance, "_changelog_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return
    make_entry(instance=instance, action="create" if created else "update", before=before, after=after).save()


def _pre_delete(sender, instance, **kwargs):
    instance._changelog_before = snapshot(instance)
    instance._changelog_zone_id = zone_id_of(instance)
    # Named now: in a cascade the object's parents are gone by the time it is logged.
    instance._changelog_repr = str(instance)[:200]


def _post_delete(sender, instance, **kwargs):
    entry = make_entry(
        instance=instance,
        action="delete",
        before=instance._changelog_before,
        after=None,
        label=getattr(instance, "_changelog_repr", None),
    )
    entry.zone_id = getattr(instance, "_changelog_zone_id", entry.zone_id)
    entry.save()


def track(model: type[models.Model]) -> None:
    """Record every create, update and delete of this model in the change log."""
    uid = f"changelog-{model._meta.label}"
    pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + "-pre-save")
    post_save.connect(_post_save, sender=model, dispatch_uid=uid + "-post-save")
    pre_delete.connect(_pre_delete, sender=model, dispatch_uid=uid + "-pre-delete")
    post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + "-post-delete")


def record_many(items, *, actor: Actor | None = None, batch_size: int = 5000) -> int:
    """Log changes made by a bulk write (which bypasses the signals); returns how many were logged.

    ``items`` yields (action, instance, before): the state after is read from the saved instance
    (None for a delete), ``before`` is the snapshot taken before the change (None for a create).
    """
    from yuanqu.core.models import ChangeLogEntry

    actor = actor or current_actor()
    batch, count = [], 0
    for action, instance, before in items:
        after = None if action == "delete" else snapshot(instance)
        batch.append(make_entry(instance=instance, action=action, before=before, after=after, actor=actor))
        if len(batch) >= batch_size:
            ChangeLogEntry.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        ChangeLogEntry.objects.bulk_create(batch)
        count += len(batch)
    return count


NO_VERSION = "0"
"""The data version of a database with an empty change log: nothing is cached under it."""


def _not_data() -> list[int]:
    """Content type ids of the tracked models whose changes change no figure (``changelog_not_data = True``: the
    jobs, whose states move every few seconds); ``data_version`` passes over them."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    return [
        ContentType.objects.get_for_model(model).pk
        for model in apps.get_models()
        if getattr(model, "changelog_not_data", False)
    ]


def data_version() -> str:
    """The id and time of the newest change-log entry of the data. Every tracked save and every bulk write
    (imports, the demo) leaves an entry, so the version moves whenever something derived from the data may have
    changed (a job's progress is not such a change); it is read from the database, so every server
    process sees the same one (the newest entries of one index), and the time keeps a rebuilt database from
    reusing an old version."""
    from yuanqu.core.models import ChangeLogEntry

    entries = ChangeLogEntry.objects.exclude(content_type_id__in=_not_data())
    last = entries.order_by("-id").values_list("id", "time").first()
    if last is None:
        return NO_VERSION
    return f"{last[0]}.{last[1].timestamp():.6f}"


def data_epoch() -> str:
    """The id and time of the oldest change-log entry: which database this is. What was cached for another
    database (rebuilt, restored, another test's) is never shown for this one, stale or not."""
    from yuanqu.core.models import ChangeLogEntry

    first = ChangeLogEntry.objects.order_by("id").values_list("id", "time").first()
    if first is None:
        return NO_VERSION
    return f"{first[0]}.{first[1].timestamp():.6f}"


def track_m2m(model: type[models.Model], field_name: str) -> None:
    """Log additions to and removals from a many-to-many field as updates of the owning object."""
    through = getattr(model, field_name).through
    uid = f"changelog-m2m-{model._meta.label}-{field_name}"

    def changed(sender, instance, action, reverse, pk_set, **kwargs):
        if reverse or not isinstance(instance, model):
            return
        if action.startswith("pre_"):
            instance._changelog_m2m_before = sorted(getattr(instance, field_name).values_list("pk", flat=True))
            return
        if not action.startswith("post_"):
            return
        before_ids = getattr(instance, "_changelog_m2m_before", None)
        after_ids = sorted(getattr(instance, field_name).values_list("pk", flat=True))
        if before_ids == after_ids:
            return
        entry = make_entry(
            instance=instance, action="update", before={field_name: before_ids}, after={field_name: after_ids}
        )
        entry.save()

    m2m_changed.connect(changed, sender=through, dispatch_uid=uid, weak=False)
