# The entry point for people: `make demo`, `make check`, `make test`, `make lint`, `make format`,
# `make bench` (the canary-scan benchmark needs a demo program: see bench/RESULTS.md for its command).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
CSAF_VALIDATOR := tools/csaf-validate/node_modules/.installed
# `make check` leaves the slow end-to-end journeys and the PostgreSQL runs to `make test`.
SLOW_TESTS := not slow and not postgres

# `make serve`: a trial service on SQLite in the working directory (a program is made if none is).
.PHONY: serve demo check test unit lint format typecheck bench system-deps install csaf-validator clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# What `forewarn` needs to run, and nothing else: the demo installs only this.
$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

# The dev extras on top: linters, type checker, test tools, the attackers' formatters.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(RUNTIME) $(STAMP)

install: $(STAMP)

# System packages the tests need; installed only when missing (root on a fresh machine). A test
# whose tool is missing fails rather than skips, so nothing passes by not running.
system-deps:
	@missing=""; \
	command -v age >/dev/null 2>&1 || missing="$$missing age"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v tcpdump >/dev/null 2>&1 || missing="$$missing tcpdump"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	command -v javac >/dev/null 2>&1 || missing="$$missing default-jdk-headless"; \
	command -v cc >/dev/null 2>&1 || missing="$$missing gcc"; \
	command -v curl >/dev/null 2>&1 || missing="$$missing curl"; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:$$missing"; \
		apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing; \
	fi

# The official CSAF 2.0 validator (BSI's csaf-validator-lib from npm, versions pinned by
# tools/csaf-validate/package-lock.json), which the tests run with node on every CSAF document.
$(CSAF_VALIDATOR): tools/csaf-validate/package.json tools/csaf-validate/package-lock.json
	@command -v npm >/dev/null 2>&1 || $(MAKE) system-deps
	npm ci --prefix tools/csaf-validate --no-audit --no-fund --silent
	touch $(CSAF_VALIDATOR)

csaf-validator: $(CSAF_VALIDATOR)

demo: $(RUNTIME)
	$(BIN)/forewarn demo --out demo-out

serve: $(RUNTIME)
	test -f forewarn.db || $(BIN)/forewarn init
	$(BIN)/forewarn serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/bandit -q -c pyproject.toml -r src

typecheck: $(STAMP)
	$(BIN)/mypy src

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# Fast: lint, types and the unit tests on SQLite, without the journeys and slow tests.
check: lint typecheck unit

unit: $(STAMP) system-deps $(CSAF_VALIDATOR)
	$(BIN)/pytest -n 2 -q -m "$(SLOW_TESTS)"

# Everything, on SQLite and PostgreSQL, with coverage (fails under the `fail_under` of pyproject.toml).
test: $(STAMP) system-deps $(CSAF_VALIDATOR) lint typecheck
	FOREWARN_TEST_POSTGRES_URL=$(PG_TEST_URL) $(BIN)/pytest -n 2 --dist worksteal --durations=30 --cov=forewarn --cov-report=term:skip-covered

bench: $(STAMP)
	$(BIN)/python bench/attribution.py
	$(BIN)/python bench/release.py
	$(BIN)/python bench/similarity.py
	$(BIN)/python bench/dask_scaling.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage demo-out tools/csaf-validate/node_modules
