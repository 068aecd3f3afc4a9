"""The import pipeline: read a user's file, validate every row, report every problem, then write."""
