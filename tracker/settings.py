"""Settings for the pledge tracker.

One file, driven by environment variables with safe defaults. Anything that differs between
deployments is read through the small typed helpers below, which refuse a bad value with
ImproperlyConfigured rather than guessing.

DJANGO_DEBUG            "true" turns on debug mode (off by default)
DJANGO_SECRET_KEY       required when debug is off
DJANGO_ALLOWED_HOSTS    comma-separated host names
DATABASE_URL            unset: the embedded SQLite file; postgres://…: PostgreSQL with a connection pool
CACHE_URL               unset: local memory; redis://… or memcached://… for a shared cache
DJANGO_ADMIN_PATH       where the admin lives (default "admin/")
DJANGO_SECURE_SSL       "false" to serve production settings over plain HTTP (local `make serve`)
PROXY_COUNT             how many reverse proxies stand in front (default 0), for login throttling
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value, "
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]

# The public address of the site, used in embeds, feeds, oEmbed and citations.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Review before publishing: an editor marks a draft ready, and another editor publishes it. Off by
# default, for a newsroom of one.
REVIEW_BEFORE_PUBLISH = env_bool("REVIEW_BEFORE_PUBLISH", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.syndication",
    "django.contrib.sitemaps",
    "django_filters",
    "django_countries",
    "simple_history",
    "axes",
    "corsheaders",
    "pledges",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # /releases/<n>/<path>: strips the prefix and reads the release's data, before the language is
    # taken from the path and before the page cache keys the page (pledges.releases).
    "pledges.releases.ReleaseMiddleware",
    # Before the page cache: the cache resolves the path to find its route, and "/uk/…" only resolves
    # once its language is active. The language comes from the URL alone (pledges.languages).
    "pledges.languages.UrlLanguageMiddleware",
    # Outside sessions and auth, so a cached public page is served without touching them.
    "pledges.caching.PublicCacheMiddleware",
    # Inside the page cache, so it keeps each page compressed once per encoding.
    "pledges.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Inside the page cache, so what it keeps is already clean.
    "pledges.middleware.MarkupTextMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Inside the header middleware, so its 400 still carries the security headers.
    "pledges.middleware.RejectNulBytesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "pledges.context_processors.site",
            ],
        },
    },
]

# Database: the embedded SQLite file unless DATABASE_URL says otherwise.
# An empty DATABASE_URL means unset, so `DATABASE_URL= make …` picks SQLite.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's psycopg pool: persistent connections must stay off with it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN", 2),
        "max_size": env_int("DATABASE_POOL_MAX", 8),
        "timeout": 10,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Opening the file and setting its pragmas costs more than a small query: keep connections.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests use a file, not Django's shared-cache memory database: with shared cache, concurrent
    # requests of the load and browser tests fail with "table is locked" instead of waiting.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Pages at a release read that release's own database (pledges.releases).
DATABASE_ROUTERS = ["pledges.releases.ReleaseRouter"]

# Caching: local memory unless a shared cache is configured.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL.startswith("memcached://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": CACHE_URL.removeprefix("memcached://"),
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must start with redis:// or memcached://, not {CACHE_URL!r}.")
else:
    # Bounded: at most this many pages per worker (each at most PAGE_CACHE_MAX_BYTES).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("LOCMEM_CACHE_ENTRIES", 300)},
        }
    }
# Rendered public pages are cached for this long at most; a publish invalidates them at once.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# How long a shared cache in front (a CDN) may keep a public answer without asking again; 0 (the
# default) makes it revalidate every time with the ETag, so a publish shows at once everywhere.
SHARED_CACHE_SECONDS = env_int("SHARED_CACHE_SECONDS", 0)
# A page bigger than this is never kept in the cache (exports and downloads stream or are files).
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", 2_000_000)
# The full downloads, built once per data version and sent as files.
DOWNLOADS_DIR = Path(env_str("DOWNLOADS_DIR") or BASE_DIR / "var" / "downloads")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling: five failures for one username from one address lock that username out there for
# a while, and twenty failures from one address, whatever the usernames, lock the address out.
LOGIN_FAILURES_PER_USERNAME = env_int("AXES_FAILURE_LIMIT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)
AXES_FAILURE_LIMIT = "pledges.security.login_failure_limit"
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind PROXY_COUNT reverse proxies, lock-outs follow the address the outermost proxy saw.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "pledges.security.client_ip_address"

# English at the site's original addresses, Ukrainian under /uk/ (tracker/urls.py). The language is
# the URL's, never a cookie's or the browser's, so a public page is the same for every reader.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("uk", "Українська")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers as each language writes them: "4 September 2025", "4 вересня 2025", "156 000".
FORMAT_MODULE_PATH = ["tracker.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Absolute: a relative STATIC_URL would take the script prefix, which pages at a release set.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names need `collectstatic` first; tests and the development server serve straight from
    # static/ instead (DJANGO_STATIC_MANIFEST=false), through WhiteNoise's finders.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
WHITENOISE_MAX_AGE = 3600

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# Backups (export_data) keep timestamps to the microsecond; Django's "json" rounds to milliseconds.
SERIALIZATION_MODULES = {"json-exact": "pledges.serializers"}

ADMIN_PATH = env_str("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"

# Editors' sessions end after eight hours or when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Requests: nobody needs to send the tracker more than this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 0
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security headers. Everything refuses to be framed except the embed pages, which open
# frame-ancestors themselves.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

if not DEBUG:
    SECURE_SSL = env_bool("DJANGO_SECURE_SSL", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = SECURE_SSL
    SESSION_COOKIE_SECURE = SECURE_SSL
    CSRF_COOKIE_SECURE = SECURE_SSL
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365) if SECURE_SSL else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
    SECURE_HSTS_PRELOAD = SECURE_SSL
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Cross-origin reads: anyone may GET the API and the downloads, in either language (/uk/feeds/…).
CORS_URLS_REGEX = r"^/(uk/)?(api/v1|download|feeds|oembed)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
