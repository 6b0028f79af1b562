"""WeasyPrint is loaded by Celery workers when they start, and never by web processes."""

import subprocess
import sys

from django.conf import settings

PROBE = """
import sys
import django
django.setup()
from django.core.handlers.wsgi import WSGIHandler
import config.urls
WSGIHandler()
print("web", "weasyprint" in sys.modules)
from config.celery_app import preload_pdf_renderer
from celery.signals import worker_init
print("connected", any(r is preload_pdf_renderer for _, r in worker_init.receivers))
print("still web", "weasyprint" in sys.modules)
preload_pdf_renderer()
print("worker", "weasyprint" in sys.modules)
"""


def test_web_process_does_not_load_weasyprint_and_worker_start_does():
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert completed.stdout.split("\n")[:4] == [
        "web False",
        "connected True",
        "still web False",
        "worker True",
    ]
