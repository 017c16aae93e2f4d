"""Sheba settings.

Three environments, chosen by ``SHEBA_ENV``: ``dev`` (the demo: SQLite, outbox backends),
``test`` (PostgreSQL from ``DATABASE_URL``, started by ``make test``) and ``prod`` (everything
from the environment, secrets without defaults, DEBUG refused).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("SHEBA_VAR_DIR", str(BASE_DIR / "var")))

SHEBA_ENV = env("SHEBA_ENV", "dev")
if SHEBA_ENV not in {"dev", "test", "prod"}:
    raise ImproperlyConfigured("SHEBA_ENV must be dev, test or prod.")
PRODUCTION = SHEBA_ENV == "prod"

DEBUG = env("SHEBA_DEBUG", SHEBA_ENV == "dev", cast=bool)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("Refusing to start: DEBUG is on in production.")

if PRODUCTION:
    SECRET_KEY = env("SHEBA_SECRET_KEY")
    # Keyed hash for OTPs and other short secrets; separate from SECRET_KEY so either rotates alone.
    SHEBA_OTP_HASH_KEY = env("SHEBA_OTP_HASH_KEY")
else:
    SECRET_KEY = env("SHEBA_SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
    SHEBA_OTP_HASH_KEY = env("SHEBA_OTP_HASH_KEY", "dev-only-otp-hash-key")

ALLOWED_HOSTS = env("SHEBA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"], cast=list)
# Union portals (sheba.portals): every union also answers at <union>.<SHEBA_BASE_DOMAIN>
# (browsers send *.localhost to this machine, so the demo works without DNS).
SHEBA_BASE_DOMAIN = env("SHEBA_BASE_DOMAIN", "localhost").strip(".").lower()
if SHEBA_BASE_DOMAIN and "." + SHEBA_BASE_DOMAIN not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append("." + SHEBA_BASE_DOMAIN)
CSRF_TRUSTED_ORIGINS = env("SHEBA_CSRF_TRUSTED_ORIGINS", [], cast=list)

# Our apps come first so that our Bengali wording wins over Django's own catalogues.
INSTALLED_APPS = [
    "sheba.core",
    "sheba.audit",
    "sheba.directory",
    "sheba.notifications",
    "sheba.accounts",
    "sheba.catalog",
    "sheba.locker",
    "sheba.applications",
    "sheba.workflow",
    "sheba.identity",
    "sheba.portals",
    "sheba.certificates",
    "sheba.grievances",
    "sheba.payments",
    "sheba.billpay",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "sheba.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "sheba.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "sheba.portals.middleware.UnionHostMiddleware",  # <union>.<base domain> -> that union's portal
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sheba.accounts.middleware.SessionLimitsMiddleware",
    "sheba.core.middleware.NfcInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sheba.core.context_processors.platform",
            ],
            "builtins": ["sheba.core.templatetags.sheba"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# The demo runs on an SQLite file; tests and production on PostgreSQL (DATABASE_URL).
_default_sqlite = f"sqlite:///{VAR_DIR / 'sheba.sqlite3'}"
# Persistent connections (one per web thread, re-used for SHEBA_DB_CONN_MAX_AGE seconds, checked
# before re-use so a restarted database costs one failed check, not an error page): a new
# PostgreSQL connection per request costs more than the hot pages' whole query. 0 turns it off
# (e.g. behind a transaction-pooling PgBouncer that does the pooling itself).
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", _default_sqlite),
        conn_max_age=env("SHEBA_DB_CONN_MAX_AGE", 60, cast=int),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the worker and the web server share the file; IMMEDIATE avoids upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if SHEBA_ENV == "test" and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The audit tables refuse TRUNCATE unless this is on AND the database is a test_* one
    # (pytest-django flushes tables between transactional tests). See sheba/audit/README.md.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c sheba.allow_audit_truncate=on"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits and other shared counters live in the database cache so every web process
# and the worker see the same numbers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sheba_cache",
        # The default (300 entries, then a third culled at random) would silently drop
        # rate-limit counts under load; expired rows are still culled first.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"

# Ekseba variant: the platform generates the PIN and sends it by SMS at registration.
SHEBA_GENERATED_PIN = env("SHEBA_GENERATED_PIN", False, cast=bool)

# Authentication figures from SECURITY.md.
SHEBA_OTP_TTL_SECONDS = 300
SHEBA_OTP_MAX_GUESSES = 5
SHEBA_ACCOUNT_LOCK_FAILURES = 100
SHEBA_OTP_COOLDOWN_SECONDS = 60
SHEBA_OTP_PER_NUMBER_HOUR = 5
SHEBA_OTP_PER_NUMBER_DAY = 10
SHEBA_OTP_PER_IP_HOUR = 20
SHEBA_MPIN_OTP_AFTER = 5
SHEBA_MPIN_DISABLE_AFTER = 10

# --- Sessions -------------------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_AGE = 12 * 3600
SHEBA_SESSION_IDLE_SECONDS = env("SHEBA_SESSION_IDLE_SECONDS", 330, cast=int)
SHEBA_SESSION_WARN_SECONDS = env("SHEBA_SESSION_WARN_SECONDS", 300, cast=int)
SHEBA_SESSION_COUNTDOWN_SECONDS = env("SHEBA_SESSION_COUNTDOWN_SECONDS", 30, cast=int)
SHEBA_SESSION_ABSOLUTE_CITIZEN_SECONDS = 12 * 3600
SHEBA_SESSION_ABSOLUTE_OFFICER_SECONDS = 8 * 3600

# --- Language -------------------------------------------------------------------------------
LANGUAGE_CODE = "bn"
LANGUAGES = [("bn", _("Bengali")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "sheba_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Dhaka"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "private"  # outside the web root; served only through authorised views
# Virus scanner for uploads (sheba.locker.scanning): "eicar" (built-in test-signature check, the
# demo default), "clamd" (ClamAV's daemon on SHEBA_CLAMD_SOCKET or SHEBA_CLAMD_HOST:PORT), or a
# dotted path to a scanner class. A scanner error leaves files "pending scan", never "clean".
SHEBA_VIRUS_SCANNER = env("SHEBA_VIRUS_SCANNER", "eicar")
SHEBA_CLAMD_SOCKET = env("SHEBA_CLAMD_SOCKET", "")
SHEBA_CLAMD_HOST = env("SHEBA_CLAMD_HOST", "")
SHEBA_CLAMD_PORT = env("SHEBA_CLAMD_PORT", 3310, cast=int)

# Public status page: failed lookups (mistyped/unknown numbers) allowed per address a minute.
SHEBA_STATUS_LOOKUPS_PER_MINUTE = env("SHEBA_STATUS_LOOKUPS_PER_MINUTE", 30, cast=int)

# --- Platform operator ----------------------------------------------------------------------
SHEBA_HELPDESK_PHONE = env("SHEBA_HELPDESK_PHONE", "16345")
SHEBA_HELPDESK_EMAIL = env("SHEBA_HELPDESK_EMAIL", "help@sheba.example")
SHEBA_SITE_URL = env("SHEBA_SITE_URL", "http://127.0.0.1:8000")

# --- Notifications --------------------------------------------------------------------------
# "outbox" keeps messages in the database and shows them on /notifications/outbox/ (the demo);
# "http" posts SMS to SHEBA_SMS_URL; e-mail goes through SMTP (EMAIL_HOST/EMAIL_PORT).
SHEBA_SMS_BACKEND = env("SHEBA_SMS_BACKEND", "http" if PRODUCTION else "outbox")
SHEBA_EMAIL_BACKEND = env("SHEBA_EMAIL_BACKEND", "smtp" if PRODUCTION else "outbox")
SHEBA_SMS_URL = env("SHEBA_SMS_URL", "")
SHEBA_SMS_TOKEN = env("SHEBA_SMS_TOKEN", "")
SHEBA_SMS_FALLBACK_URL = env("SHEBA_SMS_FALLBACK_URL", "")
SHEBA_SMS_FALLBACK_TOKEN = env("SHEBA_SMS_FALLBACK_TOKEN", "")
SHEBA_SMS_TIMEOUT_SECONDS = env("SHEBA_SMS_TIMEOUT_SECONDS", 10.0, cast=float)
SHEBA_SMS_RECEIPT_TOKEN = env("SHEBA_SMS_RECEIPT_TOKEN", "")
SHEBA_SHOW_OUTBOX = env("SHEBA_SHOW_OUTBOX", not PRODUCTION, cast=bool)
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env("EMAIL_PORT", 25, cast=int)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", False, cast=bool)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("SHEBA_FROM_EMAIL", "Sheba <no-reply@sheba.example>")

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Payments -------------------------------------------------------------------------------
# The gateway speaks the SSLCommerz protocol: the real one, or the sandbox gateway
# (`python -m sheba.payments.sandbox --port 8091`, started by `make demo`). Calls time out in
# at most 10 s. The store password is a secret: no default in production.
SHEBA_PAYMENT_GATEWAY_CLASS = env("SHEBA_PAYMENT_GATEWAY_CLASS", "sheba.payments.gateways.sslcommerz.SSLCommerzGateway")
SHEBA_PAYMENT_GATEWAY_NAME = env("SHEBA_PAYMENT_GATEWAY_NAME", "sslcommerz" if PRODUCTION else "sandbox")
SHEBA_PAYMENT_GATEWAY_URL = env("SHEBA_PAYMENT_GATEWAY_URL", "http://127.0.0.1:8091")
SHEBA_PAYMENT_STORE_ID = env("SHEBA_PAYMENT_STORE_ID") if PRODUCTION else env("SHEBA_PAYMENT_STORE_ID", "sheba-demo")
SHEBA_PAYMENT_STORE_PASSWD = (
    env("SHEBA_PAYMENT_STORE_PASSWD") if PRODUCTION else env("SHEBA_PAYMENT_STORE_PASSWD", "sheba-demo-store-passwd")
)
SHEBA_PAYMENT_TIMEOUT_SECONDS = min(env("SHEBA_PAYMENT_TIMEOUT_SECONDS", 10.0, cast=float), 10.0)
# Where the gateway's server-to-server IPN reaches us (empty: the site the payer used).
SHEBA_PAYMENT_IPN_BASE_URL = env("SHEBA_PAYMENT_IPN_BASE_URL", "")

# --- Audit --------------------------------------------------------------------------------
# Ed25519 key that signs audit checkpoints: a file (mode 600), never in the repo or the database.
# `manage.py audit_keygen` creates it; production refuses to create it implicitly.
SHEBA_AUDIT_KEY_FILE = env("SHEBA_AUDIT_KEY_FILE", str(VAR_DIR / "keys" / "audit-ed25519.pem"))

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env("SHEBA_SSL_REDIRECT", True, cast=bool)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging: JSON lines, UTC, with the request id ------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "sheba.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "sheba.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("SHEBA_LOG_LEVEL", "WARNING" if SHEBA_ENV == "test" else "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
