"""scripts/run-site, what `make run` serves: with no Stripe key, the sandbox comes too."""

import os
import signal
import socket
import subprocess
import sys

import pytest
from django.conf import settings

from donations.testmode.visitor import Visitor
from stripe_testkit.cards import VISA
from stripe_testkit.waiting import wait_until
from tests.stripe_events import event, sign


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


@pytest.fixture
def site_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "DJANGO_"))}
    env.update(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        PORT=str(free_port()),
        SANDBOX_PORT=str(free_port()),
    )
    for command in (["migrate", "--noinput"], ["load_seed"]):
        subprocess.run([sys.executable, "manage.py", *command], env=env, cwd=settings.BASE_DIR,
                       check=True, capture_output=True)  # fmt: skip
    return env


@pytest.mark.parametrize(
    ("args", "server"), [((), "runserver"), (("--production",), "gunicorn")], ids=["run", "serve"]
)
def test_with_no_key_a_donation_is_paid_through_the_sandbox(site_env, args, server):
    """`make run` (runserver) and `make serve` (gunicorn, DEBUG off) alike."""
    site_port, sandbox_port = int(site_env["PORT"]), int(site_env["SANDBOX_PORT"])
    if server == "gunicorn":
        # A request still in flight at Ctrl-C may hold its worker for up to the
        # graceful timeout (GUNICORN_TIMEOUT); 10 s keeps the shutdown inside the wait.
        site_env.update(DEBUG="false", SECRET_KEY="serve-test-" + "x" * 40, STRIPE_SANDBOX="true",
                        GUNICORN_WORKERS="2", GUNICORN_TIMEOUT="10")  # fmt: skip
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                       env=site_env, cwd=settings.BASE_DIR, check=True)  # fmt: skip
    # As from a terminal, whatever this run's own Ctrl-C does: a process started in the
    # background of a script (`pytest … &`) ignores SIGINT, and so would all of the
    # site's (a handler of ours is reset to the default in the child, an "ignore" is not).
    ours = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen(
            [str(settings.BASE_DIR / "scripts" / "run-site"), *args],
            env=site_env,
            cwd=settings.BASE_DIR,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    finally:
        signal.signal(signal.SIGINT, ours)
    visitor = Visitor(f"http://127.0.0.1:{site_port}")
    try:
        wait_until(lambda: answers(site_port) and answers(sandbox_port), 60, "the site")
        checkout = visitor.donate(
            "/articles/the-ongoing-assault-on-287g/",
            amount="2000", first_name="Ada", last_name="Lovelace", email="ada@example.org",
        )  # fmt: skip
        assert checkout.url.startswith(f"http://127.0.0.1:{sandbox_port}/c/pay/cs_test_")
        thanks = visitor.pay(checkout, VISA)
        assert thanks.status_code == 200
        wait_until(lambda: ">Paid<" in visitor.http.get(thanks.url, timeout=5).text, 30, "Paid")
        # The sandbox signs with a secret drawn for this start: the development secret
        # the README used to publish signs nothing the site accepts.
        forged = event("checkout.session.completed", {"id": "cs_x", "object": "checkout.session"})
        answer = visitor.http.post(
            f"http://127.0.0.1:{site_port}/stripe/webhook/", data=forged, timeout=5,
            headers={"Stripe-Signature": sign(forged, "whsec_sandbox_development_only"),
                     "Content-Type": "application/json"},
        )  # fmt: skip
        assert answer.status_code == 400
    finally:
        visitor.http.close()  # no keep-alive connection left for the server to wait on
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal
        output = process.communicate(timeout=30)[0]
    assert "payments go to the local sandbox" in output
    if server == "gunicorn":
        assert "Booting worker" in output
        assert '"POST /articles/the-ongoing-assault-on-287g/donate/ HTTP/1.1" 303' in output
    wait_until(lambda: not answers(sandbox_port), 10, "the sandbox to stop with the site")


def test_make_serve_refuses_to_start_without_stripe_keys(site_env):
    site_env.update(DEBUG="false", SECRET_KEY="serve-test-" + "x" * 40)
    refused = subprocess.run(
        [str(settings.BASE_DIR / "scripts" / "run-site"), "--production"],
        env=site_env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET" in refused.stderr
    assert not answers(int(site_env["PORT"])) and not answers(int(site_env["SANDBOX_PORT"]))
    site_env["STRIPE_SECRET_KEY"] = "sk_test_" + "x" * 24
    refused = subprocess.run(
        [str(settings.BASE_DIR / "scripts" / "run-site"), "--production"],
        env=site_env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "make serve needs STRIPE_WEBHOOK_SECRET" in refused.stderr
