# `make demo`, `make test` and `make docs` each set up what they need: a virtualenv in .venv with
# the package installed editable and its extras. The set-up reruns only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ORACLE := $(VENV)/.oracle

.PHONY: demo test docs docs-figures lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,examples,docs]"
	touch $(STAMP)

# PyTorch is the tests' oracle, never a dependency of the package: installed for `make test` only.
$(ORACLE): $(STAMP)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	touch $(ORACLE)

demo: $(STAMP)
	$(BIN)/python -m autograd_mini.cli demo

test: $(STAMP) $(ORACLE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q
	$(BIN)/mkdocs build --strict --quiet

# The site, in build/site (mkdocs.yml); `$(BIN)/mkdocs serve` shows it while editing.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

# Every picture in the docs, drawn again by the project's own code (docs/figures/make_*.py).
docs-figures: $(STAMP)
	for script in docs/figures/make_*.py; do MPLBACKEND=Agg $(BIN)/python "$$script" || exit 1; done

bench: $(STAMP)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
