"""Test settings: the project's env-driven settings with test-only values.

Environment variables still win, so `DATABASE_URL=postgres://… make test`
runs the suite against PostgreSQL.
"""

import os

os.environ["ENV_FILE"] = ""  # a developer's .env must not change the suite
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
# Failed background jobs are tried again soon, so that tests see their retries; a mail
# server that does not answer is given up on quickly.
os.environ.setdefault("TASK_RETRY_SECONDS", "0.05")
os.environ.setdefault("EMAIL_TIMEOUT", "2")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

from advocacy.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Serve static files from the finders, as in development; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# SQLite: a file rather than shared-cache memory, so that concurrent requests in
# tests (threads, live_server) queue on the write lock as they do in production.
if DATABASES["default"]["ENGINE"] == "advocacy.sqlite":  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"advocacy-test-{os.getpid()}.sqlite3")
    }
