# The two commands: `make run` (trace every recommendation of the bundled data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

AXE_VERSION := 4.10.2
AXE := node_modules/axe-core/axe.min.js

.PHONY: run test lint typecheck pytest bench clean site node_modules

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/policygraph trace --all

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP_TEST)
	$(BIN)/mypy src/policygraph

# axe-core for the browser tests' accessibility check (needs npm; the tests skip without it
# unless POLICYGRAPH_REQUIRE_BROWSER=1).
$(AXE):
	@if command -v npm >/dev/null; then \
	  npm install --no-save --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION) \
	  || echo "axe-core not installed: the accessibility check will be skipped"; \
	else echo "npm not found: the accessibility check will be skipped"; fi

node_modules: $(AXE)

pytest: $(STAMP_TEST) $(AXE)
	$(BIN)/python -m pytest -q -n auto

test: lint typecheck pytest

# The evidence map of the bundled data (SOURCES=DIR adds the source texts, marked).
site: $(STAMP_RUN)
	$(BIN)/policygraph site -o site $(if $(SOURCES),--sources $(SOURCES))

bench: $(STAMP_TEST)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache node_modules
