# `make demo`, `make test` and `make docs` each set up what they need: a virtualenv in .venv with
# the package installed editable and its extras. The set-up reruns only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ORACLE := $(VENV)/.oracle
BROWSER := $(VENV)/.browser

.PHONY: demo test docs docs-figures docs-drawings lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,examples,docs]"
	touch $(STAMP)

# PyTorch is the tests' oracle, never a dependency of the package: installed for `make test` only.
$(ORACLE): $(STAMP)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	touch $(ORACLE)

# The backward page's test drives a real Chromium through Playwright (the `test` extra) and uses
# the system's browser, not one Playwright downloads: Debian's `chromium`, installed here when
# missing if we are root with apt-get. Elsewhere the test is skipped, and this says so loudly.
$(BROWSER): $(STAMP)
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then \
		touch $(BROWSER); \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then \
		touch $(BROWSER); \
	else \
		echo "*** WARNING: Chromium is not installed and could not be installed (needs root and"; \
		echo "*** apt-get): the browser test of the backward page WILL BE SKIPPED. Install the"; \
		echo "*** chromium package to run it."; \
	fi

demo: $(STAMP)
	$(BIN)/python -m autograd_mini.cli demo

test: $(STAMP) $(ORACLE) $(BROWSER)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q
	$(BIN)/mkdocs build --strict --quiet

# The site, in build/site (mkdocs.yml); `$(BIN)/mkdocs serve` shows it while editing.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

# Every picture in the docs, drawn again by the project's own code (docs/figures/make_*.py and
# the drawings below).
docs-figures: $(STAMP) docs-drawings
	for script in docs/figures/make_*.py; do MPLBACKEND=Agg $(BIN)/python "$$script" || exit 1; done

# The drawings docs/drawing-graphs.md and the README show, made by code (docs/figures/drawings.py)
docs-drawings: $(STAMP) $(BROWSER)
	$(BIN)/python docs/figures/drawings.py

bench: $(STAMP)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
