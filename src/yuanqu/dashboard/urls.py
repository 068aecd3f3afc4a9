"""Pages of the dashboard app."""

from django.urls import path

from yuanqu.dashboard import views

urlpatterns = [path("", views.home, name="home")]
