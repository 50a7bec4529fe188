import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from articles.models import Article

ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in {"SECRET_KEY", "DEBUG", "STRIPE_SECRET_KEY", "STRIPE_ALLOW_LIVE"}
}


def _settings_import(
    expression: str = "s.SECRET_KEY", **extra: str
) -> subprocess.CompletedProcess[str]:
    """A new Python process that imports the settings (as `s`) from this environment,
    changed by `extra`, and prints `expression`."""
    return subprocess.run(
        [sys.executable, "-c", f"import advocacy.settings as s; print({expression})"],
        env={**ENV, **extra},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_off_refuses_the_development_secret_key():
    result = _settings_import(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_on_falls_back_to_a_development_key():
    result = _settings_import(DEBUG="true")
    assert result.returncode == 0
    assert result.stdout.strip().startswith("django-insecure-")


def test_environment_secret_key_wins():
    result = _settings_import(DEBUG="false", SECRET_KEY="from-the-environment")
    assert result.stdout.strip() == "from-the-environment"


def test_whitenoise_sits_right_after_security_middleware():
    # Only the timing of the whole request (Server-Timing) comes before them.
    assert settings.MIDDLEWARE[:3] == [
        "advocacy.middleware.ServerTiming",
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]


def test_a_live_stripe_key_is_refused_at_start_up():
    result = _settings_import(DEBUG="true", STRIPE_SECRET_KEY="sk_live_abc")
    assert result.returncode != 0
    assert "STRIPE_SECRET_KEY is a live key" in result.stderr
    result = _settings_import(DEBUG="true", STRIPE_SECRET_KEY="rk_live_abc")
    assert "STRIPE_SECRET_KEY is a live key" in result.stderr


def test_a_live_key_is_accepted_only_when_explicitly_allowed():
    result = _settings_import(
        DEBUG="true", STRIPE_SECRET_KEY="sk_live_abc", STRIPE_ALLOW_LIVE="true"
    )
    assert result.returncode == 0


def test_a_test_key_is_fine():
    assert _settings_import(DEBUG="true", STRIPE_SECRET_KEY="sk_test_abc").returncode == 0


def test_env_example_lists_every_variable_the_settings_read():
    source = (settings.BASE_DIR / "advocacy" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', source))
    example = (settings.BASE_DIR / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Z_]+)=", example, re.MULTILINE))
    assert read - listed == set()
    assert len(read) > 20


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "donate.example.org",
    "SECURE_SSL_REDIRECT": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "BEHIND_HTTPS_PROXY": "true",
    "TRUSTED_PROXY_COUNT": "1",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_check_deploy_reports_nothing_with_the_production_variables():
    env = {k: v for k, v in ENV.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "advocacy.settings"},
        cwd=settings.BASE_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_admin_login_locks_out_after_the_configured_failures(client, settings, db):
    from tests.factories import StaffUserFactory

    settings.AXES_FAILURE_LIMIT = 3
    staff = StaffUserFactory(username="staff")

    def log_in(password):
        return client.post(
            "/admin/login/?next=/admin/", {"username": staff.username, "password": password}
        )

    for _ in range(3):
        assert log_in("wrong").status_code in (200, 429)
    locked = log_in("correct horse battery staple")
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_sentry_is_on_only_with_a_dsn():
    def active(**extra: str) -> str:
        probe = "__import__('sentry_sdk').get_client().is_active()"
        result = _settings_import(probe, DEBUG="true", **extra)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert active() == "False"
    assert active(SENTRY_DSN="https://public@127.0.0.1:9/1") == "True"


def test_postgresql_prepares_what_a_connection_runs_again_and_again_unless_turned_off():
    def options(**extra: str) -> str:
        probe = "s.DATABASES['default'].get('OPTIONS', {})"
        url = "postgres://u@127.0.0.1:9/db"
        result = _settings_import(probe, DEBUG="true", DATABASE_URL=url, **extra)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert options() == "{'server_side_binding': True, 'prepare_threshold': 5}"
    assert options(DATABASE_PREPARED_STATEMENTS="false") == "{}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db
def test_a_statement_run_five_times_is_planned_once_on_postgresql():
    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    for _ in range(6):
        list(Article.objects.filter(slug="the-prepared-one"))
    assert any("the-prepared-one" not in sql and '"articles_article"' in sql for sql in prepared())
