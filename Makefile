# The two ways in: `make run` (a working portal on http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MANAGE := $(BIN)/python manage.py
IGNORE := --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests

# Debian packages the portal needs: gettext (translations), npm (Bootstrap/htmx from the
# npm registry), fonts-liberation2 (Times-compatible font embedded in PDFs), chromium
# (browser tests only), wrk (the benchmark's load generator; its smoke test runs in the suite).
# Each entry is <what proves it is there>:<Debian package>.
RUN_PACKAGES := /usr/bin/msgfmt:gettext npm:npm \
	/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf:fonts-liberation2
BENCH_PACKAGES := $(RUN_PACKAGES) /usr/bin/wrk:wrk
TEST_PACKAGES := $(BENCH_PACKAGES) /usr/bin/chromium:chromium

.PHONY: help run test bench install system-deps system-deps-test system-deps-bench migrate demo \
	lint format lock clean

help:
	@echo "make run   - install, migrate, load demo data, serve http://127.0.0.1:8000 with the worker"
	@echo "make test  - install and run the whole test suite"
	@echo "make bench - the benchmark suite: SCALE=tiny|province|national DB=sqlite|postgres"
	@echo "make lint  - ruff and the migrations check"
	@echo "make lock  - re-resolve requirements.lock from pyproject.toml"

run: system-deps install migrate demo
	@echo "Portal: http://127.0.0.1:8000  (Ctrl-C stops the web server, worker and beat)"
	$(BIN)/honcho --procfile config/Procfile --app-root . start

# The suite runs in parallel (pytest-xdist): one worker per core, at most PYTEST_MAX_WORKERS,
# each with its own test database (…_gw0, …_gw1); an idle worker takes tests queued for a busy
# one (worksteal), as the browser and Celery tests take far longer than the rest.
# PYTEST_ARGS adds to that, e.g.
#   make test PYTEST_ARGS=tests/agreements/test_views.py
# and PYTEST_WORKERS=0 (or -p no:xdist / -n 0 in PYTEST_ARGS) runs in this one process:
#   make test PYTEST_WORKERS=0 PYTEST_ARGS="-x --pdb tests/browser"
PYTEST_WORKERS ?= auto
PYTEST_MAX_WORKERS ?= 4
PYTEST_XDIST = $(if $(or $(filter 0,$(PYTEST_WORKERS)),$(findstring no:xdist,$(PYTEST_ARGS))),,\
	-n $(PYTEST_WORKERS) --maxprocesses=$(PYTEST_MAX_WORKERS) --dist worksteal)

test: system-deps-test install
	$(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The benchmark suite (tests/bench/run.py): fills a scratch database of the scale once
# (var/bench-<scale>.sqlite3, or bench_<scale> on the PostgreSQL server at 127.0.0.1:5432),
# prints the table with its goals and writes var/bench-<scale>-<db>.json. BENCH_ARGS adds
# to it, e.g. BENCH_ARGS="--only pages,search --requests 100" or "--regenerate".
SCALE ?= province
DB ?= sqlite
bench: system-deps-bench install
	$(BIN)/python tests/bench/run.py --scale $(SCALE) --db $(DB) $(BENCH_ARGS)

install: $(VENV)/.installed node_modules/.installed locale/vi/LC_MESSAGES/django.mo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# --compile-bytecode: the packages' .pyc are written once here. uv does not write them by
# default, and where PYTHONDONTWRITEBYTECODE is set (as on these machines) Python never does,
# so every new process (a Celery worker, a PDF job's child, each test worker) would compile
# ~1,500 modules again: 3 s of the consolidated PDF job in the benchmark.
$(VENV)/.installed: requirements.lock | $(BIN)/uv
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python --require-hashes \
		requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

locale/vi/LC_MESSAGES/django.mo: locale/vi/LC_MESSAGES/django.po | $(VENV)/.installed
	$(MANAGE) compilemessages $(IGNORE) -v0

# Install the Debian packages that are missing (nothing happens when all are present).
define apt_install
	@missing=""; for entry in $(1); do \
	  probe=$${entry%%:*}; pkg=$${entry#*:}; \
	  [ -e "$$probe" ] || command -v "$$probe" >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

system-deps:
	$(call apt_install,$(RUN_PACKAGES))

system-deps-test:
	$(call apt_install,$(TEST_PACKAGES))

system-deps-bench:
	$(call apt_install,$(BENCH_PACKAGES))

migrate: install
	$(MANAGE) migrate --noinput -v0

demo: migrate
	$(MANAGE) load_demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: | $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -q -o requirements.lock

clean:
	rm -rf $(VENV) node_modules staticfiles var
