"""Sending background jobs to the broker without ever losing one.

The portal's background work (report PDFs, consolidated drafts, agreement dossiers) is
described by a job row; the Celery message only carries the row's id. A web request creates
the row and, once its transaction commits, hands the id to the broker with ``job_send``. If
the broker (Redis) is down at that moment the request still answers: the row stays
"queued" with no ``sent_at``, and ``jobs_sweep`` (a beat job every minute) sends it when the
broker is back. A row sent long ago and still queued (its message was lost with the broker's
memory) is sent again; the worker's claim on the row makes a duplicate message harmless.

Job models used here have ``status`` (with a ``queued`` value), ``created_at`` and
``sent_at`` fields.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

# A queued job not picked up after this long is sent again by the sweep.
RESEND_AFTER = timedelta(minutes=10)
# At most this many jobs per sweep: a long outage does not flood the broker at once.
SWEEP_BATCH = 100


def job_send(task, model: type[models.Model], job_id: int) -> bool:
    """Hand ``job_id`` to the broker for ``task``; on failure leave the row for the sweep."""
    try:
        # retry=False: fail at once rather than hold the user's request while kombu retries.
        task.apply_async(args=[job_id], retry=False)
    except Exception as error:  # any broker failure: the sweep sends it later
        logger.warning(
            "%s %s stays queued, broker unreachable: %s",
            model._meta.label,
            job_id,
            type(error).__name__,
        )
        return False
    model._default_manager.filter(pk=job_id).update(sent_at=timezone.now())
    return True


def jobs_sweep(task, model: type[models.Model], *, now=None) -> int:
    """Send the queued jobs that never reached the broker, or whose message was lost."""
    now = now or timezone.now()
    due = model._default_manager.filter(status="queued").filter(
        models.Q(sent_at__isnull=True) | models.Q(sent_at__lt=now - RESEND_AFTER)
    )
    sent = 0
    for job_id in due.order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH]:
        if not job_send(task, model, job_id):
            break  # still down: the next sweep tries again
        sent += 1
    return sent
