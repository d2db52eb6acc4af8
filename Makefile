# Two commands on a fresh machine with Python >= 3.11 and make:
#   make demo   set up .venv, build the demo workbook, run every notebook, write the HTML report
#               (make demo SHOW_CODE=1: the pages show the notebooks' code too)
#   make test   set up .venv with the test extra and run the whole suite (browser tests included)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench venv clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/infoview demo
	$(BIN)/infoview run $(if $(SHOW_CODE),--show-code)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(STAMP) lint  # pytest runs on every core (pytest-xdist, -n auto in pyproject.toml); the slowest 20 shown
	$(BIN)/python -m pytest --durations=20

bench: $(STAMP)
	$(BIN)/python benchmarks/run_bench.py
	$(BIN)/python benchmarks/import_bench.py
	$(BIN)/python benchmarks/report_bench.py
	$(BIN)/python benchmarks/cohort_bench.py
	$(BIN)/python benchmarks/widget_bench.py
	$(BIN)/python benchmarks/sync_read_bench.py
	$(BIN)/python benchmarks/sync_match_bench.py

clean:
	rm -rf data/demo reports .pytest_cache
