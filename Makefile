# renshe — two commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test demo bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: setup
	$(BIN)/renshe serve --demo

demo: setup
	$(BIN)/renshe demo

test: setup
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy src
	RENSHE_TEST_DATABASE_URL=$$(scripts/test-services.sh) $(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/cold_start.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
