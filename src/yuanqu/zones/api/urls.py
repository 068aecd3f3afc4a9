"""API routes of the zones app."""

urlpatterns: list = []
