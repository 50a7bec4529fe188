"""Settings for the advocacy site, read from the environment.

Every variable is listed, with its default, in `.env.example`. Real environment
variables win over a `.env` file in the project root.
"""

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# The .env file read (ENV_FILE, from the environment only); empty reads none, as the
# test suite does so that a developer's .env never leaks into it.
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105 (refused when DEBUG is off)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "advocacy.admin_site.SiteAdminConfig",  # django.contrib.admin, as staff see it
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "jobs",
    "articles",
    "donations",
]

MIDDLEWARE = [
    "advocacy.middleware.ServerTiming",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors' pages from the page cache, without the rest of the stack (it
    # compresses its pages itself, as GZipMiddleware would).
    "articles.page_cache.PageCacheMiddleware",
    # Compressed HTML; Django's GZipMiddleware pads each response with random bytes
    # (Heal The Breach), and CSRF tokens are masked per request, against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the address only (/es/…), never a cookie or the browser's.
    "advocacy.languages.LanguageFromAddressMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Control characters in the query string, or a form in another charset than
    # UTF-8: a 400 before any view (or the database) sees them.
    "advocacy.middleware.RejectMalformedRequests",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "advocacy.csp.SiteCSPMiddleware",
    "donations.middleware.PrivateDonorPages",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "advocacy.urls"

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
                "advocacy.context_processors.site",
                "advocacy.context_processors.languages",
            ],
        },
    },
]

WSGI_APPLICATION = "advocacy.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Keep each worker's connection between requests (opening one costs more than most
# requests), checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Every page, POST and webhook runs the same few statements: psycopg prepares one a
    # connection has run 5 times, and PostgreSQL plans it once instead of each time
    # (needs server-side binding). Off behind a pooler that cannot keep prepared
    # statements (PgBouncer in transaction mode before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction starts, so that concurrent writers
    # (e.g. duplicated webhook deliveries) queue instead of failing; advocacy.sqlite
    # makes them queue without oversleeping the lock's release.
    DATABASES["default"]["ENGINE"] = "advocacy.sqlite"
    # WAL lets readers go on while one writer writes; synchronous=NORMAL is durable in
    # WAL mode across application crashes (an OS crash may lose the last commits).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Two caches, both shared by every worker and every app machine:
# - "default": what may vanish at any time (answers of Stripe kept a while, health checks);
# - "durable": what traffic must never evict: rate-limit counters and the page cache's
#   content version. Its database table culls expired entries only (advocacy.cache).
# Embedded default: Django's database cache (with an atomic increment). REDIS_URL moves
# both onto Redis (django-redis); keep Redis' default `maxmemory-policy noeviction`.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": alias,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
        for alias in ("default", "durable")
    }
else:
    CACHES = {
        "default": {"BACKEND": "advocacy.cache.AtomicDatabaseCache", "LOCATION": "cache_entries"},
        "durable": {
            "BACKEND": "advocacy.cache.DurableDatabaseCache",
            "LOCATION": "durable_cache_entries",
            # Expired entries are deleted once there are more than this many.
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
RATE_LIMIT_CACHE = "durable"  # rate-limit counters (donations.ratelimits)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# The site in English at / and in Spanish at /es/ (i18n_patterns, advocacy/urls.py);
# another language is a line here and its catalogue in locale/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["advocacy.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers. HTTPS-only cookies and redirects are opt-in so that the
# site still runs on http://127.0.0.1 in development.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# How many reverse proxies (nginx, a load balancer) stand in front of the app and
# append to X-Forwarded-For: the client IP is the address that many hops from the
# right. 0 (the default) trusts no header and uses the connection's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Site identity, used in <title>, OpenGraph tags and the feed.
SITE_NAME = env.str("SITE_NAME", default="Advocacy")
SITE_DESCRIPTION = env.str(
    "SITE_DESCRIPTION", default="Articles on immigration enforcement policy."
)
SEEDS_DIR = env.path("SEEDS_DIR", default=BASE_DIR / "seeds")
SEED_CAMPAIGN_NAME = env.str("SEED_CAMPAIGN_NAME", default="General Fund")
ARTICLES_PER_PAGE = env.int("ARTICLES_PER_PAGE", default=10)

# LOG_FORMAT=json writes one JSON object a line (for a log collector).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "advocacy.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The stripe SDK logs every request at INFO; keep its warnings only.
    "loggers": {"stripe": {"level": "WARNING"}},
}

# Errors go to Sentry when SENTRY_DSN is set (no personal data is sent).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, traces_sample_rate=0)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT failures for a
# username from one client IP, that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "advocacy.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429_login.html"
AXES_VERBOSE = False

# Content Security Policy (django-csp). Everything is served from our own origin;
# advocacy.csp adds the Stripe Checkout origin (or the sandbox's) to form-action.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "script-src": [SELF],
        "style-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Background jobs (jobs/): a queue in the database, run by `manage.py run_worker` ---
# django-tasks' database backend: a task is enqueued in the transaction of the change
# that calls for it, so it is never lost and never runs for a change rolled back.
TASKS = {"default": {"BACKEND": "advocacy.task_backend.DatabaseBackend"}}
# A failed task is tried again after TASK_RETRY_SECONDS, doubling each time, up to
# TASK_MAX_ATTEMPTS tries (30 s … 32 min: about an hour in all).
TASK_MAX_ATTEMPTS = env.int("TASK_MAX_ATTEMPTS", default=8)
TASK_RETRY_SECONDS = env.float("TASK_RETRY_SECONDS", default=30)
# Workers note they are alive this often; a task whose worker has not been heard of for
# WORKER_STALE_SECONDS is queued again.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=5)
WORKER_STALE_SECONDS = env.float("WORKER_STALE_SECONDS", default=30)
# The staff dashboard shows figures computed at most this long ago; older ones are shown
# while a worker computes them again.
DASHBOARD_FRESH_SECONDS = env.float("DASHBOARD_FRESH_SECONDS", default=60)
# A mail server that does not answer holds a receipt's task at most this long.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10)

# --- Donations and Stripe -------------------------------------------------
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Points the SDK at a local Stripe-compatible server (the payments sandbox).
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# Each Stripe call waits at most (connect + read) × (1 + retries) seconds: 22 s by
# default, inside gunicorn's worker timeout (GUNICORN_TIMEOUT, 30 s).
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=1)
STRIPE_CONNECT_TIMEOUT = env.float("STRIPE_CONNECT_TIMEOUT", default=3)
STRIPE_READ_TIMEOUT = env.float("STRIPE_READ_TIMEOUT", default=8)
# The thank-you page asks Stripe at most this long (one try), then shows what the
# webhooks recorded.
STRIPE_THANKS_TIMEOUT = env.float("STRIPE_THANKS_TIMEOUT", default=2)
# A stalled Stripe must not hold every thread (donations.stripe_guard): per process, at
# most this many calls wait on Stripe at once (by default one less than gunicorn's
# threads, so that one always serves pages); one more waits for a turn as long as every
# call in flight has waited less than STRIPE_SLOW_CALL_SECONDS (Stripe is answering:
# Checkout Sessions take well under a second), and fails at once after that ...
_THREADS = int(env.str("GUNICORN_THREADS", default="") or 4)
STRIPE_MAX_CONCURRENT_CALLS = max(
    1, int(env.str("STRIPE_MAX_CONCURRENT_CALLS", default="") or _THREADS - 1)
)
STRIPE_SLOW_CALL_SECONDS = env.float("STRIPE_SLOW_CALL_SECONDS", default=2)
# ... and after this many calls in a row could not reach Stripe, calls fail at once for
# STRIPE_BREAKER_SECONDS before one tries again.
STRIPE_BREAKER_FAILURES = env.int("STRIPE_BREAKER_FAILURES", default=3)
STRIPE_BREAKER_SECONDS = env.float("STRIPE_BREAKER_SECONDS", default=30)
STRIPE_ALLOW_LIVE = env.bool("STRIPE_ALLOW_LIVE", default=False)
# `make serve` with no STRIPE_SECRET_KEY refuses to start unless this says to run the
# local payments sandbox (to try production settings without Stripe).
STRIPE_SANDBOX = env.bool("STRIPE_SANDBOX", default=False)
STRIPE_DASHBOARD_URL = env.str("STRIPE_DASHBOARD_URL", default="https://dashboard.stripe.com/test")
STRIPE_LIVE_MODE = STRIPE_SECRET_KEY.startswith(("sk_live_", "rk_live_"))
if STRIPE_LIVE_MODE and not STRIPE_ALLOW_LIVE:
    raise ImproperlyConfigured(
        "STRIPE_SECRET_KEY is a live key; this site runs in test mode. "
        "Set STRIPE_ALLOW_LIVE=true only if you really mean to take real money."
    )
DONATION_MIN_CENTS = env.int("DONATION_MIN_CENTS", default=100)
DONATION_MAX_CENTS = env.int("DONATION_MAX_CENTS", default=1_000_000)
# Fee cover (donations.fee_cover): Stripe's fee a donor may choose to add, as a
# percentage (at most two decimals) and a fixed part in US cents (the same number of
# hundredths in other currencies, none in zero-decimal ones). Stripe's standard US
# card pricing by default.
DONATION_FEE_PERCENT = env.str("DONATION_FEE_PERCENT", default="2.9")
DONATION_FEE_FIXED_CENTS = env.int("DONATION_FEE_FIXED_CENTS", default=30)
# Year-end statements (donations.statements): who the organisation is for tax purposes.
ORGANISATION_LEGAL_NAME = env.str("ORGANISATION_LEGAL_NAME", default="Advocacy (test mode)")
ORGANISATION_ADDRESS = env.str("ORGANISATION_ADDRESS", default="1 Example Street, Springfield")
ORGANISATION_TAX_ID = env.str("ORGANISATION_TAX_ID", default="00-0000000")
# Rates for opening a checkout (card-testing defence): per client
# IP, and per e-mail address whatever the IP.
DONATION_RATE_LIMIT = env.str("DONATION_RATE_LIMIT", default="10/m")
DONATION_EMAIL_RATE_LIMIT = env.str("DONATION_EMAIL_RATE_LIMIT", default="5/m")
# ... and site-wide, whatever the IPs and addresses (donations.ratelimits).
DONATION_SITE_RATE_LIMIT = env.str("DONATION_SITE_RATE_LIMIT", default="300/m")
# Personal data of donations never paid is erased after this many days, webhook
# payloads after WEBHOOK_PAYLOAD_DAYS (manage.py purge_personal_data).
UNPAID_PERSONAL_DATA_DAYS = env.int("UNPAID_PERSONAL_DATA_DAYS", default=30)
# Receipts: EMAIL_URL (console by default; smtp://user:password@host:587 with
# EMAIL_USE_TLS… in the URL's query, see django-environ) and the sender.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Advocacy <donations@localhost>")
# Staff told of every dispute opened and closed (comma-separated addresses; none: the
# admin's Disputes list only).
DISPUTE_NOTIFY_EMAILS = env.list("DISPUTE_NOTIFY_EMAILS", default=[])
# The site's address as donors reach it, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# How long a donor's link to their own donation page works.
DONOR_LINK_MAX_AGE_DAYS = env.int("DONOR_LINK_MAX_AGE_DAYS", default=90)
# "Manage my donations": how long the link to all of a donor's giving works, and how
# often one may be asked for, per connection and per address.
GIVING_LINK_MAX_AGE_HOURS = env.int("GIVING_LINK_MAX_AGE_HOURS", default=24)
GIVING_LINK_RATE_LIMIT = env.str("GIVING_LINK_RATE_LIMIT", default="5/m")
GIVING_LINK_EMAIL_RATE_LIMIT = env.str("GIVING_LINK_EMAIL_RATE_LIMIT", default="3/h")
WEBHOOK_PAYLOAD_DAYS = env.int("WEBHOOK_PAYLOAD_DAYS", default=90)
