"""Pages of the ranking app: zone evaluation under /ranking/, the reported figures and the peers."""

from django.urls import path

from yuanqu.ranking import views

app_name = "ranking"
urlpatterns = [
    path("", views.run_list, name="run-list"),
    path("runs/new/", views.run_new, name="run-new"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/ranking.xlsx", views.run_export, name="run-export"),
    path("runs/<int:pk>/bulletin.docx", views.run_bulletin, name="run-bulletin"),
    path("runs/<int:pk>/visibility/", views.run_visibility, name="run-visibility"),
    path("runs/<int:pk>/zones/<int:zone_pk>/", views.zone_profile, name="zone-profile"),
    path("methods/", views.method_list, name="method-list"),
    path("methods/new/", views.method_edit, name="method-new"),
    path("methods/presets/<str:name>/", views.preset_detail, name="preset-detail"),
    path("methods/<int:pk>/", views.method_detail, name="method-detail"),
    path("methods/<int:pk>/edit/", views.method_edit, name="method-edit"),
    path("figures/", views.figures, name="figures"),
    path("zones/<int:pk>/figures/", views.zone_figures, name="zone-figures"),
    path("peers/", views.peers, name="peers"),
]
