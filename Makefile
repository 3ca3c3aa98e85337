PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
export ANNOGOV_DATABASE_URL ?=

.PHONY: run test lint typecheck bench screenshots cli-docs system-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	# test oracles without their declared dependencies: irrCAC pins scipy==1.12 and pandas<3 (it
	# would downgrade the stack); crowd-kit would pull transformers, which its DawidSkene never uses
	$(BIN)/pip install -q --no-deps 'irrCAC==0.4.4' 'crowd-kit>=1.4'
	touch $@ $(VENV)/.run-installed

system-packages:
	@scripts/system-packages.sh

## Install and start the app on the embedded SQLite database with demo data.
run: $(VENV)/.run-installed
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

## Install with dev extras (and the system packages, as root) and run the whole suite.
test: $(VENV)/.dev-installed system-packages
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

## Refresh the README's screenshots (docs/screenshots/) by running the end-to-end tests.
screenshots: $(VENV)/.dev-installed system-packages
	ANNOGOV_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests -k e2e

## Regenerate docs/cli.md from the parser (tests/test_cli_docs.py fails while it is out of date).
cli-docs: $(VENV)/.run-installed
	$(BIN)/python -m annogov.cli.docs > docs/cli.md

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(VENV)/.dev-installed
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
