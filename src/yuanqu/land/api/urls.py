"""API routes of the land app."""

urlpatterns: list = []
