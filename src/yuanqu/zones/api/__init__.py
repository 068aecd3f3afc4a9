"""REST API of the zones app."""
