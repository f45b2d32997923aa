# taphuan — the two commands that matter: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist, one per core by default; 0 = all in this process).
TEST_WORKERS ?= auto

.PHONY: run test install setup lint typecheck check messages bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PYTHON)) / Python 3.11 is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Migrate, compile translations, load geography and demo data (each step idempotent).
setup: $(STAMP)
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) compile_translations
	$(MANAGE) load_demo

run: setup
	@echo "taphuan: http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@# The task worker (imports, certificates) runs beside the web server.
	$(MANAGE) db_worker --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

test: $(STAMP)
	$(MANAGE) compile_translations
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy .

check: $(STAMP)
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# Refresh locale/*/django.po from the code (needs GNU gettext: apt-get install gettext).
messages: $(STAMP)
	$(MANAGE) makemessages -l en --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'

bench: $(STAMP)
	@ls bench/*.py >/dev/null 2>&1 && for f in bench/*.py; do $(PY) $$f || exit 1; done || echo "no benchmarks yet"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
