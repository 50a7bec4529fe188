"""Real-browser tests: Playwright driving Debian's Chromium against a live server.

`playwright install` cannot download browsers here, so the suite points Playwright
at /usr/bin/chromium (`make test` installs it with apt when it is missing). Every
test here is marked `browser`; `pytest -m "not browser"` skips them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article

# Playwright's sync API runs an event loop in the test thread; the ORM calls that the
# tests (and pytest-django's database set-up) make there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def site(site_with_sandbox, site_sandbox_kit):
    """The live site with the real seed post and its donation box, and the sandbox."""
    live, sandbox = site_with_sandbox
    call_command("load_seed", verbosity=0)
    return live.url, sandbox, Article.objects.get()


@pytest.fixture
def delivered(site_sandbox_kit):
    """Wait until the sandbox has delivered every webhook it has created."""
    return site_sandbox_kit.wait_for_webhooks


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
