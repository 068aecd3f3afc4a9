"""Django settings for yuanqu; everything a deployment changes comes from YUANQU_* environment variables."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("YUANQU_DATA_DIR", "var")).resolve()

SECRET_KEY = os.environ.get("YUANQU_SECRET_KEY", "yuanqu-insecure-development-key-change-me-in-production")
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
    "yuanqu.core",
    "yuanqu.accounts",
    "yuanqu.workdays",
    "yuanqu.targets",
    "yuanqu.zones",
    "yuanqu.land",
    "yuanqu.enterprises",
    "yuanqu.projects",
    "yuanqu.evaluation",
    "yuanqu.maps",
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
    "yuanqu.core.middleware.ChangeContextMiddleware",
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
# the rows of the map's recently used scopes out again in a background thread of the server.
YUANQU_TILE_WARMUP = os.environ.get("YUANQU_TILE_WARMUP", "1") == "1"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "tiles": {
        "BACKEND": "yuanqu.maps.cache.TileFileCache",
        "LOCATION": os.environ.get("YUANQU_TILE_CACHE_DIR", str(DATA_DIR / "cache" / "tiles")),
        "TIMEOUT": 7 * 24 * 3600,
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

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
FILE_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
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
    "ENUM_NAME_OVERRIDES": {"ProjectStageEnum": "yuanqu.projects.models.Stage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YUANQU_LOG_LEVEL", "WARNING")},
}
