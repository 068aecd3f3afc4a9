"""Pages of the zones app."""

app_name = "zones"
urlpatterns: list = []
