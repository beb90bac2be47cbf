# The entry point for people: `make demo`, `make test`, `make lint`, `make format`, `make bench`
# (the canary-scan benchmark needs a demo program: see bench/RESULTS.md for its command).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: demo test lint format typecheck bench system-deps install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# System packages the tests need; installed only when missing (root on a fresh machine).
system-deps:
	@missing=""; \
	command -v age >/dev/null 2>&1 || missing="$$missing age"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v tcpdump >/dev/null 2>&1 || missing="$$missing tcpdump"; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

demo: $(STAMP)
	$(BIN)/forewarn demo --out demo-out

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test: $(STAMP) system-deps lint typecheck
	FOREWARN_TEST_POSTGRES_URL=$(PG_TEST_URL) $(BIN)/pytest -n 2 --cov=forewarn --cov-report=term:skip-covered

bench: $(STAMP)
	$(BIN)/python bench/attribution.py
	$(BIN)/python bench/release.py
	$(BIN)/python bench/similarity.py
	$(BIN)/python bench/dask_scaling.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage demo-out
