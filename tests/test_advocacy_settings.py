import os
import re
import subprocess
import sys

from django.conf import settings

ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in {"SECRET_KEY", "DEBUG", "STRIPE_SECRET_KEY", "STRIPE_ALLOW_LIVE"}
}


def _settings_import(**extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import advocacy.settings as s; print(s.SECRET_KEY)"],
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
    assert settings.MIDDLEWARE[:2] == [
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
