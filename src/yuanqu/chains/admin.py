"""Admin of chains (restricted like the pages: a chain is seen through any of its zones, changed only by someone who
may change all of them), their links inline, target firms, corrections and project tags; saved through the
services."""

from django.contrib import admin

from yuanqu.chains import services
from yuanqu.chains.models import Chain, ChainFirm, ChainNode, ChainProject, TargetFirm
from yuanqu.core.access import can_edit
from yuanqu.core.admin import ZoneScopedAdmin, ZoneScopedPermissions, zone_filter
from yuanqu.core.changelog import acting


class ChainPermissions(ZoneScopedPermissions):
    """A chain belongs to several zones: seen through any of them, changed only with rights on all of them."""

    def _chain(self, obj):
        return obj if isinstance(obj, Chain) else getattr(obj, "chain", None)

    def has_view_permission(self, request, obj=None) -> bool:
        if not super().has_module_permission(request):
            return False
        chain = self._chain(obj)
        return chain is None or chain.pk is None or services.can_see_chain(request.user, chain)

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_module_permission(request) or not can_edit(request.user):
            return False
        chain = self._chain(obj)
        return chain is None or chain.pk is None or services.can_edit_chain(request.user, chain)


class ChainNodeInline(ChainPermissions, admin.TabularInline):
    model = ChainNode
    fk_name = "chain"
    extra = 0
    fields = ("code", "name", "parent", "position", "industry_codes", "keywords", "nbs_category", "order")


@admin.register(Chain)
class ChainAdmin(ChainPermissions, admin.ModelAdmin):
    list_display = ("name", "owner", "weak_below", "preset")
    list_filter = (zone_filter("zones"),)
    search_fields = ("name", "owner")
    inlines = [ChainNodeInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.restrict(request.user)  # a superuser sees every zone

    def save_model(self, request, obj, form, change):
        with acting(source="page", user=request.user):
            services.save_chain(
                chain=obj,
                user=request.user,
                zones=list(form.cleaned_data["zones"]),
                leading_enterprises=list(form.cleaned_data.get("leading_enterprises") or []),
            )

    def save_related(self, request, form, formsets, change):
        # The zones and leading firms were set by the service; the links go through it one by one.
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        with acting(source="page", user=request.user):
            for node in formset.save(commit=False):
                node.chain = form.instance
                services.save_node(node=node, user=request.user)
            for node in formset.deleted_objects:
                services.delete_node(node=node, user=request.user)

    def delete_model(self, request, obj):
        with acting(source="page", user=request.user):
            services.delete_chain(chain=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with acting(source="page", user=request.user):
            for obj in queryset:
                services.delete_chain(chain=obj, user=request.user)


@admin.register(TargetFirm)
class TargetFirmAdmin(ZoneScopedAdmin):
    list_display = ("name", "node", "zone", "status", "relation")
    list_filter = (zone_filter("zone"), "status")
    search_fields = ("name", "uscc")

    def save_service(self, obj, user, form):
        services.save_target(target=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_target(target=obj, user=user)


@admin.register(ChainFirm)
class ChainFirmAdmin(ZoneScopedAdmin):
    list_display = ("node", "enterprise", "decision", "note")
    list_filter = (zone_filter("enterprise__zone"), "decision")
    zone_fields = ()

    def save_service(self, obj, user, form):
        services.correct_firm(node=obj.node, enterprise=obj.enterprise, decision=obj.decision, user=user, note=obj.note)

    def delete_service(self, obj, user):
        services.correct_firm(node=obj.node, enterprise=obj.enterprise, decision=None, user=user)


@admin.register(ChainProject)
class ChainProjectAdmin(ZoneScopedAdmin):
    list_display = ("project", "node", "kind")
    list_filter = (zone_filter("project__zone"), "kind")
    zone_fields = ()

    def save_service(self, obj, user, form):
        services.tag_project(project=obj.project, node=obj.node, kind=obj.kind, user=user)

    def delete_service(self, obj, user):
        services.tag_project(project=obj.project, node=None, user=user)
