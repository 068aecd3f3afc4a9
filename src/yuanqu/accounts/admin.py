"""Admin of users: an administrator sees and changes only the users it may manage, through the account services."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yuanqu.accounts import services
from yuanqu.accounts.models import User
from yuanqu.core.access import can_manage_users, is_city_admin
from yuanqu.core.admin import RestrictedLookups
from yuanqu.core.changelog import acting
from yuanqu.core.views import add_service_errors
from yuanqu.zones.models import Zone


class AssignmentCheckMixin:
    """Checks on the form that the acting administrator may hand out this role and these zones."""

    acting_user = None

    def clean(self):
        data = super().clean()
        instance = self.instance
        zones = data.get("zones") if "zones" in self.fields else (instance.zones.all() if instance.pk else [])
        try:
            services.check_assignment(
                acting_user=self.acting_user,
                role=data.get("role", instance.role),
                zones=list(zones or []),
                is_staff=data.get("is_staff", instance.is_staff),
                is_superuser=data.get("is_superuser", instance.is_superuser),
            )
        except ValidationError as exc:
            add_service_errors(self, exc)
        except PermissionDenied as exc:
            self.add_error(None, str(exc))
        return data


class UserAddForm(AssignmentCheckMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "role", "zones")


class UserEditForm(AssignmentCheckMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(RestrictedLookups, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    list_display = ("username", "first_name", "last_name", "role", "is_active", "is_staff", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    filter_horizontal = ("zones", "groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (_("角色与园区"), {"fields": ("role", "zones")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "zones", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        return services.manageable_users(request.user).order_by(*(self.get_ordering(request) or ("username",)))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Only a superuser hands out superuser rights and Django permissions; a zone admin not even staff.
        hidden = {"is_superuser", "groups", "user_permissions"}
        if not is_city_admin(request.user):
            hidden.add("is_staff")
        return [(name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]}) for name, opts in fieldsets]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "zones":
            kwargs["queryset"] = Zone.objects.restrict(request.user, action="change").order_by("code", "name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not is_city_admin(request.user):
            kwargs["choices"] = [c for c in db_field.choices if c[0] in services.ZONE_BOUND_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def _manager(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff and can_manage_users(request.user))

    def has_module_permission(self, request) -> bool:
        return self._manager(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._manager(request) and (obj is None or self._may_manage(request, obj))

    def has_add_permission(self, request) -> bool:
        return self._manager(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._manager(request) and (obj is None or self._may_manage(request, obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj) and (obj is None or obj.pk != request.user.pk)

    def _may_manage(self, request, obj) -> bool:
        return services.can_manage_user(acting_user=request.user, user=obj)

    def save_model(self, request, obj, form, change):
        zones = list(form.cleaned_data["zones"]) if "zones" in form.cleaned_data else None
        password = None
        if not change and form.cleaned_data.get("set_usable_password", True):
            password = form.cleaned_data.get("password1") or None
        with acting(source="page", user=request.user):
            services.save_user(user=obj, zones=zones, password=password, acting_user=request.user)

    def delete_model(self, request, obj):
        with acting(source="page", user=request.user):
            services.delete_user(user=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(), acting(source="page", user=request.user):
            for user in queryset:
                services.delete_user(user=user, acting_user=request.user)
