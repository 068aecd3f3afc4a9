"""REST API of the projects app."""
