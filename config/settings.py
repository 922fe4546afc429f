"""Samhjälp settings: one file, read from the environment.

Every variable is listed in `.env.example`. With no environment at all the project runs on
one machine: a SQLite file, the in-memory channel layer and the console SMS backend.
"""

import os
from pathlib import Path

import csp.constants as csp
import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A `.env` file in the project directory, when there is one, fills in what the environment
# leaves unset (the environment wins, so systemd's EnvironmentFile and containers' env hold).
load_dotenv(os.getenv("DOTENV_PATH") or BASE_DIR / ".env", override=False)

# Secrets may come from files instead (Kubernetes and compose secret mounts, systemd
# credentials): NAME_FILE=/path is read into NAME unless NAME itself is set.
SECRET_VARIABLES = (
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "OIDC_RP_CLIENT_SECRET",
    "EMAIL_HOST_PASSWORD",
    "SENTRY_DSN",
    "METRICS_TOKEN",
)
for _secret in SECRET_VARIABLES:
    if os.getenv(f"{_secret}_FILE") and not os.getenv(_secret):
        _path = Path(os.environ[f"{_secret}_FILE"])
        try:
            os.environ[_secret] = _path.read_text().strip()
        except OSError as error:
            # Said plainly at start-up, not as a traceback of settings.py.
            raise ImproperlyConfigured(
                f"{_secret}_FILE names {_path}, which cannot be read: {error.strerror}"
            ) from None


def envbool(name: str, default: str = "False") -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.getenv(name) or default)


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "True")

SECRET_KEY = os.getenv("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    # Django's admin with a site that asks admins for their second factor (config/admin_site.py).
    "config.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "phonenumber_field",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "notifications",
    "places",
    "helpdesk",
    "matching",
]

MIDDLEWARE = [
    # First: answers /livez, /readyz and /metrics for probers by address, before the Host
    # header is checked or HTTPS is enforced (config/probes.py).
    "config.probes.ProbeMiddleware",
    "config.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified once they have given a one-time code this session.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, so it sees a lock-out flagged anywhere below and answers with the lock-out page.
    "axes.middleware.AxesMiddleware",
    # Innermost, so it times the webhook views themselves (config/metrics.py).
    "config.metrics.WebhookTimingMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

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
                "config.roles.context_processor",
            ],
        },
    },
]

# Database: PostgreSQL via DATABASE_URL in production, a SQLite file in WAL mode otherwise.
SQLITE_PATH = os.getenv("SQLITE_PATH", str(BASE_DIR / "samhjalp.sqlite3"))
DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while the worker writes; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue on busy_timeout instead of failing mid-transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.getenv("SQLITE_TEST_PATH") or None}

# PostgreSQL under daphne: concurrent requests run in threads of their own (reused, 32 kept
# idle; config/handlers.py), so persistent connections (DATABASE_CONN_MAX_AGE) grow one per
# thread and a burst can exhaust the server's max_connections. A bounded pool per process
# makes a burst wait for a connection instead; with conn_health_checks Django has the pool
# check each connection before handing it out.
DATABASE_POOL_MAX_SIZE = envint("DATABASE_POOL_MAX_SIZE", 0)
if DATABASE_POOL_MAX_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_MAX_SIZE,
        "timeout": envint("DATABASE_POOL_TIMEOUT", 20),
    }

# Requests in Django at once per web process (0: no limit). SQLite has one writer: sixteen
# webhooks writing at once wait in its busy-wait backoff (the tail grows, see
# docs/benchmarks.md), where a few at a time, the rest waiting on the event loop, keep it short.
WEB_MAX_THREADS = envint(
    "WEB_MAX_THREADS", 4 if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else 0
)

# Sign-in POSTs (password, one-time code, password reset, SSO) run this many at a time per
# web process, apart from the requests above (config/handlers.py): a login flood waits in its
# own lane and cannot take the operators' request threads.
WEB_SIGN_IN_THREADS = envint("WEB_SIGN_IN_THREADS", 2)
# How much lower their threads' CPU priority is (nice, 0-19).
WEB_SIGN_IN_NICENESS = envint("WEB_SIGN_IN_NICENESS", 10)
WEB_SIGN_IN_PATHS = ("/login/", "/admin/login/", "/password-reset/", "/oidc/")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channel layer: Redis when configured (any number of daphne processes), else in-memory.
REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": os.getenv("REDIS_PREFIX", "samhjalp")},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Durable background work: django_tasks with the database backend, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
# A task still RUNNING this many seconds after it started is taken to be abandoned by a dead
# worker and queued again by the periodic sweep.
TASK_LEASE = envint("TASK_LEASE", 600)
# Finished task rows (their arguments and tracebacks can name residents) are deleted by the
# daily retention run this many days after they finished.
TASK_RESULTS_KEEP_DAYS = envint("TASK_RESULTS_KEEP_DAYS", 14)
# Each worker stamps a heartbeat row this often; /readyz fails its worker check when none is
# newer than WORKER_HEARTBEAT_STALE seconds (notifications/health.py). READYZ_WORKER_REQUIRED
# off makes the check report without failing, for a set-up whose web must stay in rotation
# while workers are down.
WORKER_HEARTBEAT_INTERVAL = float(os.getenv("WORKER_HEARTBEAT_INTERVAL", "10"))
WORKER_HEARTBEAT_STALE = float(os.getenv("WORKER_HEARTBEAT_STALE", "60"))
READYZ_WORKER_REQUIRED = envbool("READYZ_WORKER_REQUIRED", "True")
# Probes and metrics (config/probes.py, config/metrics.py): clients in these networks reach
# /livez, /readyz and /metrics by any Host; /metrics elsewhere needs METRICS_TOKEN as Bearer.
PROBE_NETWORKS = envlist("PROBE_NETWORKS", "127.0.0.0/8,::1/128")
METRICS_TOKEN = os.getenv("METRICS_TOKEN", "")

# Cache: Redis when configured, else per-process memory. The sign-in counts (django-axes, the
# lock-out marks, the password reset limit) are kept in a table of the database (created after
# every migrate, config/admin_site.py) in both cases: every process sees them, and signing in
# keeps working while Redis is down, as everything but the boards' live updates does.
LOGIN_COUNTS_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "samhjalp_login_attempts",
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.getenv("REDIS_PREFIX", "samhjalp"),
        },
        "axes": LOGIN_COUNTS_CACHE,
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "axes": LOGIN_COUNTS_CACHE,
    }
AXES_CACHE = "axes"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in (config/login.py, config/twofactor.py, config/oidc.py; docs/signing-in.md).
# django-axes first: a locked-out attempt is refused before any backend hashes a password.
AUTHENTICATION_BACKENDS = [
    "config.login.LockoutBackend",
    "config.passwords.PasswordBackend",
]
# After LOGIN_FAILURE_LIMIT failed logins for one user name from one address, that pair waits
# LOGIN_FAILURE_WINDOW seconds. The pair, not the address: staff behind one office NAT are
# not locked out by someone else's guesses, nor by made-up user names.
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW = envint("LOGIN_FAILURE_WINDOW", 15 * 60)
# Read from the two settings above when used, so they stay the ones to change.
AXES_FAILURE_LIMIT = "config.login.login_failure_limit"
AXES_COOLOFF_TIME = "config.login.login_cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The cache (Redis when REDIS_URL is set, so every process sees the same counts): the refused
# path reads one key and writes nothing to the database.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
# Attempts during a lock-out do not extend it, so "locked for 15 minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "config.login.login_attempt_username"
AXES_CLIENT_STR_CALLABLE = "config.login.login_client_str"
AXES_LOCKOUT_CALLABLE = "config.login.login_locked_response"
# Passwords checked at once per web process (each a deliberately slow PBKDF2 hash); a sign-in
# that finds them all busy waits its turn, LOGIN_PASSWORD_CHECK_WAIT seconds at most, then goes
# ahead (config/passwords.py). An unknown user name waits as long without hashing anything.
LOGIN_PASSWORD_CHECKS_AT_ONCE = envint("LOGIN_PASSWORD_CHECKS_AT_ONCE", 1)
LOGIN_PASSWORD_CHECK_WAIT = envint("LOGIN_PASSWORD_CHECK_WAIT", 10)
# Password reset e-mails an hour to one address (ten times as many from one client address).
PASSWORD_RESET_PER_HOUR = envint("PASSWORD_RESET_PER_HOUR", 3)

# Second factor (django-otp, TOTP): required for the admin role and superusers, optional for
# everyone else; accounts signed in through OIDC have their provider's.
OTP_TOTP_ISSUER = os.getenv("OTP_TOTP_ISSUER", "Samhjälp")
# No throttle per device: wrong codes are counted by django-axes per user name and address,
# like wrong passwords (config/twofactor.py), so nobody elsewhere can lock a user's codes.
OTP_TOTP_THROTTLE_FACTOR = 0

# Single sign-on with OpenID Connect, only when a client id is set. Endpoints from
# OIDC_OP_DISCOVERY_URL (the provider's .well-known/openid-configuration) or one by one.
OIDC_RP_CLIENT_ID = os.getenv("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = os.getenv("OIDC_RP_CLIENT_SECRET", "")
    OIDC_OP_DISCOVERY_URL = os.getenv("OIDC_OP_DISCOVERY_URL", "")
    for _name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS", "LOGOUT"):
        if os.getenv(f"OIDC_OP_{_name}_ENDPOINT"):
            globals()[f"OIDC_OP_{_name}_ENDPOINT"] = os.getenv(f"OIDC_OP_{_name}_ENDPOINT")
    OIDC_RP_SIGN_ALGO = os.getenv("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.getenv("OIDC_RP_SCOPES", "openid email profile")
    OIDC_USE_PKCE = True
    OIDC_TIMEOUT = envint("OIDC_TIMEOUT", 10)
    # Which claim carries the user's groups or roles, and which of its values are which role:
    # "samhjalp-operators=operator,samhjalp-admins=admin".
    OIDC_ROLE_CLAIM = os.getenv("OIDC_ROLE_CLAIM", "groups")
    OIDC_ROLE_MAP = dict(item.split("=", 1) for item in envlist("OIDC_ROLE_MAP") if "=" in item)
    LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=failed"
    AUTHENTICATION_BACKENDS.insert(1, "config.oidc.RoleOIDCBackend")
    if not (OIDC_OP_DISCOVERY_URL or os.getenv("OIDC_OP_TOKEN_ENDPOINT")):
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID needs OIDC_OP_DISCOVERY_URL or the OIDC_OP_*_ENDPOINT variables."
        )

# E-mail, for password reset. The console backend prints the message (the demo).
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "samhjalp@localhost")
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3 * 3600)

LANGUAGE_CODE = "sv"
# The operator UI is offered in these. Residents and volunteers are written to in every
# language that has a pack (the package `languages`), whatever this list says.
LANGUAGES = [
    ("sv", _("Swedish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# With DEBUG off, pages link static files by hashed names from the manifest that
# `deploy/build` writes (collectstatic), so browsers may cache them for ever. With DEBUG on
# (the demo, the tests), or before any build (a test's production-like processes), files
# keep their plain names.
STATIC_MANIFEST = envbool(
    "STATIC_MANIFEST", str(not DEBUG and (STATIC_ROOT / "staticfiles.json").exists())
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

PHONENUMBER_DEFAULT_REGION = "SE"
PHONENUMBER_DB_FORMAT = "E164"

# SMS. `console` stores and prints (the default), `locmem` keeps an outbox for tests,
# `twilio` sends through Twilio's REST API.
SMS_BACKEND = os.getenv("SMS_BACKEND", "console")
TWILIO_ACCOUNT_SID = os.getenv("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.getenv("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM = os.getenv("TWILIO_FROM", "")
TWILIO_MESSAGING_SERVICE_SID = os.getenv("TWILIO_MESSAGING_SERVICE_SID", "")
# Webhook signatures and status-callback URLs are built from this, never from the Host
# header, so they hold behind a TLS-terminating proxy.
PUBLIC_BASE_URL = os.getenv("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if SMS_BACKEND == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN):
    raise ImproperlyConfigured("SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.")
if SMS_BACKEND == "twilio" and not (TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID):
    raise ImproperlyConfigured(
        "SMS_BACKEND=twilio needs TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID."
    )
if not TWILIO_AUTH_TOKEN:
    # The console backend and the phone simulator sign webhooks with this token, so
    # signature validation is exercised on every path, not only in production.
    TWILIO_AUTH_TOKEN = "console-development-token"  # noqa: S105 (console backend only)

# Forms and webhooks are small; anything larger is refused with 400 before it is parsed.
# (File uploads such as a volunteer CSV are counted separately, by FILE_UPLOAD_MAX_MEMORY_SIZE.)
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 512 * 1024)

# Production hardening, on whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", "True")
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Map tiles behind the request page's and the board's maps (Leaflet, static/vendor/leaflet/).
# The default is OpenStreetMap's own tile server, which is for light use only (its tile usage
# policy): production should replace it with its own or a contracted tile service.
# MAP_TILE_URL="" draws no tiles: the maps show the district boundaries alone (offline, demo).
MAP_TILE_URL = os.getenv("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png").strip()
MAP_TILE_ATTRIBUTION = os.getenv(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


def tile_origin(url: str) -> str:
    """The tile server as a CSP source: "https://tile.example.org", with Leaflet's {s}
    subdomains as a wildcard ("https://*.tile.example.org"); "" for no tiles."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*"))
    if not url or parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


# Content-Security-Policy (django-csp) on every response: scripts and styles from our own
# static files only, no inline code. An inline <script> or <style> that is really needed
# carries nonce="{{ request.csp_nonce }}"; inline style="" attributes and on* handlers are
# refused. connect-src 'self' covers the board's websocket on the same host; img-src names
# the map's tile server, if any.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.NONCE],
        "img-src": [csp.SELF, "data:", *filter(None, [tile_origin(MAP_TILE_URL)])],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "frame-ancestors": [csp.NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # One handler, one mask (phone numbers, config/logging.py). Django's own loggers are
    # named here so the unmasked handlers of its default configuration are replaced.
    "filters": {"mask_personal_data": {"()": "config.logging.MaskPersonalData"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        "django.channels.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}
# LOG_FORMAT=json: one JSON object a line, each with the request id of the request it was
# written for (config/requestid.py), for a log collector. The mask runs first either way.
LOG_FORMAT = os.getenv("LOG_FORMAT", "plain")
if LOG_FORMAT == "json":
    LOGGING["formatters"]["json"] = {"()": "config.requestid.JsonFormatter"}
    LOGGING["filters"]["request_id"] = {"()": "config.requestid.RequestIdFilter"}
    LOGGING["handlers"]["console"]["formatter"] = "json"
    LOGGING["handlers"]["console"]["filters"].append("request_id")

# Error reports to Sentry, GlitchTip or self-hosted Sentry when SENTRY_DSN is set; every
# event goes through the log mask before it leaves (config/requestid.py).
SENTRY_DSN = os.getenv("SENTRY_DSN", "")
if SENTRY_DSN:
    from config.requestid import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=os.getenv("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.getenv("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
# The console SMS backend prints who a message went to (masked) and its length; the text
# itself (names, addresses) only with SMS_CONSOLE_SHOW_BODIES=1, on a developer's machine.
SMS_CONSOLE_SHOW_BODIES = envbool("SMS_CONSOLE_SHOW_BODIES")

# Matching: offers go out in waves to the best few volunteers; each wave waits this long
# (shorter when urgent) before the next; after the last wave the request goes to operators.
MATCHING_WAVE_SIZE = envint("MATCHING_WAVE_SIZE", 3)
MATCHING_OFFER_MINUTES = envint("MATCHING_OFFER_MINUTES", 20)
MATCHING_OFFER_MINUTES_URGENT = envint("MATCHING_OFFER_MINUTES_URGENT", 10)
MATCHING_MAX_WAVES = envint("MATCHING_MAX_WAVES", 3)

# Residents texting in. Per number and day: how many requests texts may create, and how many
# texts get a reply; past either, messages are kept for operators without a new request or
# reply. A callback for an unknown or unclear text is due this many minutes after it came.
RESIDENT_SMS_DAILY_REQUESTS = envint("RESIDENT_SMS_DAILY_REQUESTS", 3)
RESIDENT_SMS_DAILY_REPLIES = envint("RESIDENT_SMS_DAILY_REPLIES", 10)
RESIDENT_CALLBACK_DUE_MINUTES = envint("RESIDENT_CALLBACK_DUE_MINUTES", 30)
RESIDENT_RATING_DAYS = envint("RESIDENT_RATING_DAYS", 7)
# Reports read many rows at once: letting SQLite map the file (256 MB) instead of copying
# each page through its small default cache makes them faster (bench/reports.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"]["init_command"] += " PRAGMA mmap_size=268435456;"

# Personal data. Residents agree to CONSENT_TEXT (versioned, so we know which wording each
# resident agreed to); closed requests are anonymised this many days after they closed.
CONSENT_VERSION = os.getenv("CONSENT_VERSION", "2026-01")
CONSENT_TEXT = _(
    "Samhjälp stores your name, phone number, address and what you need help with so that "
    "a volunteer can help you. We delete your details %(days)s days after your last request "
    "is closed. You can ask what we store about you, or ask us to delete it, at any time."
)
ANONYMISE_AFTER_DAYS = envint("ANONYMISE_AFTER_DAYS", 90)
# The board's outbox (helpdesk.BoardEvent) keeps this many days of changes for boards that
# catch up; the daily retention run deletes older rows.
BOARD_EVENTS_KEEP_DAYS = envint("BOARD_EVENTS_KEEP_DAYS", 7)

# Live board. Without Redis, the web process polls the board's outbox this often (seconds) to
# forward changes the worker made; 0 turns the relay off.
BOARD_RELAY_INTERVAL = float(os.getenv("BOARD_RELAY_INTERVAL", "0.5"))
# How long a board socket waits for a skipped event version before reading it from the outbox.
BOARD_GAP_GRACE = float(os.getenv("BOARD_GAP_GRACE", "0.5"))
