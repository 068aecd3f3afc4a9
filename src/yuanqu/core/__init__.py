"""Shared foundations: zone-scoped querysets, the change log, the import pipeline, shared views."""
