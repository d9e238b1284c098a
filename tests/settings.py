"""Test settings: the real settings, with what only tests need changed."""

import os
import sys
import tempfile
from urllib.parse import urlsplit, urlunsplit

from interviewprep.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# Static files come from the finders in tests; nothing is collected.
STATIC_ROOT = tempfile.mkdtemp(prefix="interviewprep-static-")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tests send their Celery messages to a queue of their own, which the worker tests purge.
CELERY_TASK_DEFAULT_QUEUE = "interviewprep-tests"

# `make test` runs the tests in several processes (pytest-xdist workers gw0, gw1, ...). Each has a
# test database of its own (pytest-django names it); each gets a Redis database of its own too,
# counting down from the one in REDIS_URL, because the tests empty the cache with FLUSHDB and the
# same Redis database holds the Celery queue. Only in the pytest process itself: a Celery worker
# that a test starts with these settings is handed the broker URL it must use.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _xdist_worker.startswith("gw") and "pytest" in sys.modules:  # noqa: F405
    _url = urlsplit(REDIS_URL)  # noqa: F405
    _db = (int(_url.path.strip("/") or 0) - int(_xdist_worker[2:])) % 16
    _worker_url = urlunsplit(_url._replace(path=f"/{_db}"))
    if CELERY_BROKER_URL == REDIS_URL:  # noqa: F405
        CELERY_BROKER_URL = _worker_url
    if CELERY_RESULT_BACKEND == REDIS_URL:  # noqa: F405
        CELERY_RESULT_BACKEND = _worker_url
    CACHES["default"]["LOCATION"] = REDIS_URL = _worker_url  # noqa: F405

# The rooms' autosave waits 800 ms after the last keystroke; the browser tests wait for its "Saved" a
# dozen times, and the wait is not what they test. A test about typing ahead of the save sets it back.
AUTOSAVE_DELAY_MS = 100
