"""The map's tests share the land fixture (land/tests/conftest.py) and the browser tests' Chromium."""

from yuanqu.land.tests.conftest import land_world  # noqa: F401
from yuanqu.site.tests.browser.conftest import chromium_path  # noqa: F401  (fixtures made available here)
