"""Django settings for yuanqu; everything a deployment changes comes from YUANQU_* environment variables."""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("YUANQU_DATA_DIR", "var")).resolve()


def _whole_number(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip() or str(default)
    if not text.isascii() or not text.isdigit():
        raise ImproperlyConfigured(
            f"{name} 应为非负整数，而不是 {text!r} / {name} must be a whole number, not {text!r}"
        )
    return int(text)


# Public, so anyone could forge sessions with it: `yuanqu serve` refuses to serve beyond this machine with it, and
# `check --deploy` reports it (yuanqu.core.checks).
DEVELOPMENT_SECRET_KEY = "yuanqu-insecure-development-key-change-me-in-production"
SECRET_KEY = os.environ.get("YUANQU_SECRET_KEY", "").strip() or DEVELOPMENT_SECRET_KEY
DEBUG = os.environ.get("YUANQU_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("YUANQU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("YUANQU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "yuanqu.core.apps.AdminConfig",  # django.contrib.admin with the platform's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "yuanqu.core",
    "yuanqu.accounts",
    "yuanqu.workdays",
    "yuanqu.targets",
    "yuanqu.ranking",
    "yuanqu.zones",
    "yuanqu.land",
    "yuanqu.enterprises",
    "yuanqu.projects",
    "yuanqu.evaluation",
    "yuanqu.chains",
    "yuanqu.maps",
    "yuanqu.service",
    "yuanqu.dashboard",
    "yuanqu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yuanqu.core.middleware.ChineseUnlessChosenMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "yuanqu.core.middleware.ChangeContextMiddleware",
    # Last, as django-axes asks: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yuanqu.site.urls"
WSGI_APPLICATION = "yuanqu.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yuanqu.core.context_processors.navigation",
            ],
        },
    },
]

# Django's renderer with the drop-down lists written in Python (the filter forms' selects were half a list page).
FORM_RENDERER = "yuanqu.core.formrender.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("YUANQU_DATABASE_URL", f"sqlite:///{DATA_DIR / 'yuanqu.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server read while an import writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# The map's vector tiles are cached in files under the data directory, shared by every server process of the
# host; their keys carry a data version, so a change is never served stale (see yuanqu.maps.tiles).
# After a change that drops every stored tile row (new land rules, a published evaluation, a large import), work
# the rows of the map's recently used scopes out again in a job (yuanqu.core.jobs; a worker runs it).
YUANQU_TILE_WARMUP = os.environ.get("YUANQU_TILE_WARMUP", "1") == "1"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "tiles": {
        "BACKEND": "yuanqu.maps.cache.TileFileCache",
        "LOCATION": os.environ.get("YUANQU_TILE_CACHE_DIR", str(DATA_DIR / "cache" / "tiles")),
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
    },
    # Wrong API tokens per address (yuanqu.core.api.throttling.TokenFailureThrottle), shared by every web process of
    # a machine: kept in one process's memory, each process would allow its own ten and a restart would forget them.
    "security": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("YUANQU_SECURITY_CACHE_DIR", str(DATA_DIR / "cache" / "security")),
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
    },
    # The API's request counts per account and per address (yuanqu.core.api.throttling): one process's memory here,
    # Redis with YUANQU_REDIS_URL, so that several machines count together.
    "rates": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rates"},
    # The cockpit's sections, shared by every process of a machine (web and worker): a worker rebuilds what a write
    # made stale while the pages show the last figures (yuanqu.dashboard.cockpit). Four entries a section and view
    # (the section, its version, the page's and the big screen's drawn parts): room for 150 zones' users' views of
    # a few months in two languages.
    "cockpit": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("YUANQU_COCKPIT_CACHE_DIR", str(DATA_DIR / "cache" / "cockpit")),
        "TIMEOUT": 30 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# The zones every record belongs to, as core sees them (yuanqu.core.access.get_zone_model).
YUANQU_ZONE_MODEL = "zones.Zone"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Every password a person sets (user pages, the admin, the API, `yuanqu createuser`) passes these.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "yuanqu.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Password guessing: django-axes locks out after repeated failed logins (the pages and the admin alike) -------
# Failures are counted per account (from any address) and per address (for any account); either reaching the limit
# within the cool-off period refuses every login of that account, or from that address, until the period has passed
# since the last failure. A success does not clear the count (it would let a guesser with an account of their own
# clear their address). What a locked-out person sees: the lockout page in their language, HTTP 429. The lockouts
# are logged (logger "yuanqu.security") and kept in axes' tables; `yuanqu axes_reset_username NAME` unlocks early.
AUTHENTICATION_BACKENDS = [
    "yuanqu.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = _whole_number("YUANQU_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_whole_number("YUANQU_LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "yuanqu.accounts.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "yuanqu.core.api.throttling.client_address"
AXES_VERBOSE = False

# --- Behind a reverse proxy and over HTTPS ------------------------------------------------------------------------
# YUANQU_PROXY_COUNT: how many reverse proxies stand in front of the server (0: none). With one or more, the client's
# address is read from X-Forwarded-For (that many entries from the right: login lockouts and API throttling count
# per address) and X-Forwarded-Proto: https tells a request came over HTTPS. Only set it when the proxy overwrites
# those headers, or anyone could forge them.
PROXY_COUNT = _whole_number("YUANQU_PROXY_COUNT", 0)
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# YUANQU_HTTPS=1: the site is served over HTTPS only: plain HTTP is redirected, cookies are Secure, and browsers are
# told (HSTS) to use HTTPS for YUANQU_HSTS_SECONDS. Subdomains are left out unless YUANQU_HSTS_INCLUDE_SUBDOMAINS=1,
# and the site is not offered for browsers' preload lists: a government domain's other hosts are not ours to bind.
HTTPS = os.environ.get("YUANQU_HTTPS", "0") == "1"
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = _whole_number("YUANQU_HSTS_SECONDS", 365 * 24 * 3600) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("YUANQU_HSTS_INCLUDE_SUBDOMAINS", "0") == "1"
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The two HSTS choices above are deliberate, so their deploy warnings are silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"] + ([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"])

# --- Content-Security-Policy (django-csp) --------------------------------------------------------------------------
# Scripts only from this site (every library is served locally; no inline script, no eval). Styles from this site
# plus inline style attributes: ECharts' tooltips, htmx and the map legend's colour swatches write them, and a style
# cannot run code. MapLibre draws in a blob: worker and paints data:/blob: images. The map page adds the origin of
# the active base map's tiles (an administrator enters it) to img-src and connect-src (yuanqu.maps.views); hosts in
# YUANQU_CSP_EXTRA_HOSTS (comma separated, e.g. https://tiles.example.gov.cn) are allowed on every page.
CSP_EXTRA_HOSTS = [h.strip() for h in os.environ.get("YUANQU_CSP_EXTRA_HOSTS", "").split(",") if h.strip()]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *CSP_EXTRA_HOSTS],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF, *CSP_EXTRA_HOSTS],
        "worker-src": [SELF, "blob:"],
        "child-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
# Bounds on what one import reads, checked before the file is read (yuanqu.core.importing.limits): the file
# (and an upload), what an archive (xlsx, ods, zipped shapefile) unpacks to, the rows of a sheet or CSV and the
# features of a GIS file, the columns, the cells from A1 to the farthest one, and the problems listed in full.
YUANQU_IMPORT_MAX_FILE_MB = int(os.environ.get("YUANQU_IMPORT_MAX_FILE_MB", "200"))
YUANQU_IMPORT_MAX_UNPACKED_MB = int(os.environ.get("YUANQU_IMPORT_MAX_UNPACKED_MB", "1000"))
YUANQU_IMPORT_MAX_ROWS = int(os.environ.get("YUANQU_IMPORT_MAX_ROWS", "200000"))
YUANQU_IMPORT_MAX_COLUMNS = int(os.environ.get("YUANQU_IMPORT_MAX_COLUMNS", "500"))
YUANQU_IMPORT_MAX_CELLS = int(os.environ.get("YUANQU_IMPORT_MAX_CELLS", "5000000"))
YUANQU_IMPORT_MAX_PROBLEMS = int(os.environ.get("YUANQU_IMPORT_MAX_PROBLEMS", "500"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "yuanqu.core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["yuanqu.core.api.permissions.ZoneScopedPermission"],
    "DEFAULT_PAGINATION_CLASS": "yuanqu.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "yuanqu.core.api.exceptions.exception_handler",
    # Requests per client: "anon" per address, "user" per account; "token_failure": wrong API tokens per address,
    # after which that address is answered 429 until the period has passed (yuanqu.core.api.authentication).
    "DEFAULT_THROTTLE_CLASSES": [
        "yuanqu.core.api.throttling.AnonRateThrottle",
        "yuanqu.core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("YUANQU_API_ANON_RATE", "120/minute"),
        "user": os.environ.get("YUANQU_API_USER_RATE", "1200/minute"),
        "token_failure": os.environ.get("YUANQU_API_TOKEN_FAILURE_RATE", "10/hour"),
    },
    "NUM_PROXIES": PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "yuanqu API",
    "DESCRIPTION": "园区 — zones, parcels, enterprises and their yearly figures. Money in 万元, land in 亩.",
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name for the project stages, shared by a project's stage and its events' from/to stages.
    "ENUM_NAME_OVERRIDES": {
        "ProjectStageEnum": "yuanqu.projects.models.Stage",
        "TaskStateEnum": "yuanqu.targets.models.Task.State",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_forbidden": {"()": "yuanqu.core.logging.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_forbidden"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("YUANQU_LOG_LEVEL", "WARNING")},
    # Lockouts and throttled token guessing, whatever the level of the rest.
    "loggers": {"yuanqu.security": {"level": "WARNING"}},
}

# Targets: a line below its yardstick (the share of the year elapsed, or the seasonal share) is amber while it
# reaches this part of it, red below.
YUANQU_PACE_AMBER_SHARE = os.environ.get("YUANQU_PACE_AMBER_SHARE", "0.8")
# Zone evaluation: whether a new run opens every zone's name, total and rank to the zone users (each run's page can
# still open or close it); off, a zone user sees only their own zones' results.
YUANQU_RANKING_OPEN_TO_ZONES = os.environ.get("YUANQU_RANKING_OPEN_TO_ZONES", "0").strip() == "1"
# --- jobs: long work done by a worker (yuanqu.core.jobs) --------------------------------------------------------
# Django's task interface (the django-tasks backport). Without YUANQU_REDIS_URL the queue is the database
# (django-tasks-db) and `yuanqu serve` starts a worker beside the web server; with it, the queue is Redis through
# RQ (django-tasks-rq) and `yuanqu worker` runs on as many machines as needed.
YUANQU_REDIS_URL = os.environ.get("YUANQU_REDIS_URL", "").strip()
YUANQU_JOB_QUEUE = os.environ.get("YUANQU_JOB_QUEUE", "default").strip() or "default"
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
if YUANQU_REDIS_URL:
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [YUANQU_JOB_QUEUE]}}
    # A job may run for hours (a province's evaluation); RQ's default timeout is three minutes.
    RQ_QUEUES = {YUANQU_JOB_QUEUE: {"URL": YUANQU_REDIS_URL, "DEFAULT_TIMEOUT": 6 * 3600}}
    # Several machines serve one platform: the API's request counts and the wrong tokens per address are kept where
    # all of them see them, as the login lockouts are (in the database).
    for _name in ("security", "rates"):
        CACHES[_name] = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": YUANQU_REDIS_URL,
            "KEY_PREFIX": f"yuanqu:{YUANQU_JOB_QUEUE}:{_name}",
            "TIMEOUT": 24 * 3600,
        }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [YUANQU_JOB_QUEUE]}}
# A running job whose worker has not been heard of for this long is taken for dead (its heartbeat is every 2 s).
YUANQU_JOB_STALE_SECONDS = int(os.environ.get("YUANQU_JOB_STALE_SECONDS", "60"))
# Web imports of files larger than this run as jobs; smaller ones answer in the request.
YUANQU_JOB_IMPORT_THRESHOLD_KB = int(os.environ.get("YUANQU_JOB_IMPORT_THRESHOLD_KB", "512"))
# Per-mu runs over at least this many enterprises, and zone evaluation runs over at least this many zones, run as
# jobs; smaller ones answer in the request.
YUANQU_JOB_EVALUATION_MIN_ENTERPRISES = int(os.environ.get("YUANQU_JOB_EVALUATION_MIN_ENTERPRISES", "5000"))
YUANQU_JOB_RANKING_MIN_ZONES = int(os.environ.get("YUANQU_JOB_RANKING_MIN_ZONES", "60"))
# --- the monthly report (yuanqu.dashboard.report) -------------------------------------------------------------
# The city named on the report's cover (empty: "全市"), the office that issues it (empty: "开发区管理办公室"), and
# the font file of the charts' Chinese text (empty: the first CJK font installed, e.g. fonts-noto-cjk).
YUANQU_CITY_NAME = os.environ.get("YUANQU_CITY_NAME", "").strip()
YUANQU_REPORT_ISSUER = os.environ.get("YUANQU_REPORT_ISSUER", "").strip()
YUANQU_CJK_FONT = os.environ.get("YUANQU_CJK_FONT", "").strip()
