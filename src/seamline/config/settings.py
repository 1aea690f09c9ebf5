"""Settings, read from the environment.

DATABASE_URL   PostgreSQL (or any dj-database-url URL); unset means SQLite at var/seamline.sqlite3.
SECRET_KEY     unset means this install's own random key, kept in var/secret_key.txt (mode 0600).
DEBUG          "1"/"true" to turn on debug pages.
ALLOWED_HOSTS  comma-separated host names.
SEAMLINE_VAR   folder for the SQLite file and other local state (default: ./var).
SEAMLINE_HTTPS "1" behind HTTPS: HSTS, Secure cookies, redirect to https (docs/production.md).
"""

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SEAMLINE_VAR", Path.cwd() / "var")).resolve()


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key_from_file(path: Path) -> str:
    """This install's random secret kept in `path` (mode 0600), made on first use.

    A key written into the code would be everyone's key: anyone with a copy of the database could forge
    sessions and open the passport signing keys. The file is written aside and linked into place, so two
    processes starting at once end up reading the same key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, aside = tempfile.mkstemp(dir=path.parent, prefix=".secret-")  # mkstemp makes it 0600
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(50) + "\n")
            with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                os.link(aside, path)
        finally:
            os.unlink(aside)
    key = path.read_text().strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} holds no usable secret key (fewer than 50 characters)")
    return key


def proxy_ssl_header(text: str) -> tuple[str, str]:
    """ "X-Forwarded-Proto: https" (or "X-Forwarded-Proto=https") -> ("HTTP_X_FORWARDED_PROTO", "https")."""
    name, _, value = text.replace("=", ":", 1).partition(":")
    name, value = name.strip().upper().replace("-", "_"), value.strip()
    if not name or not value:
        raise ImproperlyConfigured(
            f"SEAMLINE_PROXY_SSL_HEADER {text!r} is not like 'X-Forwarded-Proto: https'"
        )
    return (name if name.startswith("HTTP_") else f"HTTP_{name}", value)


DEBUG = _env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and _env_bool("SEAMLINE_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY_FILE = Path(os.environ.get("SEAMLINE_SECRET_KEY_FILE", VAR_DIR / "secret_key.txt"))
    try:
        SECRET_KEY = secret_key_from_file(SECRET_KEY_FILE)
    except OSError as exc:
        raise ImproperlyConfigured(f"SECRET_KEY is unset and {SECRET_KEY_FILE} is unusable: {exc}") from exc
# Old keys, newest first, while sessions and passport keys move to a new SECRET_KEY (comma-separated).
SECRET_KEY_FALLBACKS = _env_list("SECRET_KEY_FALLBACKS")
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
    "seamline.people",
    "seamline.trace",
    "seamline.lineage",
    "seamline.footprint",
    "seamline.passport",
    "seamline.drops",
    "seamline.delivery",
    "seamline.fitting",
    "seamline.planning",
    "seamline.quality",
    "seamline.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "seamline.core.middleware.request_guard",  # NUL characters (400) and oversized uploads (413), first
    "seamline.core.csp.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "seamline.accounts.middleware.OrganizationMiddleware",
    "seamline.accounts.middleware.SignInRefusedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Production behind HTTPS (docs/production.md). SEAMLINE_HTTPS=1 sends HSTS, marks the cookies Secure and
# redirects plain HTTP; behind a proxy that ends TLS, SEAMLINE_PROXY_SSL_HEADER names the header it sets
# ("X-Forwarded-Proto: https"), else every request looks like HTTP and the redirect never ends.
SEAMLINE_HTTPS = _env_bool("SEAMLINE_HTTPS")
SECURE_SSL_REDIRECT = _env_bool("SEAMLINE_SSL_REDIRECT", SEAMLINE_HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SEAMLINE_HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SEAMLINE_HSTS_SECONDS", 365 * 24 * 3600 if SEAMLINE_HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SEAMLINE_HSTS_INCLUDE_SUBDOMAINS", SEAMLINE_HTTPS)
SECURE_HSTS_PRELOAD = _env_bool("SEAMLINE_HSTS_PRELOAD", SEAMLINE_HTTPS)
if _proxy_header := os.environ.get("SEAMLINE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = proxy_ssl_header(_proxy_header)
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")  # e.g. https://seamline.example.com

# Content-Security-Policy of every HTML page (core/csp.py): scripts, styles and images from this site only.
# Templates set computed widths and colours in style attributes, so styles allow 'unsafe-inline'; scripts
# allow no inline code (the pages' controls are wired in core/static/seamline/ui.js).
SEAMLINE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SEAMLINE_CSP_INLINE_HANDLERS: list[str] = []  # inline handlers allowed by hash: none now

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

# At least 12 characters, not a common password, not all digits. (Django's similarity-to-the-e-mail check is
# left out: it refuses the demo's "seamline-demo" for admin@seamline.example.)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins (the app's and the admin's) lock the address, and the address with that e-mail, for
# 2^(n - free) s, at most max_lock_s; counted in the cache (accounts/throttle.py).
SEAMLINE_SIGNIN_THROTTLE = {
    "free_per_account": 5,  # failures of one e-mail from one address before the first lock
    "free_per_address": 20,  # from one address whatever the e-mail: an office shares one
    "max_lock_s": 15 * 60,
    "forget_after_s": 24 * 3600,  # since the last failure
}
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
# Uploads: a pattern file (DXF-AAMA or .rul) of at most 10 MB and 400 pieces a version; a multipart request
# over 25 MB is refused (413) before it is read (core/middleware.py).
SEAMLINE_PATTERN_MAX_BYTES = int(os.environ.get("SEAMLINE_PATTERN_MAX_BYTES", 10 * 1024 * 1024))
SEAMLINE_PATTERN_MAX_PIECES = int(os.environ.get("SEAMLINE_PATTERN_MAX_PIECES", 400))
SEAMLINE_UPLOAD_MAX_BYTES = int(os.environ.get("SEAMLINE_UPLOAD_MAX_BYTES", 25 * 1024 * 1024))
SEAMLINE_TRUST_X_FORWARDED_FOR = _env_bool("SEAMLINE_TRUST_X_FORWARDED_FOR")  # only behind your own proxy
SEAMLINE_STRIPE_SECRET_KEY = os.environ.get("SEAMLINE_STRIPE_SECRET_KEY", "")
SEAMLINE_STRIPE_API_BASE = os.environ.get("SEAMLINE_STRIPE_API_BASE", "https://api.stripe.com")
SEAMLINE_WAGE_PER_HOUR = os.environ.get("SEAMLINE_WAGE_PER_HOUR", "20.00")  # for the drop's cash-flow view
