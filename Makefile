# yuanqu: `make demo` builds everything and serves the demo city; `make test` runs every check and test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := src/yuanqu/static/vendor/.collected

.PHONY: setup demo serve test check pytest lint lock clean

setup: $(STAMP) $(VENDOR) translations

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENDOR): frontend/package.json frontend/package-lock.json frontend/collect.mjs
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	cd frontend && node collect.mjs
	touch $@

translations: $(STAMP)
	$(BIN)/yuanqu compiletranslations
	$(BIN)/python -m compileall -q src >/dev/null  # bytecode even where PYTHONDONTWRITEBYTECODE is set: every command starts faster

demo: setup
	$(BIN)/yuanqu demo

serve: setup
	$(BIN)/yuanqu serve

test: setup check pytest

check: $(STAMP)
	$(BIN)/ruff check src benchmarks conftest.py
	$(BIN)/ruff format --check src benchmarks conftest.py
	$(BIN)/lint-imports
	mkdir -p "$${YUANQU_DATA_DIR:-var}"
	$(BIN)/yuanqu makemigrations --check --dry-run

pytest: setup
	$(BIN)/pytest

lock:
	$(BIN)/pip install --quiet uv && $(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) frontend/node_modules src/yuanqu/static/vendor
