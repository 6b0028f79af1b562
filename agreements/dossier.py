"""An agreement's dossier: one zip with its summary PDF, its signed files and its history.

The web request only creates a ``DossierJob`` row and queues ``build_dossier`` after the
commit; the worker renders and zips (``dossier_build``). The row is the source of truth, so
a retried or duplicated task never builds a dossier twice.

Zip layout::

    tom-tat.pdf          the agreement summary (agreements.pdf)
    van-ban/NN-<name>    the signed texts, scans and annexes (AgreementDocument files)
    lich-su.csv          the change history, UTF-8 with BOM (Excel reads the diacritics)
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import shutil
import tempfile
import zipfile
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from accounts import queueing
from accounts.text import fold

from .excel import neutralise
from .models import (
    Agreement,
    AgreementDocument,
    AgreementEvent,
    DossierJob,
    LegalNotice,
    Output,
    Review,
)
from .pdf import PDF_LANGUAGE, PDF_TIME_ZONE, render_agreement_summary_pdf
from .permissions import can_view_agreement

logger = logging.getLogger(__name__)

# Errors worth another attempt (database locked or restarted…): the task retries them.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError,)

ACTIVE = (DossierJob.Status.QUEUED, DossierJob.Status.RUNNING)
# A job still queued or running after this long lost its worker (or exhausted its retries):
# a new request replaces it instead of waiting for it forever.
STALE_AFTER = timedelta(minutes=30)
# Dossiers are snapshots (and copies of the signed files): kept a week, then purged.
KEEP_FOR = timedelta(days=7)

SUMMARY_NAME = "tom-tat.pdf"
DOCUMENTS_FOLDER = "van-ban"
HISTORY_NAME = "lich-su.csv"


class DossierError(Exception):
    """A permanent failure whose message (already in Vietnamese) is shown to the user."""


def dossier_is_stale(job: DossierJob, now=None) -> bool:
    now = now or timezone.now()
    return job.status in ACTIVE and job.created_at < now - STALE_AFTER


def dossier_request(*, agreement: Agreement, user) -> DossierJob:
    """Queue the building of the agreement's dossier for ``user`` (a read: leaders may).

    Returns the user's job already queued or running for this agreement, if any, rather than
    queueing a second one.
    """
    if not can_view_agreement(user, agreement):
        raise PermissionDenied
    with transaction.atomic():
        # Serialise concurrent requests for one agreement (double clicks) on the row lock.
        Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
        now = timezone.now()
        for job in DossierJob.objects.filter(
            agreement=agreement, requested_by=user, status__in=ACTIVE
        ).order_by("-created_at"):
            if not dossier_is_stale(job, now):
                return job
            _mark_failed(job.pk, _with_vi(lambda: _("The preparation was interrupted.")))
        job = DossierJob.objects.create(agreement=agreement, requested_by=user)
        transaction.on_commit(functools.partial(_queue, job.pk))
    return job


def _queue(job_id: int) -> bool:
    """Send the job to the broker; while the broker is down it stays queued for the sweep."""
    from .dossier_tasks import build_dossier

    return queueing.job_send(build_dossier, DossierJob, job_id)


def dossiers_sweep(*, now=None) -> int:
    """Send the queued dossier jobs that never reached the broker (beat, every minute)."""
    from .dossier_tasks import build_dossier

    return queueing.jobs_sweep(build_dossier, DossierJob, now=now)


def _with_vi(message) -> str:
    with translation.override(PDF_LANGUAGE):
        return str(message())


def _set(job_id: int, **values) -> None:
    DossierJob.objects.filter(pk=job_id).update(**values)


def _mark_failed(job_id: int, error: str) -> None:
    _set(
        job_id,
        status=DossierJob.Status.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
    )


def _claim(job_id: int, redelivered: bool = False, task_id: str = "") -> DossierJob | None:
    """Move the job to "running", or return None if there is nothing to do.

    Nothing to do: the job is gone, done, or being built by another run of the task that
    started less than the task time limit ago. A message redelivered because its worker died
    (acks_late with reject_on_worker_lost) takes over the job it left "running"; it carries
    the task id of the run that died, whereas a duplicate message has another id.
    """
    with transaction.atomic():
        job = (
            DossierJob.objects.select_for_update()
            .select_related("agreement", "requested_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status == DossierJob.Status.DONE:
            return None
        now = timezone.now()
        busy_until = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        if (
            job.status == DossierJob.Status.RUNNING
            and not redelivered
            and not (task_id and job.task_id == task_id)
            and job.started_at
            and job.started_at > now - busy_until
        ):
            return None
        job.status = DossierJob.Status.RUNNING
        job.progress = 10
        job.started_at = now
        job.error = ""
        job.attempts += 1
        job.task_id = task_id
        job.save(update_fields=["status", "progress", "started_at", "error", "attempts", "task_id"])
        return job


def dossier_build(*, job_id: int, redelivered: bool = False, task_id: str = "") -> None:
    """Build the dossier of a queued job (called by the ``build_dossier`` task)."""
    job = _claim(job_id, redelivered, task_id)
    if job is None:
        logger.info("dossier job %s: nothing to do", job_id)
        return
    user, agreement = job.requested_by, job.agreement
    if not can_view_agreement(user, agreement):
        _mark_failed(job.pk, _with_vi(lambda: _("You can no longer view this agreement.")))
        return
    try:
        with translation.override(PDF_LANGUAGE), timezone.override(PDF_TIME_ZONE):
            _build(job)
    except TRANSIENT_ERRORS as error:
        logger.warning("dossier job %s: transient error, will retry: %s", job_id, error)
        try:
            # Back in the queue: the retry of the task picks it up.
            _set(job.pk, status=DossierJob.Status.QUEUED, progress=0, started_at=None)
        except TRANSIENT_ERRORS:
            logger.exception("dossier job %s: could not requeue", job_id)
        raise
    except DossierError as error:
        _mark_failed(job.pk, str(error))
    except Exception as error:
        logger.exception("dossier job %s failed", job_id)
        message = _with_vi(lambda: _("The dossier could not be prepared."))
        _mark_failed(job.pk, f"{message} ({type(error).__name__}: {error})")


def _build(job: DossierJob) -> None:
    agreement = job.agreement
    with tempfile.TemporaryFile(suffix=".zip") as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(SUMMARY_NAME, render_agreement_summary_pdf(agreement))
            _set(job.pk, progress=40)
            _add_documents(archive, agreement)
            _set(job.pk, progress=80)
            archive.writestr(HISTORY_NAME, history_csv(agreement))
        tmp.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        name = f"ho-so-{agreement.pk}-{stamp}-{get_random_string(8).lower()}.zip"
        job.file.save(name, File(tmp, name=name), save=False)
    job.status = DossierJob.Status.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "progress", "finished_at"])


def _add_documents(archive: zipfile.ZipFile, agreement: Agreement) -> None:
    documents = agreement.documents.order_by("uploaded_at", "id")
    for index, document in enumerate(documents, start=1):
        base = PurePosixPath(document.file.name).name or f"van-ban-{document.pk}"
        arcname = f"{DOCUMENTS_FOLDER}/{index:02d}-{base}"
        try:
            source = document.file.open("rb")
        except FileNotFoundError as error:
            raise DossierError(
                _("The file of the document “%(title)s” is missing from the storage.")
                % {"title": document.title}
            ) from error
        with source, archive.open(arcname, "w") as target:
            shutil.copyfileobj(source, target, length=1024 * 1024)


# ---------------------------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------------------------
def _change_type(record) -> str:
    return {
        "+": _("Created"),
        "~": _("Changed"),
        "-": _("Deleted"),
    }.get(record.history_type, record.history_type)


def _changed_fields(record, model) -> str:
    if record.history_type != "~" or record.prev_record is None:
        return ""
    try:
        delta = record.diff_against(record.prev_record)
    except Exception:  # a field removed since the record was written
        return ""
    names = []
    for change in delta.changes:
        try:
            names.append(str(model._meta.get_field(change.field).verbose_name))
        except Exception:
            names.append(change.field)
    return ", ".join(names)


def _user_label(record) -> str:
    user = record.history_user
    if user is None:
        return _("System")
    return user.get_full_name() or user.username


def _record_label(model, record) -> str:
    label = str(model._meta.verbose_name).capitalize()
    if model is Agreement:
        return label
    if model is Review:
        # Review.__str__ would load the agreement once per row.
        return f"{label}: {record.instance.period.label}"
    return f"{label}: {record.instance}"


def history_rows(agreement: Agreement) -> list[tuple]:
    """The change history of the agreement and of its events, notices, outputs, files and
    reviews, oldest first: (moment, user, object, change type, changed fields)."""
    sources = [
        (Agreement, Agreement.history.filter(id=agreement.pk)),
        (AgreementEvent, AgreementEvent.history.filter(agreement_id=agreement.pk)),
        (LegalNotice, LegalNotice.history.filter(agreement_id=agreement.pk)),
        (Output, Output.history.filter(agreement_id=agreement.pk)),
        (AgreementDocument, AgreementDocument.history.filter(agreement_id=agreement.pk)),
        (Review, Review.history.filter(agreement_id=agreement.pk)),
    ]
    rows = []
    for model, records in sources:
        for record in records.select_related("history_user").order_by("history_date"):
            rows.append(
                (
                    record.history_date,
                    _user_label(record),
                    _record_label(model, record),
                    _change_type(record),
                    _changed_fields(record, model),
                )
            )
    rows.sort(key=lambda row: row[0])
    return rows


def history_csv(agreement: Agreement) -> bytes:
    """The history as CSV, UTF-8 with a byte order mark so that Excel shows Vietnamese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Date and time"), _("User"), _("Record"), _("Change"), _("Changed fields")])
    for moment, user, label, change, fields in history_rows(agreement):
        # A user's name may start like a formula: Excel opens this file too.
        writer.writerow(
            [
                timezone.localtime(moment).strftime("%d/%m/%Y %H:%M"),
                *(neutralise(value) for value in (user, label, change, fields)),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def dossiers_purge(*, now=None) -> int:
    """Delete the jobs created more than KEEP_FOR ago, with their zip files (daily job)."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    count = 0
    for job in DossierJob.objects.filter(created_at__lt=cutoff).only("pk", "file"):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


def dossier_download_name(job: DossierJob) -> str:
    """An ASCII file name for the download: ho-so-<number or id>-<date>.zip."""
    agreement = job.agreement
    stem = fold(agreement.number).replace("/", "-").replace(" ", "-") if agreement.number else ""
    stem = "".join(ch for ch in stem if ch.isalnum() or ch in "-_.")[:60] or str(agreement.pk)
    day = timezone.localtime(job.finished_at or job.created_at).strftime("%Y%m%d")
    return f"ho-so-{stem}-{day}.zip"
