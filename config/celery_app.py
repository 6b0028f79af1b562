"""The project's Celery application.

Configuration lives in Django settings under the ``CELERY_`` namespace (see
``config/settings/base.py``): the broker is Redis when ``REDIS_URL`` is set and kombu's
filesystem transport otherwise, so that ``make run`` has a real asynchronous worker without
any server to install.
"""

import os

from celery import Celery
from celery.signals import setup_logging, worker_init
from django_structlog.celery.steps import DjangoStructLogInitStep

from config.logs import celery_setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Workers log like the web process (settings.LOGGING, see config/logs.py), each line with the
# task id and the request id and user id of the request that queued the task.
setup_logging.connect(celery_setup_logging, weak=False)
app.steps["worker"].add(DjangoStructLogInitStep)


@worker_init.connect(weak=False)
def preload_pdf_renderer(**kwargs) -> None:
    """Load WeasyPrint (about 1,000 modules, 0.7 s) once in the worker's main process, before
    it forks its pool, rather than in the first PDF job of each child. Web processes never
    load it (reports.pdf imports it lazily)."""
    import config.pdf  # noqa: F401


@app.task(name="config.ping")
def ping(payload: str = "pong") -> dict[str, str]:
    """Round-trip probe used by the health check tests and operators."""
    import socket

    return {"payload": payload, "hostname": socket.gethostname(), "pid": str(os.getpid())}
