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

# axe-core, which the accessibility browser tests inject into each page (package.json pins it).
# Without npm (apt-get install nodejs npm) those tests skip locally; CI installs npm and fails them.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found (apt-get install nodejs npm): the accessibility tests will be skipped"; fi

setup: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_question_bank
	@echo "Demo accounts:"
	DJANGO_DEBUG=1 $(PY) manage.py create_demo_users

run: setup
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Two processes (pytest-xdist; the browser tests keep to one of them, see tests/conftest.py) and the
# slowest tests named.
# Under CI=true, as .ci/run runs it, also coverage: the total, and every file under 80% named (one
# that is not a known gap in tests/conftest.py fails the run); `make test CI=true` does the same here.
# `make test PYTEST_ARGS="-n0 -k ..."` runs one process.
TEST_COVERAGE := $(if $(filter 1 true yes,$(CI)),--cov --cov-report=term:skip-covered)

# Bytecode is written (__pycache__, git-ignored) even where the environment sets PYTHONDONTWRITEBYTECODE:
# otherwise every run compiles every module again, in each of the three processes.
test: install $(AXE)
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -n 2 $(TEST_COVERAGE) --durations=15 $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles node_modules

# The README's screenshots (desktop and a 390 px phone), taken by the browser tests.
screenshot: install
	SCREENSHOT_DIR=docs $(PY) -m pytest tests/browser/test_browse.py tests/browser/test_phone.py -k "filter_open or filters_fold" -q

# Report build time and memory (2,000 sessions, 500 candidates), then the pages under load: gunicorn
# (2 sync workers) on 127.0.0.1 against PostgreSQL, `wrk -t2 -c20 -d8s` per endpoint, each as a share
# of a bare view served by the same server in the same run, at full data and at ten times; prints a
# table and writes bench-results.json. Needs PostgreSQL on 127.0.0.1, wrk (apt-get install -y wrk)
# and, as in production, Redis for the cache. Asserts nothing. About fifteen minutes.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/interviewprep_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/7
bench: install
	DJANGO_DEBUG=0 $(PY) manage.py migrate --noinput -v0
	$(PY) manage.py bench_reports
	createdb -h 127.0.0.1 -U postgres interviewprep_bench 2>/dev/null || true
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) manage.py bench_pages
