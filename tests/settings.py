"""Test settings: the real settings, with what only tests need changed."""

import tempfile

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
