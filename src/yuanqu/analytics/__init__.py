"""Pure analytics over Polars frames and shapely geometries; never imports Django."""
