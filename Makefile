# Two commands on a fresh machine with python3 (>= 3.11) and make:
#   make demo   set up .venv from the lock, then run Seamline with demo data on SQLite (127.0.0.1:8000)
#   make test   set up .venv from the lock, then lint and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test lint serve bench lock clean chromium-check fuzz

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Seamline needs Python >= 3.11, this is " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

demo: $(STAMP)
	$(BIN)/seamline demo --port $(PORT)

serve: $(STAMP)
	$(BIN)/seamline serve --port $(PORT)

chromium-check:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
	  echo "make test: the browser test needs Debian's chromium; install it with: sudo apt-get install chromium"; \
	  exit 1; }

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --no-cache

test: $(STAMP) chromium-check lint
	$(BIN)/pytest $(PYTEST_ARGS)

# The API fuzz alone: schemathesis from /api/v1/openapi.json, in process, every check, ~1 minute (`make test`
# runs it too). SEAMLINE_FUZZ_EXAMPLES=100 for a longer run, SEAMLINE_FUZZ_SEED=N for other inputs.
fuzz: $(STAMP)
	$(BIN)/pytest tests/fuzz $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/api.py

# Re-pin every dependency (needs the network): edit pyproject.toml, then `make lock`.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe --extra dev \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
