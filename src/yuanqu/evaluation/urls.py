"""Pages of per-mu evaluation."""

from django.urls import path

from yuanqu.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.run_list, name="run-list"),
    path("new/", views.run_new, name="run-new"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/distribution/", views.run_distribution, name="run-distribution"),
    path("runs/<int:pk>/zones/", views.run_zones, name="run-zones"),
    path("migration/", views.migration, name="migration"),
    path("runs/<int:pk>/public-list.xlsx", views.run_export, name="run-export"),
    path("runs/<int:pk>/report.docx", views.run_report, name="run-report"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run-publish"),
    path("methods/", views.method_list, name="method-list"),
    path("methods/new/", views.method_edit, name="method-new"),
    path("methods/<int:pk>/", views.method_detail, name="method-detail"),
    path("methods/<int:pk>/edit/", views.method_edit, name="method-edit"),
    path("results/<int:pk>/", views.result_detail, name="result-detail"),
]
