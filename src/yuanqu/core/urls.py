"""Pages of the import pipeline (upload, report, confirm), templates and exports."""

from django.urls import path

from yuanqu.core.importing import views

app_name = "imports"
urlpatterns = [
    path("", views.import_start, name="import-start"),
    path("confirm/<str:token>/", views.import_confirm, name="import-confirm"),
    path("templates/<str:kind>.xlsx", views.template_download, name="template"),
    path("export/<str:kind>.<str:fmt>", views.export_download, name="export"),
]
