# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql://postgres@localhost:5432/postgres

.PHONY: setup run test test-sqlite test-postgres clean

$(BIN)/survey-engine: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/survey-engine

run: setup
	$(BIN)/survey-engine run

test: setup
	bash scripts/test.sh

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
