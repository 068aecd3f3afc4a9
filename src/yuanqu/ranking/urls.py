"""Pages of the ranking app."""

from django.urls import path

from yuanqu.ranking import views

app_name = "ranking"
urlpatterns = [
    path("figures/", views.figures, name="figures"),
    path("zones/<int:pk>/figures/", views.zone_figures, name="zone-figures"),
    path("peers/", views.peers, name="peers"),
]
