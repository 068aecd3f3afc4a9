"""REST API of per-mu evaluation."""
