# calpae: two commands do everything on a fresh machine with Python 3.11.
#   make reports   build the tables and HTML reports from the bundled data
#   make test      run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.calpae-installed

.PHONY: reports test tables benchmark lab clean

RAWS = $(wildcard data/raw/calpae_*.txt)

reports: tables
	$(BIN)/calpae run $(RAWS) $(if $(JOBS),--jobs $(JOBS))

test: $(STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

tables: $(STAMP)
	@for raw in $(RAWS); do $(BIN)/calpae parse "$$raw" || exit $$?; done

benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench.py

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

clean:
	rm -rf data/processed/* output/* .calpae-cache
	touch data/processed/.gitkeep output/.gitkeep
