"""Settings for the Gangmen target tracker.

One file, read from the environment. The defaults give a development site on an SQLite file in
the project folder; production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    """Read a yes/no variable, refusing anything that is not clearly one or the other."""
    value = os.environ.get(name, default)
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}")


def envint(name, default, minimum=None, maximum=None):
    """Read a whole number, refusing anything else or anything outside the given range."""
    value = os.environ.get(name, str(default))
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, not {number}")
    return number


def envchoice(name, default, choices):
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def envlist(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "1")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG=0) needs a long random SECRET_KEY in the "
            "environment, e.g. from: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Only ever used with DEBUG on.
    SECRET_KEY = "development-only-not-secret"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "import_export",
    "simple_history",
    "gangmen.apps.LoginGuardConfig",  # django-axes, with a Chinese name
    "csp",
    # Two-factor login with a TOTP authenticator app (gangmen/accounts.py).
    "django_otp",
    "gangmen.apps.AuthenticatorConfig",  # django_otp.plugins.otp_totp
    "tracking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracking.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware: the "database unavailable" page speaks the visitor's language.
    "gangmen.middleware.DatabaseOutageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside the CSP middleware, so that their 400 and 413 pages carry the header too; still
    # before any view or CSRF check reads the body or builds a query.
    "gangmen.middleware.RejectUnservableQueryMiddleware",
    "gangmen.middleware.RequestBodyLimitMiddleware",
    # After OTPMiddleware, and inside the CSP middleware for its redirect.
    "gangmen.accounts.TwoFactorRequiredMiddleware",
    # Records the logged-in user as the author of every history entry.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: refuses logins after too many failures.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gangmen.urls"

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
                "tracking.context_processors.demo_data",
                "tracking.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "gangmen.wsgi.application"

# `make demo`: the real plan with generated progress, always in a SQLite file of its own
# (demo.sqlite3, whatever DATABASE_URL says), with a banner on every page saying that the
# progress is demo data. The demo progress command refuses to run without it, so demo progress
# never reaches the real database. The public pages then judge on DEMO_AS_OF (mid-year) by
# default, the date the demo progress runs up to.
DEMO_DATA = envbool("DEMO_DATA", "0")
DEMO_AS_OF = datetime.date.fromisoformat(os.environ.get("DEMO_AS_OF", "2022-06-30"))

DATABASES = {
    "default": (
        {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "demo.sqlite3"}
        if DEMO_DATA
        else dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Public pages and API responses are cached until the published data change
# (tracking/public/cache.py). With REDIS_URL (e.g. redis://redis:6379/0) every gunicorn worker
# and host shares one cache and one data version; without it each process keeps its own.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "gangmen.redis_cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            # An unreachable Redis costs a request at most this long; the pages then render
            # uncached (tracking/public/cache.py).
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# A demo sharing a Redis with the real site never serves its pages, nor reads the real ones.
if DEMO_DATA:
    CACHES["default"]["KEY_PREFIX"] = "demo"
# How long a cached public response may be served. With Redis every change reaches every worker
# at once, so only memory bounds it; without Redis a change made through one worker is not seen
# by the others' caches, so they may serve the old page for at most 5 minutes.
PUBLIC_CACHE_SECONDS = 24 * 60 * 60 if REDIS_URL else 5 * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]


def envnetworks(name, default):
    """Read comma-separated IP networks (CIDRs such as 10.0.0.0/24, or single addresses)."""
    networks = []
    for item in envlist(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP networks such as 10.0.0.0/24, not {item!r}"
            ) from None
    return networks


# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name from
# one address, that pair is locked out for AXES_COOLOFF_HOURS; after AXES_USERNAME_FAILURE_LIMIT
# failures for one user name from any addresses (password spraying), the name is locked for
# everyone (gangmen/accounts.py). `manage.py axes_reset` unlocks.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_USERNAME_FAILURE_LIMIT = envint("AXES_USERNAME_FAILURE_LIMIT", 30, minimum=1)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_HOURS", 1, minimum=1)
# The order matters to gangmen.accounts.LoginThrottle: the pair first, then the name alone.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "gangmen.accounts.LoginThrottle"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner in every management command
AXES_LOCKOUT_TEMPLATE = "tracking/office/locked_out.html"
# The client is the first address, from the right of X-Forwarded-For, that is not one of our
# reverse proxies (TRUSTED_PROXIES, networks): never whatever a client wrote into the header.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES", "")
AXES_CLIENT_IP_CALLABLE = "gangmen.proxy.client_address"

# Two-factor login: whoever has a TOTP authenticator gives its code at login; with REQUIRE_2FA=1
# leaders and administrators must have one (an administrator adds it under 身份验证器 in the
# admin, "Authenticators" in English).
REQUIRE_2FA = envbool("REQUIRE_2FA", "0")
OTP_TOTP_ISSUER = "港门镇目标跟踪"

# Sessions end after SESSION_IDLE_SECONDS without a request, and when the browser closes.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 2 * 60 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Four eyes: nobody approves a record they entered, last changed or submitted. A one-person
# office may allow it (ALLOW_SELF_APPROVAL=1); the review trail still shows who did both.
ALLOW_SELF_APPROVAL = envbool("ALLOW_SELF_APPROVAL", "0")

# E-mail (reminders). The console backend prints mails while developing.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "0")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
# The address reminder mails link to, e.g. https://mubiao.example.gov.cn
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Progress reporting: every month (or quarter), due on REPORTING_DUE_DAY of the next month.
REPORTING_PERIOD = envchoice("REPORTING_PERIOD", "month", ["month", "quarter"])
REPORTING_DUE_DAY = envint("REPORTING_DUE_DAY", 10, minimum=1, maximum=28)

# Evidence files: stored under MEDIA_ROOT and served only through a permission-checked view.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_MB", 10, minimum=1) * 1024 * 1024
EVIDENCE_MAX_FILES = envint("EVIDENCE_MAX_FILES", 5, minimum=1)
DATA_UPLOAD_MAX_NUMBER_FILES = EVIDENCE_MAX_FILES + 5

# History entries are never restored over the current row (that would bypass review).
SIMPLE_HISTORY_REVERT_DISABLED = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# In production whitenoise serves the collected files with far-future caching, gzip and brotli
# (the brotli package is a dependency so that whitenoise writes the .br files).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# Spreadsheet import (tracking/spreadsheets/__init__.py). Django's upload settings do not cap a
# file's size, so the import checks it itself; a reverse proxy should refuse larger bodies too.
IMPORT_MAX_FILE_BYTES = envint("IMPORT_MAX_FILE_BYTES", 10 * 1024 * 1024, minimum=1)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 20_000, minimum=1)
# An XLSX is a zip archive: the total size of its members once unpacked (zip bomb guard).
IMPORT_MAX_UNPACKED_BYTES = envint("IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024, minimum=1)
# The largest request body accepted at all, refused before it is read: the most evidence one
# form may carry, or the largest spreadsheet, plus 1 MB for the form's other fields.
REQUEST_MAX_BYTES = max(EVIDENCE_MAX_BYTES * EVIDENCE_MAX_FILES, IMPORT_MAX_FILE_BYTES) + 2**20
# Columns read per row; our sheets have about a dozen, a crafted file could claim 16,384.
IMPORT_MAX_COLUMNS = 60
# Only users with tracking.import_<model> / tracking.export_<model> may import or export
# (django-import-export lets every staff user do both otherwise).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# The upload waits in the database between preview and confirm: every gunicorn worker and
# every host sees it, with no shared cache or shared disk to set up
# (tracking/spreadsheets/import_admin.py).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "tracking.spreadsheets.import_admin.DatabaseTmpStorage"


# Content-Security-Policy, in development too so that an inline script or style shows up at once:
# everything comes from the site itself, nothing inline, no frames, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
