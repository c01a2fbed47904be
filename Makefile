# Menschmoment: `make run` starts the local product with demo data, `make test` checks it.
# Both set up everything they need on a fresh machine: a Python virtualenv and, for the
# tests, the Node tools of package.json (dynalite, a DynamoDB-compatible server) and
# Debian's chromium, which the console's browser tests drive through Playwright.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python

# Lambda runs Python 3.13; use it when the machine has it (pyenv included), else 3.11+.
PYTHON ?= $(shell for p in python3.13 $$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13 python3.12 python3.11 python3; do \
	"$$p" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null && { echo "$$p"; break; }; done)

.PHONY: setup run test check lint typecheck format bench clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (3.13 preferred)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[web,dev]'
	touch $@

# npm ci installs exactly the lockfile; --prefer-offline reuses npm's cache when it can.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Node.js with npm is needed for the test tools"; exit 1; }
	npm ci --prefer-offline --no-audit --no-fund
	touch $@

# Playwright's own browser download needs the internet; Debian's package does not.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "chromium is needed at $(CHROMIUM) for the browser tests"; exit 1; }
	if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y chromium; \
	else sudo apt-get update && sudo apt-get install -y chromium; fi

setup: $(VENV)/.installed node_modules/.package-lock.json $(CHROMIUM)

# The demo needs no Node.js.
run: $(VENV)/.installed
	$(PY) -m skill serve --demo

test: setup lint typecheck
	$(PY) -m pytest

check: test

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

# One table of this machine's figures (docs/benchmarks.md says what they mean). Not a
# test: nothing is asserted, and it takes about half a minute.
bench: $(VENV)/.installed
	$(PY) -m bench.run

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache *.egg-info
