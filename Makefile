# Two commands on a fresh machine: `make run` serves the app, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint setup clean screenshot bench

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

setup: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_question_bank
	@echo "Demo accounts:"
	DJANGO_DEBUG=1 $(PY) manage.py create_demo_users

run: setup
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Two processes (pytest-xdist; the browser tests keep to one of them), coverage of the app with
# every file under 80% named, and the slowest tests. `make test PYTEST_ARGS="-n0 -k ..."` runs one
# process.
test: install
	$(PY) -m pytest -n 2 --dist loadgroup --cov --cov-report=term:skip-covered --durations=15 $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# The README's screenshots (desktop and a 390 px phone), taken by the browser tests.
screenshot: install
	SCREENSHOT_DIR=docs $(PY) -m pytest tests/browser/test_browse.py tests/browser/test_phone.py -k "filter_open or filters_fold" -q

# Report build time and memory (2,000 sessions, 500 candidates) and page latency under
# concurrent load on 127.0.0.1. Prints figures; asserts nothing.
bench: install
	DJANGO_DEBUG=0 $(PY) manage.py migrate --noinput -v0
	$(PY) manage.py bench_reports
	$(PY) manage.py bench_pages
