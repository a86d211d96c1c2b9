# calpae: two commands do everything on a fresh machine with Python 3.11.
#   make reports   build the tables and HTML reports from the bundled data
#   make test      run the whole test suite
# Both install the exact versions of requirements.lock; `make lock` refreshes it from pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.calpae-installed

GOALS = reports test tables benchmark lab lock dictionary clean
.PHONY: $(GOALS)

# A mistyped goal (`make tests`, which a folder of that name would make "up to date") is an error.
UNKNOWN_GOALS = $(filter-out $(GOALS) $(STAMP),$(MAKECMDGOALS))
ifneq ($(UNKNOWN_GOALS),)
$(error unknown target '$(UNKNOWN_GOALS)'; the targets are: $(GOALS))
endif

# The reports, as texts or PDFs; the text and the PDF of one report side by side are refused (keep one:
# which one is read is the user's choice, as calpae run says too).
RAW_DIR ?= data/raw
RAWS = $(wildcard $(RAW_DIR)/calpae_*.txt $(RAW_DIR)/calpae_*.pdf)
TEXTS_BESIDE_THEIR_PDF = $(filter $(patsubst %.pdf,%.txt,$(filter %.pdf,$(RAWS))),$(RAWS))

reports: tables
	$(BIN)/calpae run $(RAWS) $(if $(JOBS),--jobs $(JOBS))

# import-linter's contracts, ruff and mypy (their scope: pyproject.toml), then
# the tests on one worker per core (pytest-xdist), each test module whole on one worker so that
# its fixtures are built once; `make test TEST_WORKERS=` runs them in this process, one at a time.
# The fast loop leaves out the end-to-end tests (calpae run, kernels, the notebooks: about 70 % of
# the time): `make test TEST_OPTIONS='-m "not e2e"'`, or `.venv/bin/python -m pytest -m "not e2e"`.
TEST_WORKERS ?= -n auto --dist loadfile
TEST_OPTIONS ?=
test: $(STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check --quiet calpae_lib tests benchmarks conftest.py
	$(BIN)/mypy
	$(BIN)/python -m pytest -p tests.fast_imports $(TEST_WORKERS) $(TEST_OPTIONS)

tables: $(STAMP)
	$(if $(TEXTS_BESIDE_THEIR_PDF),$(error le texte et le PDF d'un même rapport : $(TEXTS_BESIDE_THEIR_PDF) et son PDF ; \
		gardez-en un seul dans $(RAW_DIR)))
	@for raw in $(RAWS); do $(BIN)/calpae parse "$$raw" || exit $$?; done

# docs/dictionnaire.md, written from the tables' schemas (a test fails when it is stale)
dictionary: $(STAMP)
	$(BIN)/python -m calpae_lib.tables.dictionary docs/dictionnaire.md

benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# JupyterLab in notebooks/; as root (a container) it needs --allow-root, given when uid is 0.
# More options through LAB_ARGS: make lab LAB_ARGS="--ip=0.0.0.0 --port=8888 --no-browser"
LAB_ARGS ?=
ROOT_ARGS = $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_ARGS) $(LAB_ARGS)

# The exact versions of the lock, then calpae itself without resolving anything again.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The newest versions pyproject.toml allows, for every platform, resolved by uv (`make lock
# LOCK_OPTIONS=` keeps the current pins and only adds or drops what pyproject.toml changed).
UV = uv==0.13.8
LOCK_OPTIONS ?= --upgrade
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet '$(UV)'
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal $(LOCK_OPTIONS) \
		-o requirements.lock
	$(BIN)/python -m pip install --quiet -r requirements.lock

clean:
	rm -rf data/processed/* output/* .calpae-cache
	touch data/processed/.gitkeep output/.gitkeep
