# Two entry points for a fresh machine (Python 3.11 or 3.12, gcc, make):
#   make demo   install, then screen the bundled cases
#   make test   install with the test tools, then run the tests
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not (3,11) <= sys.version_info[:2] <= (3,12))' && { echo $$p; break; }; done)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint docs docs-check check clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 or 3.12 is required (durable-rules 2.0.28 does not import on 3.13)" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/screening screen cases/*.yaml

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check screening tests bench
	$(BIN)/ruff format --check screening tests bench
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/screening rules catalogue --out docs/rules.md
	for w in case rule result; do $(BIN)/screening schema $$w > docs/schemas/$$w.schema.json; done

docs-check: $(STAMP)
	$(BIN)/screening rules catalogue --out docs/rules.md --check

check: test lint

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
