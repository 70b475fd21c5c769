# Two commands on a fresh Debian 12 machine with Python 3.11:
#   make demo   the whole system on this machine (embedded broker if no Mosquitto)
#   make test   the full suite: lint, types, schemas, unit and system tests
# Both create or reuse .venv and install what they need.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
# A real broker and its clients, PostgreSQL, a virtual screen with Mesa GL and a CJK font
# for the Kivy kiosk, and Chromium for the dashboard's browser tests.
TEST_DEBS := mosquitto mosquitto-clients postgresql xvfb fonts-noto-cjk libgl1-mesa-dri libmtdev1 chromium

.PHONY: demo test lint types schemas debs services clean bench

demo: $(VENV)/.demo-installed
	$(BIN)/lianxin demo $(DEMO_ARGS)

test: $(VENV)/.test-installed debs services lint types schemas
	$(BIN)/pytest -q

# Benchmarks against the same-run physical limits; figures in bench/results/ (under 10 minutes).
bench: $(VENV)/.test-installed debs services
	@$(BIN)/python -c 'import matplotlib' 2>/dev/null || $(BIN)/pip install --quiet matplotlib
	timeout 590 $(BIN)/python bench/run_all.py $(BENCH_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(VENV)/.test-installed
	$(BIN)/mypy

schemas: $(VENV)/.test-installed
	$(BIN)/python -m protocol.schema --check

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Lianxin needs Python 3.11 or newer (found: $(PYTHON))." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.demo-installed: pyproject.toml $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[hub,kiosk,demo]'
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[hub,kiosk,central,demo,dev]'
	touch $@ $(VENV)/.demo-installed

debs:
	@missing=""; for deb in $(TEST_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$deb 2>/dev/null | grep -q "install ok installed" \
	    || missing="$$missing $$deb"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	  elif command -v sudo >/dev/null; then SUDO="sudo"; \
	  else echo "The tests need these Debian packages:$$missing (run as root or install sudo)." >&2; exit 1; fi; \
	  echo "Installing Debian packages:$$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing \
	    || { echo "Could not install:$$missing" >&2; exit 1; }; \
	fi

# PostgreSQL for the contention and multi-worker tests: start any cluster that
# is installed but down. Tests that need it say loudly when none can be had.
services:
	@if command -v pg_lsclusters >/dev/null; then \
	  pg_lsclusters --no-header | while read version cluster port status rest; do \
	    case "$$status" in online*) ;; \
	      *) echo "Starting PostgreSQL $$version/$$cluster"; \
	         pg_ctlcluster --skip-systemctl-redirect $$version $$cluster start \
	           || echo "PostgreSQL $$version/$$cluster did not start" >&2;; esac; \
	  done; fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
