# The two commands of the README: `make run` and `make test`.
# Everything they need is set up here, from nothing but python3.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Development defaults; real environment variables (or .env) win.
export DEBUG ?= true

.PHONY: run serve bench css test test-quick browser lint format install install-dev payment-run sandbox \
	load-test clean messages messages-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

# The translations Django reads (locale/*/LC_MESSAGES/django.mo), compiled from the .po
# files with Babel: no gettext tools needed to run the site.
MESSAGES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
$(MESSAGES): %.mo: %.po $(VENV)/.installed-run
	$(BIN)/python scripts/messages compile
messages: $(MESSAGES)

# Every string marked for translation is translated, none fuzzy: the catalogues made
# again from the code (makemessages needs gettext: scripts/apt-install gettext), then
# checked, then compiled by Django's compilemessages (msgfmt checks them too).
MAKEMESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=stripe_sandbox --ignore=tests \
	--ignore=staticfiles --ignore=artifacts
messages-check: $(VENV)/.installed-run
	$(BIN)/python manage.py makemessages --all --add-location=file $(MAKEMESSAGES_IGNORE)
	$(BIN)/python scripts/messages check
	$(BIN)/python manage.py compilemessages $(MAKEMESSAGES_IGNORE)

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

# A .env for development, once: DEBUG on and a random SECRET_KEY, so that every
# `.venv/bin/python manage.py …` of the README works in a fresh shell.
.env:
	@printf '# Written by make for development; see .env.example for every variable.\nDEBUG=true\nSECRET_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote .env for development (DEBUG=true)."

run: $(VENV)/.installed-run .env messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	HOST=$(HOST) PORT=$(PORT) scripts/run-site

# Production: gunicorn (gunicorn.conf.py), DEBUG off whatever .env says.
serve: $(VENV)/.installed-run .env messages
	DEBUG=false $(BIN)/python manage.py migrate --noinput
	DEBUG=false $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DEBUG=false HOST=$(HOST) PORT=$(PORT) scripts/run-site --production

# A test-mode payment run: offline against its own sandbox, or Stripe test mode with a sk_test_ key.
payment-run: $(VENV)/.installed-run messages
	$(BIN)/python manage.py payment_run

# The payments sandbox alone (webhooks to the site on $(PORT), signed with the
# STRIPE_WEBHOOK_SECRET of the environment, which the site must share).
sandbox: $(VENV)/.installed-run
	$(BIN)/python -m stripe_sandbox --webhook-url http://$(HOST):$(PORT)/stripe/webhook/

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict donations/stripe_gateway.py donations/stripe_guard.py stripe_testkit/ \
		advocacy/rows.py advocacy/task_backend.py

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Throughput and latency of the production set-up against a static file (README: Performance).
bench: $(VENV)/.installed-run messages
	scripts/bench

# static/css/site.css from scss/ (Bootstrap's Sass, cut to what the site uses); Node.js + npm.
css: $(VENV)/.installed-run
	scripts/build-css

browser:
	scripts/install-chromium

# The whole suite: lint, types, unit, integration (sandbox over HTTP), payment runs and
# real-browser tests. `make test-quick` skips the browser tests.
test: lint browser messages
	$(BIN)/pytest

test-quick: lint messages
	$(BIN)/pytest -m "not browser"

clean:
	rm -rf $(VENV) staticfiles artifacts
