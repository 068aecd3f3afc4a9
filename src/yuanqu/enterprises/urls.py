"""Pages of the enterprises app."""

from django.urls import path

from yuanqu.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="enterprise-list"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("<int:pk>/years/add/", views.enterprise_year_add, name="enterprise-year-add"),
    path("years/<int:pk>/edit/", views.enterprise_year_edit, name="enterprise-year-edit"),
]
