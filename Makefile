# One entry point. `make run` serves the API for development; `make test`
# runs the whole suite on PostgreSQL and SQLite; `make test-fast` only the tests
# that run in pytest's own process. Each sets itself up.
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

.PHONY: install run serve migrate lint test test-fast test-example test-topology bench clean

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

# Ruff with zero warnings, and the code as ruff formats it (rules and why: ruff.toml).
lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(DEV) $(INTEROP)
	$(MAKE) lint
	scripts/ensure-chromium
	scripts/ensure-redis
	scripts/run-tests $(ARGS)
	$(MAKE) test-example ARGS=
	$(MAKE) test-topology ARGS=

# The in-process layer alone (everything not marked server, browser or interop:
# no child process, no Chromium, no Node), on SQLite over two workers; under a minute.
test-fast: $(DEV)
	scripts/run-tests --fast $(ARGS)

# The Next.js example in Chromium against the API on PostgreSQL, and the typed
# client's drift check: on PostgreSQL only, in one pytest (for its two
# in-process tests, starting workers would cost more than it saves).
test-example: $(DEV) $(EXAMPLE_BUILD)
	scripts/ensure-chromium
	TEST_WORKERS=0 scripts/run-tests --postgres $(EXAMPLE)/e2e $(ARGS)

# The production topology (nginx, two replicas, PostgreSQL, Redis) under
# faults: database and Redis outages, slow clients, a killed replica, a drain,
# a soak. A few minutes; docs/reliability.md has its figures.
test-topology: $(DEV)
	scripts/ensure-nginx
	scripts/ensure-redis
	scripts/test-topology $(ARGS)

clean:
	rm -rf $(VENV) interop/better-auth/node_modules $(EXAMPLE)/node_modules $(EXAMPLE)/.next .pytest_cache
