# Rugzak: `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all setup test lint typecheck contracts pytest interop demo bench messages clean

all: test

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,legacy]'
	@touch $(STAMP)

setup: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check shared issuer wallet verifier tests bench scripts
	$(BIN)/ruff format --check shared issuer wallet verifier tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck contracts pytest

interop: $(STAMP)
	$(BIN)/python scripts/gen_interop.py

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/bench_sizes.py

# The verifier page's copy of the message catalogue (shared/messages/*.json).
messages: $(STAMP)
	$(BIN)/python scripts/gen_page_messages.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
