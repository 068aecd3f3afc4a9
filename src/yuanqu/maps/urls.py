"""Pages of the one map."""

from django.urls import path

from yuanqu.maps import views

app_name = "maps"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("parcels.geojson", views.parcels_geojson, name="map-geojson"),
    path("zones.geojson", views.zones_geojson, name="map-zones"),
    path("tiles/<int:z>/<int:x>/<int:y>.mvt", views.tile, name="map-tile"),
    path("layers/<slug:key>.geojson", views.layer_geojson, name="map-layer"),
    path("search.json", views.search, name="map-search"),
    path("basemaps/", views.base_map_list, name="base-maps"),
    path("basemaps/new/", views.base_map_edit, name="base-map-add"),
    path("basemaps/<int:pk>/", views.base_map_edit, name="base-map-edit"),
]
