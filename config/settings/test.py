"""Settings for the test suite (pytest). DATABASE_URL / REDIS_URL pick the real services."""

import os
import uuid

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-key-0f6c1b9e8d7a4c3b2a1f0e9d8c7b6a5f4e3d2c1b"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The suite runs in parallel (pytest-xdist, see the Makefile): each xdist worker has its own
# test database, which pytest-django names with the worker's suffix (test_…_gw0, …_gw1).
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
# One id per test run, inherited by its xdist workers and the Celery workers the tests start.
TEST_RUN_ID = os.environ.setdefault("PORTAL_TEST_RUN_ID", uuid.uuid4().hex[:8])

# Worker processes started by the tests read the same database, so SQLite test databases
# live in a file rather than in memory.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One file per run (and, with the xdist suffix, per xdist worker), so that two test runs
    # on one machine do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}

# With CACHE_URL, the xdist workers (and other test runs on this machine) share one Redis
# database: each gets keys of its own.
CACHES["default"]["KEY_PREFIX"] = f"test-{TEST_RUN_ID}-{XDIST_WORKER}"
