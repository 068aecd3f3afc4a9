"""The map's tests share the land fixture (tests/land/conftest.py) and the browser tests' Chromium."""

from tests.browser.conftest import chromium_path  # noqa: F401  (fixtures made available here)
from tests.land.conftest import land_world  # noqa: F401
