"""REST API of the land app."""
