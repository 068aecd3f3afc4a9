"""URL map: pages per app, the API under /api/, the admin, and language switching."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# The apps' admin modules register here, where the pages are served, rather than at start-up (yuanqu.core.apps).
admin.autodiscover()

api_patterns = [
    path("", include("yuanqu.zones.api.urls")),
    path("", include("yuanqu.land.api.urls")),
    path("", include("yuanqu.enterprises.api.urls")),
    path("", include("yuanqu.projects.api.urls")),
    path("", include("yuanqu.targets.api.urls")),
    path("", include("yuanqu.ranking.api.urls")),
    path("", include("yuanqu.evaluation.api.urls")),
    path("", include("yuanqu.accounts.api.urls")),
    path("", include("yuanqu.chains.api.urls")),
    path("", include("yuanqu.service.api.urls")),
    path("", include("yuanqu.core.jobs.api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", include("yuanqu.dashboard.urls")),
    path("favicon.ico", RedirectView.as_view(url="/static/yuanqu/favicon.svg", permanent=True)),
    path("", include("yuanqu.accounts.urls")),
    path("zones/", include("yuanqu.zones.urls")),
    # The map's page moved from the land app; old bookmarks keep working.
    path("land/map/", RedirectView.as_view(pattern_name="maps:map", permanent=True, query_string=True)),
    path("land/", include("yuanqu.land.urls")),
    path("enterprises/", include("yuanqu.enterprises.urls")),
    path("projects/", include("yuanqu.projects.urls")),
    path("evaluation/", include("yuanqu.evaluation.urls")),
    path("ranking/", include("yuanqu.ranking.urls")),
    path("map/", include("yuanqu.maps.urls")),
    path("supervision/", include("yuanqu.targets.urls")),
    path("chains/", include("yuanqu.chains.urls")),
    path("service/", include("yuanqu.service.urls")),
    path("imports/", include("yuanqu.core.urls")),
    path("jobs/", include("yuanqu.core.jobs.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
]

# A bad parameter answers 400 naming it (yuanqu.core.params), as a page or, under /api/, as JSON.
handler400 = "yuanqu.core.views.bad_request"
