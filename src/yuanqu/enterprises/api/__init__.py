"""REST API of the enterprises app."""
