"""Deployment glue: settings, URLs, WSGI/ASGI."""
