# manyi: two commands do all set-up on a fresh machine with Python 3.11.
#   make demo   install into .venv, migrate, load the demo data, serve on http://127.0.0.1:8000
#   make test   install dev dependencies, run ruff, mypy, import-linter and pytest

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
export MANYI_DATA_DIR ?= $(CURDIR)/var
DEMO_EMAIL    ?= admin@example.com
DEMO_PASSWORD ?= manyi-demo

.PHONY: demo test install install-dev lint typecheck imports pytest serve bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# dev also installs tools/ (manyi_tools: text model training and evaluation), which the
# installed manyi package does not carry
$(VENV)/.installed-dev: pyproject.toml tools/pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]' -e tools
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/manyi db upgrade
	$(BIN)/manyi demo --admin-email $(DEMO_EMAIL) --admin-password $(DEMO_PASSWORD)
	@echo ""
	@echo "  manyi demo: http://127.0.0.1:8000   login: $(DEMO_EMAIL) / $(DEMO_PASSWORD)"
	@echo ""
	$(BIN)/manyi serve

serve: install
	$(BIN)/manyi serve

lint: install-dev
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: install-dev
	$(BIN)/mypy

imports: install-dev
	$(BIN)/lint-imports

# the suite in parallel (pytest-xdist; each test has its own SQLite file or PostgreSQL schema)
pytest: install-dev
	$(BIN)/pytest -n auto --maxprocesses 4

test: lint typecheck imports pytest

bench: install-dev
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/import/bench_import.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
