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

# Python's bytecode cache, where pytest also keeps the test modules it rewrote: without it
# every test process (each xdist worker, each server a test starts) compiles them again.
# Some shells turn it off; here it stays on (the Lambda package makes its own bytecode).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup run test test-fast test-clock check lint typecheck format bench clean package \
	lint-template skill-package lock lock-upgrade

# The environment is the lock, requirements/dev.txt: every package the tests, the demo
# and the tools run on, pinned with the hashes of its files. pip installs exactly that
# (--no-deps: nothing is resolved on the day), so a release elsewhere changes nothing here.
$(VENV)/.installed: requirements/dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (3.13 preferred)"; exit 1; }
	@echo "Setting up $(VENV) from the lock, requirements/dev.txt"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	touch $@

# The lock changes only on purpose. `make lock` adds what pyproject.toml asks for and keeps
# every other pin; `make lock-upgrade` moves every pin to the newest release. Both then
# install the result and rewrite the Lambda package's pins (deploy/requirements.txt).
# --no-emit-*: the lock names packages and hashes, never the index they came from.
PIP_COMPILE = $(VENV)/bin/pip-compile --quiet --extra web --extra dev --generate-hashes \
	--strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
	-o requirements/dev.txt pyproject.toml

lock: $(VENV)/.installed
	$(PIP_COMPILE)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	$(PY) -m deploy.pins

lock-upgrade: $(VENV)/.installed
	$(PIP_COMPILE) --upgrade
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	$(PY) -m deploy.pins

# Debian packages a fresh machine may lack, installed as root or through sudo. $(1): the
# packages, $(2): what they are for.
APT_INSTALL = echo "Installing Debian's $(1) ($(2))"; \
	if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y $(1); \
	else sudo apt-get update && sudo apt-get install -y $(1); fi

# npm ci installs exactly the lockfile; --prefer-offline reuses npm's cache when it can.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || command -v apt-get >/dev/null || { \
		echo "Node.js with npm is needed for the test tools"; exit 1; }
	command -v npm >/dev/null || { $(call APT_INSTALL,nodejs npm,dynalite and osls run on Node.js); }
	npm ci --prefer-offline --no-audit --no-fund
	touch $@

# Playwright's own browser download needs the internet; Debian's package does not.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "chromium is needed at $(CHROMIUM) for the browser tests"; exit 1; }
	$(call APT_INSTALL,chromium,the console's browser tests drive it)

# libfaketime: `make test-clock` runs the time-sensitive tests at awkward instants.
FAKETIME := /usr/bin/faketime
$(FAKETIME):
	@command -v apt-get >/dev/null || { echo "faketime is needed at $(FAKETIME) for make test-clock"; exit 1; }
	$(call APT_INSTALL,faketime,make test-clock runs the tests at other dates and hours)

# Debian's binutils for arm64: deploy/artifact.py strips the Lambda wheels' C extensions
# with its strip (the machine's own cannot read arm64 files); the package tests use it.
AARCH64_STRIP := /usr/bin/aarch64-linux-gnu-strip
$(AARCH64_STRIP):
	@command -v apt-get >/dev/null || { echo "aarch64-linux-gnu-strip is needed at $(AARCH64_STRIP) for make package"; exit 1; }
	$(call APT_INSTALL,binutils-aarch64-linux-gnu,make package strips the Lambda's arm64 C extensions)

setup: $(VENV)/.installed node_modules/.package-lock.json $(CHROMIUM) $(FAKETIME) $(AARCH64_STRIP)

# The demo needs no Node.js.
run: $(VENV)/.installed
	$(PY) -m skill serve --demo

# With `make run` going: an MCP client lists the tools and asks them for demo-alex.
.PHONY: mcp-demo
mcp-demo: $(VENV)/.installed
	$(PY) -m skill.devtools.demo.assistant

# Everything, as CI runs it: the checks, the whole suite, then the time-sensitive tests
# again at the instants that used to break them (see test-clock).
test: setup lint typecheck
	$(PY) -m pytest $(XDIST)
	$(MAKE) --no-print-directory test-clock

# pytest-xdist: one worker per core, a test module's tests on one worker (they share its
# servers and tables).
XDIST := -n auto --dist loadfile

# The developer loop: no browser, no deployment build, no load, nothing marked slow.
test-fast: $(VENV)/.installed node_modules/.package-lock.json
	$(PY) -m pytest $(XDIST) -q -m "not browser and not deploy and not load and not slow"

# The tests that meet dates and hours, under libfaketime at each instant listed in
# tests/clock_run.py: a weekend night, New Year's Eve, 03:00 in New York, the nights the
# clocks change in New York, London and Berlin. Nothing may depend on the machine's time.
test-clock: setup
	$(PY) -m tests.clock_run

check: test

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

# One table of this machine's figures (docs/benchmarks.md says what they mean). Not a
# test: nothing is asserted, and it takes about four minutes (a minute of it the load).
bench: $(VENV)/.installed
	$(PY) -m bench.run

# The deployment artifact and template, offline: no AWS account or credentials. pip
# fetches the Lambda platform's wheels (arm64, CPython 3.13) of deploy/requirements.txt;
# deploy/artifact.py zips what the functions import of them with our code (at most 4 MB,
# tests/deploy/test_packaged.py), the webhooks function's into build/webhooks.zip, the MCP
# function's, with the SDK of deploy/requirements-mcp.txt, into build/mcp.zip; osls
# writes the CloudFormation template to .serverless/. The skill id here is a stand-in:
# `osls deploy` gets the real one.
OSLS := node_modules/.bin/osls
STAGE ?= dev
REGION ?= eu-west-1
SKILL_ID ?= amzn1.ask.skill.00000000-0000-0000-0000-000000000000
LAMBDA_WHEELS := --platform manylinux2014_aarch64 --only-binary=:all: --python-version 3.13 \
	--implementation cp --no-deps --no-compile

package: setup
	rm -rf build/vendor build/vendor-mcp build/menschmoment.zip build/webhooks.zip build/mcp.zip .serverless
	$(PY) -m pip install --quiet $(LAMBDA_WHEELS) --target build/vendor -r deploy/requirements.txt
	$(PY) -m pip install --quiet $(LAMBDA_WHEELS) --target build/vendor-mcp -r deploy/requirements-mcp.txt
	$(PY) -m deploy.artifact build/vendor build/menschmoment.zip build/vendor-mcp
	$(OSLS) package --stage $(STAGE) --region $(REGION) --param skillId=$(SKILL_ID)

# cfn-lint reads .cfnlintrc.yaml: the template `make package` wrote.
lint-template: package
	$(VENV)/bin/cfn-lint

# The ASK CLI skill package (build/skill-package): skill.json with the shop's URLs and
# the skill's Lambda alias filled in, and the interaction models (docs/deploying.md).
PRIVACY_POLICY_URL ?=
TERMS_OF_USE_URL ?=
SKILL_ENDPOINT ?=

skill-package: $(VENV)/.installed
	rm -rf build/skill-package
	$(PY) -m skill manifest build build/skill-package --privacy-url "$(PRIVACY_POLICY_URL)" \
		--terms-url "$(TERMS_OF_USE_URL)" --endpoint "$(SKILL_ENDPOINT)"

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules build .serverless .pytest_cache .mypy_cache .ruff_cache *.egg-info
