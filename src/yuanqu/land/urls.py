"""Pages of the land app."""

app_name = "land"
urlpatterns: list = []
