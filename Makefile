# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# Prefer the version pyenv names in .python-version, then any python3 on PATH; the stamp files
# below reinstall only when pyproject.toml changes.
PYTHON ?= $(shell command -v python$$(cat .python-version 2>/dev/null) 2>/dev/null || command -v python3)
HOST ?= 127.0.0.1
PORT ?= 8000
# The browser tests drive this Chromium; BROWSER_TESTS=0 leaves them out (and no longer needs it or Java).
CHROMIUM ?= /usr/bin/chromium
BROWSER_TESTS ?= 1
export CHROMIUM BROWSER_TESTS

.PHONY: help run test test-tools test-fast lint format fixtures validate serve bench clean

help:
	@echo "make run    set up and serve the tracker on http://$(HOST):$(PORT) (SQLite)"
	@echo "make test   install test dependencies and run the whole suite (BROWSER_TESTS=0: without the browser tests)"
	@echo "make lint   ruff check and format check;  make serve: production settings with gunicorn"
	@echo "make fixtures  rebuild fixtures/tracker.json from fixtures/curated/;  make bench: the benchmark"

$(VENV)/.python-ok:
	@test -n "$(PYTHON)" || { echo "No python3 found. Install Python 3.12 or newer."; exit 1; }
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 12) else 1)' || { \
	  echo "Python 3.12 or newer is needed; $(PYTHON) is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install it (for example with pyenv) or run: make run PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	@touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.python-ok
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	@touch $@

run: $(VENV)/.installed
	DJANGO_DEBUG=true $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true $(PY) manage.py load_dataset
	@echo "Serving on http://$(HOST):$(PORT)/  (the admin: make an account with 'DJANGO_DEBUG=true $(PY) manage.py createsuperuser')"
	DJANGO_DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

# Before anything slow: the browser tests need Chromium, and their HTML checker Java. One line says
# what to install (test-tools comes first among test's prerequisites, so it runs first).
test-tools:
	@if [ "$(BROWSER_TESTS)" != 0 ]; then \
	  hint="or run without the browser tests: BROWSER_TESTS=0 make test"; \
	  [ -x "$(CHROMIUM)" ] || { echo "The browser tests need Chromium at $(CHROMIUM): apt-get install chromium ($$hint)"; exit 1; }; \
	  command -v java >/dev/null || { echo "The HTML checker of the browser tests needs Java: apt-get install default-jre-headless ($$hint)"; exit 1; }; \
	fi

# The whole suite: SQLite always, with the browser tests; PostgreSQL too when DATABASE_URL points at one.
# The PostgreSQL run goes on alongside (its output follows the SQLite run's); either failing fails.
test: test-tools $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	@mkdir -p test-artifacts; pg=; \
	if [ -n "$$DATABASE_URL" ]; then \
	  echo "== PostgreSQL (without browser tests) runs alongside: test-artifacts/postgresql.log"; \
	  REDIS_URL=$${REDIS_URL:+$${REDIS_URL%/*}/14} $(PY) -m pytest -m "not browser" -p no:cacheprovider > test-artifacts/postgresql.log 2>&1 & pg=$$!; \
	fi; \
	if [ "$(BROWSER_TESTS)" = 0 ]; then \
	  echo "== SQLite, without the browser tests (BROWSER_TESTS=0)"; \
	  DATABASE_URL= $(PY) -m pytest -m "not browser" -p no:cacheprovider; sqlite=$$?; \
	else \
	  echo "== SQLite, browser tests included"; \
	  DATABASE_URL= $(PY) -m pytest -p no:cacheprovider; sqlite=$$?; \
	fi; \
	status=$$sqlite; \
	if [ -n "$$pg" ]; then \
	  wait $$pg; pgstatus=$$?; echo "== PostgreSQL: $${DATABASE_URL%%\?*}"; cat test-artifacts/postgresql.log; \
	  [ $$pgstatus -eq 0 ] || status=$$pgstatus; \
	fi; \
	exit $$status

test-fast: $(VENV)/.installed-test
	DATABASE_URL= $(PY) -m pytest -m "not browser" -x -q

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

fixtures: $(VENV)/.installed
	DJANGO_DEBUG=true $(PY) manage.py build_fixtures

validate: $(VENV)/.installed
	DJANGO_DEBUG=true $(PY) manage.py validate_data

# Production configuration locally: DEBUG off, collected static files, gunicorn, plain HTTP.
serve: $(VENV)/.installed
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-serve-$$(hostname)-not-for-production} \
	DJANGO_SECURE_SSL=false DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	  bash -c '$(PY) manage.py collectstatic --noinput -v0 && $(PY) manage.py migrate --noinput -v0 \
	  && $(PY) manage.py load_dataset && exec $(VENV)/bin/gunicorn -c gunicorn.conf.py tracker.wsgi'

bench: $(VENV)/.installed
	$(PIP) install --quiet -e '.[bench]'
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
