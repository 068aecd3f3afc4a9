"""Per-mu evaluation in the platform: stored methods, runs with their results, pages, API and export."""
