"""Pages of the projects app."""

from django.urls import path

from yuanqu.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("board/", views.project_board, name="project-board"),
    path("alerts/", views.project_alerts, name="project-alerts"),
    path("alerts/export.xlsx", views.project_alerts_export, name="project-alerts-export"),
    path("alerts/respond/", views.project_alert_respond, name="project-alert-respond"),
    path("statistics/", views.project_statistics, name="project-statistics"),
    path("statistics/export/", views.project_statistics_export, name="project-statistics-export"),
    path("new/", views.project_create, name="project-create"),
    path("pick/parcels.json", views.pick_parcels, name="pick-parcels"),
    path("pick/enterprises.json", views.pick_enterprises, name="pick-enterprises"),
    path("pick/projects.json", views.pick_projects, name="pick-projects"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
    path("<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("<int:pk>/delete/", views.project_delete, name="project-delete"),
    path("<int:pk>/agreement/", views.project_agreement, name="project-agreement"),
    path("<int:pk>/advance/", views.project_advance, name="project-advance"),
    path("events/<int:pk>/correct/", views.event_correct, name="event-correct"),
    path("<int:pk>/admission/", views.project_admission, name="project-admission"),
]
