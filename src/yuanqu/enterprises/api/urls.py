"""API routes of the enterprises app."""

urlpatterns: list = []
