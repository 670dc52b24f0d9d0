# The two commands: `make run` (set up, build a demo database, start the app) and
# `make test` (set up, lint, type-check, run the whole test suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup lint typecheck pytest bench bundle screenshots clean

$(STAMP): pyproject.toml setup.py
	bash scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/buddy-desk demo --if-missing --db "$$($(BIN)/buddy-desk paths --demo-db-url)"
	$(BIN)/buddy-desk --db "$$($(BIN)/buddy-desk paths --demo-db-url)"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts setup.py
	$(BIN)/ruff format --check src tests benchmarks scripts setup.py
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n 2 --cov --cov-report=
	@echo "coverage: $$($(BIN)/coverage report --format=total) % of buddy_desk's lines and branches"

test: lint typecheck pytest

SCALE ?= 1
bench: $(STAMP)  # make bench SCALE=10: 310,000 dossiers (building the demos takes minutes)
	bash scripts/system-deps.sh --bench  # LibreOffice, the letter runs' floor, when it can
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run --scale $(SCALE)

# the PyInstaller folder dist/buddy-desk/ (packaging/README.md), built and tried under Xvfb
bundle: $(STAMP)
	bash scripts/smoke_bundle.sh

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache build dist
