"""gunicorn settings for `make serve`, from the environment or .env (see .env.example)."""

import multiprocessing
import os
from pathlib import Path

import environ

env = environ.Env()
ENV_FILE = os.environ.get("ENV_FILE", str(Path(__file__).resolve().parent / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE, overwrite=False)


def _int(name: str, default: int) -> int:
    value = env.str(name, default="")
    return int(value) if value else default


bind = f"{env.str('HOST', default='127.0.0.1')}:{env.str('PORT', default='8000')}"
# Measured with `make bench` on 2 cores: 4 workers × 2 threads served the article page
# fastest with the lowest tail latency of the set-ups tried (5×4, 5×1, 3×2, 2×4, 2×2).
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2)
# Threads let a worker serve other requests while some wait on Stripe: 4 since the calls
# to Stripe have a bulkhead (donations.stripe_guard). 8 measured against 4 (make bench,
# 5-second rounds): the article page's p99 268-556 ms against 81 on SQLite, 400-527
# against 160-182 on PostgreSQL, and no faster; not measured against 2.
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
# Every Stripe call is bounded well inside this (settings: STRIPE_*_TIMEOUT).
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = timeout
keepalive = _int("GUNICORN_KEEPALIVE", 5)
accesslog = env.str("GUNICORN_ACCESS_LOG", default="-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = env.str("GUNICORN_FORWARDED_ALLOW_IPS", default="127.0.0.1")
proc_name = env.str("GUNICORN_NAME", default="advocacy")
# No control socket: several instances on one machine would share its one path.
control_socket_disable = True
