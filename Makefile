# Two entry points for a fresh machine (Python 3.11 or 3.12, gcc, make):
#   make demo   install, then screen the bundled cases
#   make test   install with the test tools, then run the tests
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not (3,11) <= sys.version_info[:2] <= (3,12))' 2>/dev/null && { echo $$p; break; }; done)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test browser lint docs docs-check check clean golden fuzz

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 or 3.12 is required (durable-rules 2.0.28 does not import on 3.13)" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# quiet: setuptools' editable build prints a dozen-line notice (a UserWarning) that a
	@# folder named like the package could shadow it; none does here
	PYTHONWARNINGS=ignore::UserWarning $(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/screening screen cases/*.yaml

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# The dossier tests open pages in headless Chromium: install it when missing and possible;
# otherwise those tests are skipped, and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Chromium for the browser tests"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        chromium fonts-dejavu-core >/dev/null; } \
	      || echo "Chromium could not be installed: the browser tests will be skipped"; \
	  else \
	    echo "Chromium not found and not installable here: the browser tests will be skipped"; \
	  fi; }

# Fuzz case files and rule folders with N examples per case test (a tenth of N per rule-folder
# test): random each run, inputs up to the 8 MB cap. A failure's input is saved under
# .hypothesis/fuzz-failures/ (see tests/fuzz/crashers.py). The test suite runs a few hundred.
N ?= 1000
fuzz: $(STAMP)
	SCREENING_FUZZ=fuzz FUZZ_EXAMPLES=$(N) $(BIN)/python -m pytest -q tests/fuzz

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

# Rewrite the pinned band and score of every bundled case (tests/golden/): run on purpose
# when a change is meant to move results, and say why in CHANGELOG.md.
golden: $(STAMP)
	$(BIN)/python tests/golden/golden_cases.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
