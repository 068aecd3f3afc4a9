"""Building blocks every app's API shares: zone-scoped viewset, permission, pagination, errors."""
