"""The platform's admin site: Django's, with "view on site" answering only for objects the user may see.

Django's stock "view on site" (``/admin/r/<content type>/<id>/``) fetches any object of any model with the
unrestricted manager; here the object is looked up through its model admin's restricted queryset, and another
zone's object is "not found" exactly as a missing one is.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import path


class AdminSite(admin.AdminSite):
    def get_urls(self):
        urls = super().get_urls()
        restricted = path(
            "r/<int:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site), name="view_on_site"
        )
        return [restricted if getattr(url, "name", None) == "view_on_site" else url for url in urls]

    def view_on_site(self, request, content_type_id, object_id):
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        if model is None or not self.is_registered(model):
            raise Http404
        model_admin = self.get_model_admin(model)
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)
