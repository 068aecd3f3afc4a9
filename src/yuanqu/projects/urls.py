"""Pages of the projects app."""

from django.urls import path

from yuanqu.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("board/", views.project_board, name="project-board"),
    path("alerts/", views.project_alerts, name="project-alerts"),
    path("statistics/", views.project_statistics, name="project-statistics"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
    path("<int:pk>/advance/", views.project_advance, name="project-advance"),
    path("<int:pk>/admission/", views.project_admission, name="project-admission"),
]
