# demoscope — developer entry points. `make run` and `make test` are the two set-up commands.
VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-$(shell cat pyproject.toml package-lock.json | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000
JOBS   ?= 2

.PHONY: run install test lint bench docs clean

$(STAMP): pyproject.toml package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	# test assets from the npm registry (axe-core for the browser tests' accessibility checks)
	npm ci --no-audit --no-fund --loglevel=error
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## run: create .venv, install, initialise the embedded SQLite database with the built-in
## dataset (idempotent) and serve the web site + API on http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/demoscope db init
	$(BIN)/demoscope serve --host $(HOST) --port $(PORT)

## test: lint + the whole suite (PostgreSQL too when DEMOSCOPE_TEST_POSTGRES_URL is set)
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n $(JOBS) --dist loadgroup tests

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

## bench: print the benchmark figures (not timed tests)
bench: $(STAMP)
	for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

## docs: regenerate docs/cli.md from the commands' --help and docs/python-api.md from docstrings
docs: $(STAMP)
	$(BIN)/python -m demoscope.clidoc > docs/cli.md
	$(BIN)/python -m demoscope.apiref > docs/python-api.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-artifacts
