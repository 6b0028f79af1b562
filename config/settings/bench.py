"""Settings for the benchmark suite (``make bench``, tests/bench/run.py).

Production's behaviour (DEBUG off, cached templates, the same middleware and session
handling) on plain HTTP over loopback, with the bench-only urlconf that adds a bare Django
ListView next to the portal's pages. The database comes from DATABASE_URL, which
tests/bench/run.py sets to a scratch database of the chosen scale.
"""

import os

# Thousands of access lines would bury the table; warnings and errors still show.
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, TEMPLATES, env

DEBUG = False
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="bench-only-key-3b9e1f0a7c6d4e2f8a1b5c9d0e7f6a4b3c2d1e0f9a8b"
)
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
ROOT_URLCONF = "tests.bench.urls"
# The bare ListView's plain template.
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "bench" / "templates"]}
]
# Each run's keys apart from an earlier run's, on other data, in a shared Redis (set by
# tests/bench/run.py: not a deployment setting, so not read through env).
CACHES["default"]["KEY_PREFIX"] = f"bench-{os.environ.get('BENCH_RUN_ID', '')}"
