"""Parcels of land with their polygons, dates and figures."""
