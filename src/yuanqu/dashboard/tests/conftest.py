"""Fixtures of the dashboard's tests."""

from yuanqu.site.tests.browser.conftest import chromium_path  # noqa: F401  (the browser tests' fixture)
