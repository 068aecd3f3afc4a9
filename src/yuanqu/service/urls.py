"""Pages of the service app."""

from django.urls import path

from yuanqu.service import views

app_name = "service"
urlpatterns = [
    path("", views.request_list, name="request-list"),
    path("board/", views.request_board, name="request-board"),
    path("groups/", views.request_groups, name="request-groups"),
    path("groups/dispatch/", views.request_groups_dispatch, name="request-groups-dispatch"),
    path("requests/add/", views.request_add, name="request-add"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("statistics/", views.statistics, name="statistics"),
    path("mine/", views.my_enterprises, name="my-enterprises"),
    path("visits/", views.visit_list, name="visit-list"),
    path("visits/add/", views.visit_add, name="visit-add"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit-edit"),
    path("enterprises/<int:pk>/officials/add/", views.official_add, name="official-add"),
    path("officials/<int:pk>/delete/", views.official_delete, name="official-delete"),
    path("enterprises/<int:pk>/plans/add/", views.plan_add, name="plan-add"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan-delete"),
    path("plans/<int:pk>/measures/add/", views.measure_add, name="measure-add"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure-edit"),
    path("measures/<int:pk>/delete/", views.measure_delete, name="measure-delete"),
]
