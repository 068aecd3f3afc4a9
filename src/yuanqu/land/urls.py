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
    path("map/", views.land_map, name="map"),
    path("map/parcels.geojson", views.land_map_geojson, name="map-geojson"),
    path("map/zones.geojson", views.land_map_zones, name="map-zones"),
    path("map/tiles/<int:z>/<int:x>/<int:y>.mvt", views.land_map_tile, name="map-tile"),
    path("map/enterprises.geojson", views.land_map_enterprises, name="map-enterprises"),
    path("map/projects.geojson", views.land_map_projects, name="map-projects"),
    path("map/search.json", views.land_map_search, name="map-search"),
    path("map/basemaps/", views.base_map_list, name="base-maps"),
    path("map/basemaps/new/", views.base_map_edit, name="base-map-add"),
    path("map/basemaps/<int:pk>/", views.base_map_edit, name="base-map-edit"),
]
