from django.urls import include, path

from yuanqu.site.urls import urlpatterns as site_patterns

urlpatterns = [path("sample/", include("yuanqu.site.tests.sample_app.urls")), *site_patterns]
