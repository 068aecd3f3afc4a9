"""Page helpers every app shares: an object's change history and the edit-form flow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yuanqu.core.models import ChangeLogEntry

HISTORY_LIMIT = 100
# Bookkeeping columns a reader of the history does not need to see.
HISTORY_HIDDEN_FIELDS = {"id", "password", "last_login"}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class HistoryRow:
    """One change-log entry ready for the page: what kind of object, and each changed field before → after."""

    entry: ChangeLogEntry
    object_type: str
    changes: list[FieldChange]


def _field(model, attname: str):
    try:
        return model._meta.get_field(attname)
    except FieldDoesNotExist:
        for field in model._meta.concrete_fields:
            if field.attname == attname:
                return field
    return None


def _display(field, value) -> str:
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def _history_row(entry: ChangeLogEntry) -> HistoryRow:
    model = entry.content_type.model_class()
    # Show the fields in the model's own order rather than the log's alphabetical one.
    order = {f.attname: i for i, f in enumerate(model._meta.concrete_fields)} if model else {}
    changes = []
    for attname, before, after in sorted(entry.changes(), key=lambda c: order.get(c[0], len(order))):
        if attname in HISTORY_HIDDEN_FIELDS:
            continue
        field = _field(model, attname) if model else None
        shown_before, shown_after = _display(field, before), _display(field, after)
        if shown_before == shown_after:
            continue  # None and "" both mean "not filled in"
        label = str(field.verbose_name) if field is not None else attname
        changes.append(FieldChange(label=label, before=shown_before, after=shown_after))
    object_type = str(model._meta.verbose_name) if model else entry.content_type.model
    return HistoryRow(entry=entry, object_type=object_type, changes=changes)


class History(list):
    """History rows, newest first, knowing whether older entries were left out."""

    def __init__(self, rows, *, limit: int):
        super().__init__(rows)
        self.limit = limit
        self.truncated = len(rows) >= limit


def object_history(user, *sources: models.Model | QuerySet, limit: int = HISTORY_LIMIT) -> History:
    """The change log of some objects (instances, or querysets such as an enterprise's years), newest first.

    Only entries of zones the user may see are returned. Objects given as a queryset are matched by
    their current ids, which uses the log's (content type, object id) index.
    """
    condition = Q(pk__in=[])
    for source in sources:
        if isinstance(source, QuerySet):
            model, ids = source.model, [str(pk) for pk in source.values_list("pk", flat=True)]
        else:
            model, ids = type(source), [str(source.pk)]
        if ids:
            condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    entries = ChangeLogEntry.objects.restrict(user).filter(condition).select_related("content_type")[:limit]
    return History([_history_row(entry) for entry in entries], limit=limit)


def attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A file for the browser to save under this name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the field it names when the form has that field."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def edit_page(
    request,
    *,
    form,
    save: Callable[[object], models.Model],
    template: str,
    success_url: Callable[[models.Model], str],
    context: dict | None = None,
    invalid_status: int = 200,
):
    """The edit flow: show the form; on a valid POST save through the service in one transaction.

    A ValidationError from the service becomes form errors; PermissionDenied propagates to the 403 page. A POST
    that saves nothing answers ``invalid_status`` (400 where the page says so to scripts and tests).
    """
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                obj = save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(success_url(obj))
    status = invalid_status if request.method == "POST" else 200
    return render(request, template, {"form": form, **(context or {})}, status=status)


def bad_request(request, exception=None):
    """The 400 page (handler400): names what was wrong when a parameter was (``core.params.BadParameter``); the API
    gets the same message as JSON."""
    from django.http import JsonResponse

    from yuanqu.core.params import BadParameter

    message = str(exception) if isinstance(exception, BadParameter) else ""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or "请求无效 / bad request"}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
