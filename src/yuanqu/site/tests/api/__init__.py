"""API tests (a package, so module names like test_isolation cannot clash with other test folders)."""
