# Rugzak: `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all setup native test lint typecheck contracts pytest interop demo bench messages fuzz clean

all: test

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,legacy]'
	@touch $(STAMP)

# The verifier's hot paths compiled with mypyc (shared/native.py lists them): rebuilt
# when one of their sources changes; skipped, with a note, on a machine without a C
# compiler (Rugzak then runs them as plain Python, only slower).
NATIVE_SOURCES := shared/jsonld/rdfc.py shared/jsonld/to_rdf.py shared/plain_terms.py shared/json_depth.py \
	shared/proof/verify.py shared/credentials/checks.py shared/credentials/fields.py \
	shared/showing/results.py shared/showing/badge.py shared/verification.py shared/ob/structure.py \
	shared/ob/issues.py shared/status_list/check.py \
	shared/credentials/status.py shared/proof/report.py shared/native.py
NATIVE := shared/_native/manifest.json

$(NATIVE): $(STAMP) $(NATIVE_SOURCES) scripts/build_native.py
	@if command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1; then \
		$(BIN)/python scripts/build_native.py; \
	else \
		echo "no C compiler: the hot paths stay plain Python (verification is slower)"; \
	fi

native: $(NATIVE)

setup: $(STAMP) $(NATIVE)

lint: $(STAMP)
	$(BIN)/ruff check shared issuer wallet verifier tests bench scripts
	$(BIN)/ruff format --check shared issuer wallet verifier tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP) $(NATIVE)
	$(BIN)/python -m pytest -q

test: lint typecheck contracts pytest

interop: $(STAMP)
	$(BIN)/python scripts/gen_interop.py

demo: $(STAMP) $(NATIVE)
	$(BIN)/python scripts/demo.py

bench: $(STAMP) $(NATIVE)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/bench_sizes.py

# Schemathesis against both services' OpenAPI with many examples (the test suite runs
# a short deterministic pass); RUGZAK_FUZZ_EXAMPLES=N to change how many.
FUZZ_EXAMPLES ?= 300
fuzz: $(STAMP)
	RUGZAK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e/test_schemathesis.py

# The verifier page's copy of the message catalogue (shared/messages/*.json).
messages: $(STAMP)
	$(BIN)/python scripts/gen_page_messages.py

clean:
	rm -rf $(VENV) build shared/_native *.egg-info .pytest_cache .mypy_cache .ruff_cache
