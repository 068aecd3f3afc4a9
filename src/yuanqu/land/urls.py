"""Pages of the land app."""

from django.urls import path

from yuanqu.land import views

app_name = "land"
urlpatterns = [
    path("parcels/", views.parcel_list, name="parcel-list"),
    path("parcels/<int:pk>/", views.parcel_detail, name="parcel-detail"),
    path("parcels/<int:pk>/edit/", views.parcel_edit, name="parcel-edit"),
    path("ledger/", views.land_ledger, name="ledger"),
    path("ledger/export/", views.land_ledger_export, name="ledger-export"),
    path("ledger/export/layer/", views.land_status_layer, name="status-layer"),
    path("rules/", views.land_rules, name="rules"),
]
