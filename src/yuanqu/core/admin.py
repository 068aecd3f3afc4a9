"""Admin building blocks shared by every app: zone-scoped querysets, role-based permissions, lookups restricted
to the user's zones, writes through the services, and the read-only change log.

In the admin as on the pages, a user's role and zones decide what they may see and change (Django's
per-model permissions are not used); every save and delete goes through the app's service function,
so the same checks run and the change log records the source "page".

Django's admin looks related objects up with the unrestricted ``_default_manager`` in three places: the choices
of a foreign-key field, the label beside a raw-id field, and the selected option of an autocomplete field.
``RestrictedLookups`` hands each of them the user's restricted queryset, so walking ids (``?parcel=1``, ``=2``,
...) on an add or change form names nothing of another zone, and such an id is refused on save.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import can_edit, can_edit_zone, can_see_zone, get_zone_model, is_city_admin, zone_id_of
from yuanqu.core.changelog import acting
from yuanqu.core.jobs import services as jobs_services
from yuanqu.core.jobs.models import Job
from yuanqu.core.models import ChangeLogEntry
from yuanqu.core.params import BadParameter

admin.site.site_header = _("园区管理后台")
admin.site.site_title = _("园区管理后台")
admin.site.index_title = _("后台管理")


def _staff(request) -> bool:
    return bool(request.user.is_active and request.user.is_staff)


def restricted_queryset(model, request, admin_site=admin.site):
    """The rows of ``model`` the request's user may see: its zone-scoped manager restricted, else what the
    model's own admin shows the user; None for a model that belongs to no zone and has no admin (content types)."""
    manager = model._default_manager
    if hasattr(manager, "restrict"):
        return manager.restrict(request.user)
    if admin_site.is_registered(model):
        return admin_site.get_model_admin(model).get_queryset(request)
    return None


class RestrictedRawIdWidget(ForeignKeyRawIdWidget):
    """The raw-id field's label looked up among the rows the user may see; another zone's id gets no label."""

    def __init__(self, rel, admin_site, *, queryset, attrs=None, using=None):
        super().__init__(rel, admin_site, attrs=attrs, using=using)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            obj = self.queryset.using(self.db).get(**{key: value})
        except (ValueError, TypeError, OverflowError, ValidationError, self.rel.model.DoesNotExist):
            return "", ""
        opts = obj._meta
        try:
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=(obj.pk,))
        except NoReverseMatch:
            url = ""
        return Truncator(obj).words(14), url


# The admin list's own parameters (search, order, page, popups), not filters.
ADMIN_LIST_PARAMETERS = frozenset({"q", "o", "p", "all", "e", "_popup", "_to_field", "_changelist_filters"})


def _bad_filter(request, names: list[str]) -> BadParameter:
    """The 400 of an admin list given filter values it cannot use, naming the parameters (both languages)."""
    named = ", ".join(names) if names else "?"
    shown = request.GET.get(names[0]) if len(names) == 1 else None
    return BadParameter(named, "筛选条件无效", "the list cannot be filtered by this value", shown)


class RestrictedLookups:
    """Foreign keys and many-to-many fields of the admin's forms (model admins and inlines) choose among, label
    and validate against the rows the user may see, never the unrestricted manager; a list given filter values it
    cannot use (letters for a year, a date of month 13, a page past the end) answers 400."""

    def get_changelist_instance(self, request):
        # A NUL character fails only when PostgreSQL reads the query, after Django's own checks.
        with_nul = [name for name, values in request.GET.lists() if any("\x00" in value for value in values)]
        if with_nul:
            raise _bad_filter(request, with_nul)
        # Django would redirect to "?e=1" and then show a page blaming the database installation.
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters as exc:
            # Django does not say which filter failed: the page names the list's filters it was given.
            raise _bad_filter(request, [name for name in request.GET if name not in ADMIN_LIST_PARAMETERS]) from exc

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete endpoint searches here too; PostgreSQL refuses a NUL character in a text comparison.
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = restricted_queryset(db_field.remote_field.model, request, self.admin_site)
            if queryset is not None:
                kwargs["queryset"] = queryset
        if "widget" not in kwargs and "queryset" in kwargs and db_field.name in self.raw_id_fields:
            kwargs["widget"] = RestrictedRawIdWidget(
                db_field.remote_field, self.admin_site, queryset=kwargs["queryset"], using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = restricted_queryset(db_field.remote_field.model, request, self.admin_site)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ZoneListFilter(admin.SimpleListFilter):
    """Filter by zone, offering only the zones the user may see (the stock filter would list every zone).

    A value that is not one of those zones (another zone's id, letters, ``²``, a number too large for the
    database) lists nothing rather than failing."""

    title = _("园区")
    parameter_name = "zone"
    zone_lookup = "zone"

    def lookups(self, request, model_admin):
        zones = get_zone_model().objects.restrict(request.user).order_by("code", "name")
        return [(str(z.pk), z.name) for z in zones]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value not in {pk for pk, _name in self.lookup_choices}:
            return queryset.none()
        return queryset.filter(**{f"{self.zone_lookup}__pk": int(value)})


def zone_filter(lookup: str) -> type[ZoneListFilter]:
    """The zone filter for a model that reaches its zone by ``lookup`` (e.g. "enterprise__zone")."""
    return type(f"ZoneListFilter_{lookup}", (ZoneListFilter,), {"zone_lookup": lookup})


class ZoneScopedPermissions(RestrictedLookups):
    """Permissions from the user's role and zones, and lookups restricted to them, for model admins and inlines
    alike."""

    def _parent_zone_id(self, obj):
        return zone_id_of(obj)

    def has_module_permission(self, request) -> bool:
        return _staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        if not _staff(request):
            return False
        return obj is None or can_see_zone(request.user, self._parent_zone_id(obj))

    def has_add_permission(self, request, obj=None) -> bool:
        return _staff(request) and can_edit(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if not _staff(request) or not can_edit(request.user):
            return False
        return obj is None or can_edit_zone(request.user, self._parent_zone_id(obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)


class ZoneScopedAdmin(ZoneScopedPermissions, admin.ModelAdmin):
    """A model admin restricted to the user's zones that writes through ``save_service``/``delete_service``.

    Subclasses set ``save_service(obj, user, form)`` and ``delete_service(obj, user)``.
    """

    zone_fields = ("zone",)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.restrict(request.user)  # a superuser sees every zone

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.zone_fields:
            kwargs["queryset"] = (
                get_zone_model().objects.restrict(request.user, action="change").order_by("code", "name")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_service(self, obj, user, form):
        raise NotImplementedError

    def delete_service(self, obj, user):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        with acting(source="page", user=request.user):
            self.save_service(obj, request.user, form)

    def delete_model(self, request, obj):
        with acting(source="page", user=request.user):
            self.delete_service(obj, request.user)

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" action, one service call per object so each is checked and logged.
        with transaction.atomic(), acting(source="page", user=request.user):
            for obj in queryset:
                self.delete_service(obj, request.user)


def _city_admin(request) -> bool:
    return bool(request.user.is_staff and is_city_admin(request.user))


class CityAdminOnly(RestrictedLookups, admin.ModelAdmin):
    """City-wide settings (the working-day calendar, deadline rules, admission rules): any staff user may read
    them, only a city administrator changes them.

    Saves go through the ordinary model save, which the change log records (the admin's requests carry
    the user and the source "page").
    """

    def has_module_permission(self, request) -> bool:
        return _staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return _city_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _city_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _city_admin(request)


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(RestrictedLookups, admin.ModelAdmin):
    """The change log, read-only, restricted to the user's zones."""

    list_display = ("time", "username", "source", "action", "content_type", "object_repr", "zone")
    list_filter = ("source", "action", "content_type", ZoneListFilter)
    search_fields = ("object_repr", "username", "object_id")
    list_select_related = ("content_type", "zone")
    readonly_fields = [f.name for f in ChangeLogEntry._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.restrict(request.user)  # a superuser sees every zone

    def has_module_permission(self, request) -> bool:
        return _staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _staff(request) and (obj is None or can_see_zone(request.user, obj.zone_id))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(RestrictedLookups, admin.ModelAdmin):
    """The stored jobs, read-only and restricted like the job pages: the jobs of the user's zones and the user's
    own. Queued or running jobs can be cancelled (through the job service, which checks and logs it); a job is
    never edited or deleted by hand (its history is the record of what ran)."""

    list_display = ("id", "label", "kind", "state", "user", "zone", "created", "finished", "attempts", "worker")
    list_filter = ("state", "kind", ZoneListFilter)
    search_fields = ("label", "kind", "user__username", "message")
    list_select_related = ("user", "zone")
    readonly_fields = [f.name for f in Job._meta.fields]
    actions = ["cancel_jobs"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.restrict(request.user)  # a superuser sees every zone

    def has_module_permission(self, request) -> bool:
        return _staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _staff(request) and (obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("取消所选任务"), permissions=["view"])
    def cancel_jobs(self, request, queryset):
        done = refused = 0
        with acting(source="page", user=request.user):
            for job in queryset.filter(state__in=(Job.State.QUEUED, Job.State.RUNNING)):
                try:
                    jobs_services.cancel(job=job, user=request.user)
                    done += 1
                except (PermissionDenied, ValidationError):
                    refused += 1
        self.message_user(
            request, _("已取消 %(done)d 个任务，%(refused)d 个无权或已结束。") % {"done": done, "refused": refused}
        )
