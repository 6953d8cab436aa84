# One entry point. `make run` serves the API for development; `make test`
# runs the whole suite on PostgreSQL and SQLite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
INTEROP := interop/better-auth/node_modules/.installed
EXAMPLE := examples/nextjs
EXAMPLE_DEPS := $(EXAMPLE)/node_modules/.installed
EXAMPLE_BUILD := $(EXAMPLE)/.next/BUILD_ID
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve migrate lint typecheck test test-example test-topology bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(DEV): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(RUNTIME)

$(INTEROP): interop/better-auth/package.json interop/better-auth/package-lock.json
	cd interop/better-auth && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(EXAMPLE_DEPS): $(EXAMPLE)/package.json $(EXAMPLE)/package-lock.json
	cd $(EXAMPLE) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# One production build for both modes (the mode is read when the server starts);
# rebuilt only when the app's sources change.
$(EXAMPLE_BUILD): $(EXAMPLE_DEPS) $(shell find $(EXAMPLE)/src -type f 2>/dev/null) $(EXAMPLE)/next.config.ts $(EXAMPLE)/tsconfig.json
	cd $(EXAMPLE) && NEXT_TELEMETRY_DISABLED=1 npx --no-install next build

install: $(RUNTIME)

# Development server on SQLite; DEBUG on unless DJANGO_DEBUG says otherwise.
run: export DJANGO_DEBUG ?= true
run: $(RUNTIME)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

migrate: $(RUNTIME)
	$(BIN)/python manage.py migrate --noinput

# Production-like serving: granian, started by config/server.py (every knob from
# the environment, .env.example), static files through whitenoise. Secrets and DJANGO_ALLOWED_HOSTS come from the environment or
# .env; start-up stops when a secret is missing or weak. Migrations are a
# separate step (`make migrate`), never run by a serving process.
serve: $(RUNTIME)
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python -m config.server

# The project alone under load (wrk), on a throwaway PostgreSQL: bench/run.sh says what it runs.
bench: $(RUNTIME)
	bench/run.sh

# Ruff with zero warnings, the code as ruff formats it (rules and why: ruff.toml), and mypy.
lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) typecheck

# mypy with django-stubs and djangorestframework-stubs, no errors; what it checks and how strictly: mypy.ini.
typecheck: $(DEV)
	$(BIN)/mypy

test: $(DEV) $(INTEROP)
	$(MAKE) lint
	scripts/ensure-chromium
	scripts/ensure-redis
	scripts/run-tests $(ARGS)
	$(MAKE) test-example ARGS=
	$(MAKE) test-topology ARGS=

# The Next.js example in Chromium against the API on PostgreSQL, and the typed
# client's drift check (the end-to-end tests skip themselves on the SQLite pass).
test-example: $(DEV) $(EXAMPLE_BUILD)
	scripts/ensure-chromium
	scripts/run-tests $(EXAMPLE)/e2e $(ARGS)

# The production topology (nginx, two replicas, PostgreSQL, Redis) under
# faults: database and Redis outages, slow clients, a killed replica, a drain,
# a soak. A few minutes; docs/reliability.md has its figures.
test-topology: $(DEV)
	scripts/ensure-nginx
	scripts/ensure-redis
	scripts/test-topology $(ARGS)

clean:
	rm -rf $(VENV) interop/better-auth/node_modules $(EXAMPLE)/node_modules $(EXAMPLE)/.next .pytest_cache
