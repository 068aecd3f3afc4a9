"""Pages of the zones app."""

from django.urls import path

from yuanqu.zones import views

app_name = "zones"
urlpatterns = [
    path("", views.zone_list, name="zone-list"),
    path("<int:pk>/", views.zone_detail, name="zone-detail"),
]
