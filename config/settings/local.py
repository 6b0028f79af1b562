"""Settings for `make run` on a developer's or evaluator's machine."""

from config.logs import logging_config

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="local-only-insecure-key-7c1f0d9b2e4a4d7f9e8b6a5c3d2e1f00"
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# Readable log lines in the terminal (production and CI write JSON).
LOGGING = logging_config(
    fmt=env.str("DJANGO_LOG_FORMAT", default="console"),
    level=env.str("DJANGO_LOG_LEVEL", default="INFO"),
)
