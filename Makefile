# `make demo`, `make test` and `make docs` each set up what they need: a virtualenv in .venv with
# the package installed editable and its extras. The set-up reruns only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ORACLE := $(VENV)/.oracle
BROWSER := $(VENV)/.browser

.PHONY: demo test test-oldest wheel docs docs-figures docs-drawings lint bench clean

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
	$(BIN)/mypy
	$(BIN)/python -m pytest -q
	$(BIN)/mkdocs build --strict  # not --quiet: it stops --strict from counting warnings

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

# `make test-oldest`: ruff, a strict build of the docs site and the suite against the lowest
# versions that pyproject.toml allows, each Python in its own virtualenv: the oldest and the newest
# Python it declares, and 3.11, the Python of the oracle's CPU build. uv gives every direct
# dependency its lowest allowed version that has a wheel for that Python (none is built from
# source); what they pull in is the newest that fits. Interpreters come from pyenv, else from PATH
# (python3.10, ...). Where no CPU build of torch 2.13.0 lies on this machine, the run leaves out
# the tests that need it and lists them. The site is built without --quiet: --quiet hides the
# warnings that --strict counts, and the build passes whatever they say.
OLDEST_PYTHONS := 3.10 3.11 3.13
UV := $(BIN)/uv

$(UV): $(STAMP)
	$(BIN)/python -m pip install --quiet uv==0.13.9

test-oldest: $(addprefix test-oldest-,$(OLDEST_PYTHONS))

test-oldest-%: $(UV)
	@python=$$(ls -d "$$(pyenv root 2>/dev/null)"/versions/$*.*/bin/python 2>/dev/null | sort -V | tail -1); \
	python=$${python:-$$(command -v python$*)} || { echo "test-oldest: no Python $* (pyenv install $*)"; exit 1; }; \
	env=$(VENV)/oldest/$*; rm -rf $$env; \
	$(UV) venv --quiet --python $$python $$env && \
	VIRTUAL_ENV=$$env $(UV) pip install --quiet --resolution lowest-direct --only-binary :all: \
	    -e ".[test,examples,docs]" && \
	pip="$(BIN)/python -m pip --python $$env/bin/python" && \
	if $$pip install --quiet --dry-run --no-index --no-deps torch==2.13.0 2>/dev/null; \
	then $$pip install --quiet torch==2.13.0 && oracle=1; \
	else oracle=0; echo "test-oldest: no CPU build of torch 2.13.0 here for Python $*"; fi && \
	echo "test-oldest: $$($$env/bin/python -V), $$(VIRTUAL_ENV=$$env $(UV) pip freeze 2>/dev/null | \
	    grep -iE '^(numpy|graphviz|graphviz-pure|tqdm|matplotlib|scikit-learn|pytest|hypothesis|ruff|playwright|hatchling|hatch-fancy-pypi-readme|packaging|mkdocs|mkdocstrings|mkdocstrings-python|mkdocs-autorefs|griffe|pymdown-extensions|torch)==' | \
	    tr '\n' ' ')" && \
	$$env/bin/ruff check --quiet . && $$env/bin/ruff format --check --quiet . && \
	$$env/bin/mkdocs build --strict --site-dir $$env/site && \
	if [ $$oracle = 1 ]; then $$env/bin/python -m pytest -q -p no:cacheprovider; \
	else AUTOGRAD_MINI_WITHOUT_ORACLE=1 $$env/bin/python -m pytest -q -p no:cacheprovider; fi

# `make wheel`: what `pip install` gives a user. A wheel built from a clean clone (the last
# commit, nothing uncommitted), installed with its dependencies alone into a fresh virtualenv,
# runs every code block of the README there. pytest imports in importlib mode from outside the
# clone, so the README's `import autograd_mini` is the installed wheel's (the recipe checks).
WHEEL_CHECK := $(VENV)/wheel-check

wheel: $(UV)
	rm -rf $(WHEEL_CHECK) && git clone --quiet . $(WHEEL_CHECK)/clone
	$(UV) build --quiet --wheel --out-dir $(WHEEL_CHECK)/dist $(WHEEL_CHECK)/clone
	$(UV) venv --quiet --python $(PYTHON) $(WHEEL_CHECK)/venv
	VIRTUAL_ENV=$(WHEEL_CHECK)/venv $(UV) pip install --quiet $(WHEEL_CHECK)/dist/*.whl pytest
	cd $(WHEEL_CHECK) && venv/bin/python -c \
	    "import autograd_mini as am; assert '/venv/' in am.__file__, am.__file__; print('installed:', am.__file__)"
	cd $(WHEEL_CHECK) && venv/bin/python -m pytest -q -p no:cacheprovider --import-mode=importlib \
	    --rootdir clone clone/tests/test_readme.py

bench: $(STAMP)
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
