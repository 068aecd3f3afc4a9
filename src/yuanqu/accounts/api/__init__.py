"""User management through the API, under the same rule as the pages and the command line."""
