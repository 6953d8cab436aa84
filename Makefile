# One entry point. `make run` serves the API for development; `make test`
# runs the whole suite on PostgreSQL and SQLite; `make test-fast` only the tests
# that run in pytest's own process. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
INTEROP := interop/better-auth/node_modules/.installed
# drf-better-auth: this repository's own package, installed as a wheel built from its sources.
PACKAGE := drf-better-auth
PACKAGE_SOURCES := $(PACKAGE)/pyproject.toml $(PACKAGE)/README.md $(shell find $(PACKAGE)/src -type f -not -path '*/__pycache__/*' 2>/dev/null)
WHEELS := $(VENV)/wheels
WHEEL := $(WHEELS)/.built
PACKAGE_INSTALLED := $(VENV)/.package-installed
# Its tests run alone on each Django it supports, in a venv of their own (drf-better-auth/tests/requirements-*.txt).
PACKAGE_DJANGOS := 42 52
PACKAGE_VENVS := $(foreach django,$(PACKAGE_DJANGOS),.venv-django$(django)/.installed)
EXAMPLE := examples/nextjs
EXAMPLE_DEPS := $(EXAMPLE)/node_modules/.installed
EXAMPLE_BUILD := $(EXAMPLE)/.next/BUILD_ID
HOST ?= 127.0.0.1
PORT ?= 8000
# The production image `make image` builds (docker-compose.yml runs the same tag).
IMAGE ?= todo-api:latest
# The host's CA bundle, mounted for the build's pip only (this machine reaches
# the package registry through a TLS proxy); never copied into the image.
CA_BUNDLE ?= $(wildcard /etc/ssl/certs/ca-certificates.crt)

.PHONY: install run serve migrate lint typecheck test test-fast test-package test-example test-topology bench clean image container-setup

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# requirements.txt names drf-better-auth by its path (pip builds its wheel and installs it);
# between changes of the requirements, the wheel is rebuilt and reinstalled whenever a file
# of the package changes.
$(RUNTIME): requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(DEV): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(RUNTIME)

$(WHEEL): $(PACKAGE_SOURCES) | $(VENV)/bin/python
	rm -rf $(WHEELS)
	$(BIN)/pip wheel --quiet --no-deps ./$(PACKAGE) -w $(WHEELS)
	touch $@

$(PACKAGE_INSTALLED): $(WHEEL) | $(RUNTIME)
	$(BIN)/pip install --quiet --no-deps --force-reinstall $(WHEELS)/drf_better_auth-*.whl
	touch $@

# A venv per Django the package supports: its pins, then the wheel with the
# dependencies it declares (so they must accept those pins), then the wheel afresh.
.venv-django%/.installed: $(PACKAGE)/tests/requirements-django%.txt $(WHEEL)
	test -x .venv-django$*/bin/python || $(PYTHON) -m venv .venv-django$*
	.venv-django$*/bin/pip install --quiet -r $(PACKAGE)/tests/requirements-django$*.txt $(WHEELS)/drf_better_auth-*.whl
	.venv-django$*/bin/pip install --quiet --no-deps --force-reinstall $(WHEELS)/drf_better_auth-*.whl
	touch $@

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

install: $(RUNTIME) $(PACKAGE_INSTALLED)

# Development server on SQLite; DEBUG on unless DJANGO_DEBUG says otherwise.
run: export DJANGO_DEBUG ?= true
run: $(RUNTIME) $(PACKAGE_INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

migrate: $(RUNTIME) $(PACKAGE_INSTALLED)
	$(BIN)/python manage.py migrate --noinput

# Production-like serving: granian, started by the server package (server/run.py;
# every knob from the environment, .env.example), static files through whitenoise.
# Secrets and DJANGO_ALLOWED_HOSTS come from the environment or .env; start-up
# stops when a secret is missing or weak, or granian is not a version the server
# was verified against. Migrations are a separate step (`make migrate`), never
# run by a serving process.
serve: $(RUNTIME) $(PACKAGE_INSTALLED)
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python -m server

# The project alone under load (wrk), on a throwaway PostgreSQL: bench/run.sh says what it runs.
bench: $(RUNTIME) $(PACKAGE_INSTALLED)
	bench/run.sh

# Ruff with zero warnings, the code as ruff formats it (rules and why: ruff.toml), and mypy.
lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) typecheck

# mypy with django-stubs and djangorestframework-stubs, no errors; what it checks and how strictly: mypy.ini.
# It reads drf_better_auth's types from the installed wheel, so the wheel is rebuilt first if its sources changed.
typecheck: $(DEV) $(PACKAGE_INSTALLED)
	$(BIN)/mypy

# The container tests' setup (podman, base images, `make image`) starts first, in
# the background, and the first container test joins it (scripts/container-setup).
# The gates and the package's suite run side by side (mypy is mostly one core's work).
test: container-setup $(DEV) $(PACKAGE_INSTALLED) $(INTEROP)
	$(MAKE) --jobs=2 --output-sync=target lint test-package
	scripts/ensure-chromium
	scripts/ensure-redis
	scripts/run-tests $(ARGS)
	$(MAKE) test-example ARGS=
	$(MAKE) test-topology ARGS=

# drf-better-auth alone, from its wheel, on Django 4.2 and 5.2, the two at once (about a
# minute): its tiny test project in drf-better-auth/tests, a real Better Auth among its
# peers, and a coverage floor (90 %) that fails the run. Then `mypy --strict` on its sources.
test-package: $(PACKAGE_VENVS) $(INTEROP) $(DEV) $(PACKAGE_INSTALLED)
	status=0; \
	for django in $(PACKAGE_DJANGOS); do \
	  (cd $(PACKAGE) && REQUIRE_BETTER_AUTH=1 COVERAGE_FILE=../.venv-django$$django/.coverage \
	    ../.venv-django$$django/bin/python -m pytest tests -q \
	    --cov=drf_better_auth --cov-report=term-missing:skip-covered --cov-fail-under=90 \
	    > ../.venv-django$$django/test.log 2>&1; echo $$? > ../.venv-django$$django/test.status) & \
	done; wait; \
	for django in $(PACKAGE_DJANGOS); do \
	  echo "=== drf-better-auth on Django $$django ==="; cat .venv-django$$django/test.log; \
	  [ "$$(cat .venv-django$$django/test.status)" = 0 ] || status=1; \
	done; exit $$status
	cd $(PACKAGE) && ../$(BIN)/python -m mypy

# The in-process layer alone (everything not marked server, browser, interop or container:
# no child process, no Chromium, no Node, no podman), on SQLite over two workers; under a minute.
test-fast: $(DEV)
	scripts/run-tests --fast $(ARGS)

# The Next.js example in Chromium against the API on PostgreSQL, and the typed
# client's drift check: on PostgreSQL only, in one pytest (for its two
# in-process tests, starting workers would cost more than it saves).
test-example: $(DEV) $(PACKAGE_INSTALLED) $(EXAMPLE_BUILD)
	scripts/ensure-chromium
	TEST_WORKERS=0 scripts/run-tests --postgres $(EXAMPLE)/e2e $(ARGS)

# The production topology (nginx, two replicas, PostgreSQL, Redis) under
# faults: database and Redis outages, slow clients, a killed replica, a drain,
# a soak. A few minutes; docs/reliability.md has its figures.
test-topology: $(DEV) $(PACKAGE_INSTALLED)
	scripts/ensure-nginx
	scripts/ensure-redis
	scripts/test-topology $(ARGS)

# The production image, with podman. Docker's image format, not OCI: the OCI
# format has no HEALTHCHECK, and compose's health-gated start waits on it.
# Where the base image cannot be pulled (no registry here), scripts/stand-in-images
# builds a Debian stand-in under its upstream name first (as root; a pulled
# image is kept). `docker build .` builds the same Dockerfile elsewhere.
image:
	scripts/stand-in-images
	previous=$$(podman image inspect --format '{{.Id}}' $(IMAGE) 2>/dev/null); \
	podman build --format docker $(if $(CA_BUNDLE),--volume $(CA_BUNDLE):/etc/ssl/certs/ca-certificates.crt:ro) --tag $(IMAGE) . && \
	if [ -n "$$previous" ] && [ "$$previous" != "$$(podman image inspect --format '{{.Id}}' $(IMAGE))" ]; then \
	  podman rmi "$$previous" >/dev/null 2>&1 || true; \
	fi

container-setup:
	scripts/container-setup start

clean:
	rm -rf $(VENV) .venv-django42 .venv-django52 interop/better-auth/node_modules $(EXAMPLE)/node_modules $(EXAMPLE)/.next .pytest_cache
