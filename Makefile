# calpae: two commands do everything on a fresh machine with Python 3.11.
#   make reports   build the tables and HTML reports from the bundled data
#   make test      run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.calpae-installed

.PHONY: reports test tables benchmark lab clean

reports: $(STAMP)
	$(BIN)/calpae run $(if $(JOBS),--jobs $(JOBS))

test: $(STAMP)
	$(BIN)/python -m pytest

tables: $(STAMP)
	$(BIN)/calpae parse data/raw/calpae_2022_pas-de-calais.txt

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
	rm -rf data/processed/* output/*
