"""Fixtures shared by every test: two zones with their users, so isolation is always at hand."""

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from django.utils import translation

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.zones.testing import make_zone


class OneRequestAtATime(WSGIServer):
    """The live server for browser tests on SQLite, answering one request at a time. The test database is
    in memory, so the server shares the test's one connection: a threaded server would run several
    requests' transactions on it at once (a map asks for its tiles together), which no real deployment
    does. PostgreSQL keeps the threaded server, each request with its own connection."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(autouse=True)
def chinese_to_begin_with():
    """Every test starts in the default language: a request through the test client that chose English
    leaves English active in the test's thread, and a later test would read English labels."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def no_background_tile_warmup(settings):
    """The server works the map's tile rows out again in a thread after new rules or a publish; a test that wants
    it turns it back on (tests/maps/test_tiles.py), others must not have a thread writing to their database."""
    settings.YUANQU_TILE_WARMUP = False


@pytest.fixture
def zone_a(db):
    return make_zone("甲经济开发区", code="A001", level="provincial", kind="provincial_dz")


@pytest.fixture
def zone_b(db):
    return make_zone("乙高新技术产业开发区", code="B001", level="national", kind="htz")


@pytest.fixture
def user_a(zone_a):
    return make_user("staff_a", Role.ZONE_STAFF, zones=[zone_a])


@pytest.fixture
def admin_a(zone_a):
    return make_user("admin_a", Role.ZONE_ADMIN, zones=[zone_a])


@pytest.fixture
def user_b(zone_b):
    return make_user("staff_b", Role.ZONE_STAFF, zones=[zone_b])


@pytest.fixture
def city_admin(db):
    return make_user("city", Role.CITY_ADMIN, is_staff=True)


@pytest.fixture
def analyst(db):
    return make_user("analyst", Role.CITY_ANALYST)


@pytest.fixture
def enterprise_a(zone_a):
    return make_enterprise(zone_a, "甲精密机械有限公司")


@pytest.fixture
def enterprise_b(zone_b):
    return make_enterprise(zone_b, "乙电子科技有限公司")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The real limits, for the tests that prove them (yuanqu.site.settings is what a deployment runs).
REAL_THROTTLE_RATES = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])


@pytest.fixture(autouse=True)
def roomy_api_rates_and_a_fresh_cache(settings):
    """The API's request counts live in the cache, which outlives a test: each test starts with none counted, and
    with rates no sweep of the API reaches. The tests of the limits ask for ``real_api_rates``."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["cockpit"].clear()
    caches["security"].clear()
    caches["rates"].clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute", "token_failure": "100000/hour"},
    }
    yield
    cache.clear()
    caches["cockpit"].clear()
    caches["security"].clear()
    caches["rates"].clear()


@pytest.fixture
def real_api_rates(settings, roomy_api_rates_and_a_fresh_cache):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": REAL_THROTTLE_RATES}
