# danchu — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test test-fast e2e lint format messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP) $@

demo: $(STAMP)
	PORT=$(PORT) $(BIN)/danchu demo

# The whole suite, on every core (each worker gets its own test database).
# DANCHU_DATABASE_URL=postgres://… runs it on PostgreSQL.
test: $(TEST_STAMP)
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# Without the browser tests.
test-fast: $(TEST_STAMP)
	$(BIN)/pytest -n auto -m "not e2e" $(PYTEST_ARGS)

e2e: $(TEST_STAMP)
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	cd danchu && ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache
