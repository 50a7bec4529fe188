# The two commands of the README: `make run` and `make test`.
# Everything they need is set up here, from nothing but python3.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Development defaults; real environment variables (or .env) win.
export DEBUG ?= true

.PHONY: run test test-quick browser lint format install install-dev payment-run sandbox clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed-run
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	HOST=$(HOST) PORT=$(PORT) scripts/run-site

# A test-mode payment run: offline against its own sandbox, or Stripe test mode with a sk_test_ key.
payment-run: $(VENV)/.installed-run
	$(BIN)/python manage.py payment_run

# The payments sandbox alone (webhooks to the site on $(PORT)).
sandbox: $(VENV)/.installed-run
	STRIPE_WEBHOOK_SECRET=whsec_sandbox_development_only $(BIN)/python -m stripe_sandbox \
		--webhook-url http://$(HOST):$(PORT)/stripe/webhook/

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict donations/stripe_gateway.py stripe_testkit/

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

browser:
	scripts/install-chromium

# The whole suite: lint, types, unit, integration (sandbox over HTTP), payment runs and
# real-browser tests. `make test-quick` skips the browser tests.
test: lint browser
	$(BIN)/pytest

test-quick: lint
	$(BIN)/pytest -m "not browser"

clean:
	rm -rf $(VENV) staticfiles artifacts
