"""Pages of the import pipeline (upload, report, confirm) and templates."""

app_name = "imports"
urlpatterns: list = []
