"""Pages of the service app."""

from django.urls import path

from yuanqu.service import views

app_name = "service"
urlpatterns = [
    path("", views.request_list, name="request-list"),
    path("board/", views.request_board, name="request-board"),
    path("requests/add/", views.request_add, name="request-add"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("statistics/", views.statistics, name="statistics"),
    path("mine/", views.my_enterprises, name="my-enterprises"),
    path("visits/", views.visit_list, name="visit-list"),
    path("visits/add/", views.visit_add, name="visit-add"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit-edit"),
]
