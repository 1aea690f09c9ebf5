"""Settings, read from the environment.

DATABASE_URL   PostgreSQL (or any dj-database-url URL); unset means SQLite at var/seamline.sqlite3.
SECRET_KEY     required when DEBUG is off.
DEBUG          "1"/"true" to turn on debug pages.
ALLOWED_HOSTS  comma-separated host names.
SEAMLINE_VAR   folder for the SQLite file and other local state (default: ./var).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SEAMLINE_VAR", Path.cwd() / "var")).resolve()

DEBUG = _env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and _env_bool("SEAMLINE_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-dev-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # its static files: /api/v1/docs loads Swagger UI from here, not from a CDN (works offline)
    "django_tasks",
    "django_tasks_db",
    "seamline.core",
    "seamline.accounts",
    "seamline.facilities",
    "seamline.catalog",
    "seamline.production",
    "seamline.cutting",
    "seamline.floor",
    "seamline.trace",
    "seamline.lineage",
    "seamline.footprint",
    "seamline.passport",
    "seamline.drops",
    "seamline.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "seamline.accounts.middleware.OrganizationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "seamline.config.urls"
WSGI_APPLICATION = "seamline.config.wsgi.application"
ASGI_APPLICATION = "seamline.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "seamline.accounts.middleware.organization_context",
            ],
        },
    }
]

# SQLite by default: WAL so readers never wait for the writer, IMMEDIATE transactions so that
# the write paths guarding a limit serialise exactly as select_for_update() does on PostgreSQL.
SQLITE_PATH = VAR_DIR / "seamline.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Under ASGI every request runs in a fresh thread, so persistent per-thread connections would pile up;
    # a psycopg connection pool hands them back at the end of each request instead.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2,
            "max_size": int(os.environ.get("SEAMLINE_DB_POOL_SIZE", "16")),
            "timeout": 10,
        }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
            # A file (not :memory:) so threads in the concurrency tests share it; one per process.
            "TEST": {"NAME": VAR_DIR / f"test-{os.getpid()}.sqlite3"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
USE_I18N = False
USE_TZ = True
TIME_ZONE = "America/Los_Angeles"  # shown to people; stored as UTC

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the apps; no collectstatic step for the demo

# Redis, when REDIS_URL is set, so counters such as the pre-order rate limit are shared by every process.
if REDIS_URL := os.environ.get("REDIS_URL", ""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Seamline <noreply@seamline.local>")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "seamline": {"handlers": ["console"], "level": "INFO"},
        # Tracebacks of 500s go to the server's log, with or without DEBUG.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
# Drops. The base URL goes into e-mails (the customer's private order link).
SEAMLINE_BASE_URL = os.environ.get("SEAMLINE_BASE_URL", "http://127.0.0.1:8000")
SEAMLINE_PAYMENT_PROVIDER = os.environ.get("SEAMLINE_PAYMENT_PROVIDER", "manual")  # or "stripe"
SEAMLINE_PREORDER_RATE = os.environ.get("SEAMLINE_PREORDER_RATE", "30/10s")  # per client IP; "off" disables
SEAMLINE_TRUST_X_FORWARDED_FOR = _env_bool("SEAMLINE_TRUST_X_FORWARDED_FOR")  # only behind your own proxy
SEAMLINE_STRIPE_SECRET_KEY = os.environ.get("SEAMLINE_STRIPE_SECRET_KEY", "")
SEAMLINE_STRIPE_API_BASE = os.environ.get("SEAMLINE_STRIPE_API_BASE", "https://api.stripe.com")
SEAMLINE_WAGE_PER_HOUR = os.environ.get("SEAMLINE_WAGE_PER_HOUR", "20.00")  # for the drop's cash-flow view
