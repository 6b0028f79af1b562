"""Faults: the broker goes away and comes back, a worker dies in the middle of a PDF, the
database restarts under a running portal.

Each test runs a real server of its own (tests/hardening/servers.py) so that stopping it
disturbs nobody else, and real Celery worker processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements import dossier
from agreements.models import DossierJob
from config.celery_app import app as celery_app
from reports import jobs, services
from reports.models import ConsolidatedReport, IssuedReport, ReportJob
from tests.factories import PASSWORD, AgreementFactory
from tests.hardening.http import Session
from tests.hardening.servers import PrivatePostgres, PrivateRedis, free_port, wait_for_port

BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_QUEUE = "celery"


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point this process's Celery app (what the web requests use) at ``url``."""
    from agreements.dossier_tasks import build_dossier
    from reports.tasks import run_report_job

    # Shared tasks belong to the *current* app: a test that creates another Celery app must
    # pass set_as_current=False, or the tasks would publish through that app instead.
    assert run_report_job.app is celery_app and build_dossier.app is celery_app
    saved = (celery_app.conf.broker_url, celery_app.conf.broker_transport_options)

    def reconnect() -> None:
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = {}
    reconnect()
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved
        reconnect()


def wait_until(predicate, *, timeout: float = 90, what: str = "", log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    tail = log.read_text()[-4000:] if log else ""
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


@pytest.fixture
def shared_media(tmp_path, settings, monkeypatch) -> Path:
    """One MEDIA_ROOT for this process and the worker processes it starts."""
    media = tmp_path / "media"
    monkeypatch.setenv("PORTAL_MEDIA_ROOT", str(media))
    settings.MEDIA_ROOT = media
    return media


# --- Redis down ----------------------------------------------------------------------------
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_requests_answer_and_jobs_complete_once_it_is_back(
    client, official, redis_server, celery_worker_process, shared_media
):
    agreement = AgreementFactory(lead_agency=official.agency)
    client.force_login(official)
    with broker_at(redis_server.url):
        redis_server.stop()
        # A consolidated report and a dossier are asked for while the broker is down.
        response = client.post(
            reverse("reports:consolidated_start"), {"kind": "semiannual", "year": 2026}
        )
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200  # the report's page
        response = client.post(reverse("agreements:dossier_start", args=[agreement.pk]))
        assert response.status_code in (200, 302)
        report_job = ReportJob.objects.get()
        dossier_job = DossierJob.objects.get()
        for job in (report_job, dossier_job):
            assert (job.status, job.sent_at) == ("queued", None)
        # The sweeps find the broker still down and keep the jobs.
        assert jobs.jobs_sweep() == 0
        assert dossier.dossiers_sweep() == 0

        # Redis comes back (empty: it keeps nothing on disk) and a worker with it.
        redis_server.start()
        worker, _env = celery_worker_process(redis_server.url, queue=DEFAULT_QUEUE)
        assert jobs.jobs_sweep() == 1
        assert dossier.dossiers_sweep() == 1

        def finished() -> bool:
            report_job.refresh_from_db()
            dossier_job.refresh_from_db()
            return report_job.status in ("done", "failed") and dossier_job.status in (
                "done",
                "failed",
            )

        wait_until(finished, what="both jobs", log=worker.log)
    assert report_job.status == "done", report_job.error
    assert dossier_job.status == "done", dossier_job.error
    assert ConsolidatedReport.objects.get().sections.count() > 0
    assert dossier_job.file and Path(dossier_job.file.path).stat().st_size > 0
    # Sent once each: nothing is left for the next sweep.
    assert jobs.jobs_sweep() == 0
    assert dossier.dossiers_sweep() == 0


# --- a worker killed in the middle of a PDF ------------------------------------------------
def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


LONG_PARAGRAPH = (
    "Tiếp tục triển khai các thỏa thuận hợp tác quốc tế đã ký kết với các địa phương của "
    "Lào, Trung Quốc, Hàn Quốc và Nhật Bản; phối hợp tổ chức đón các đoàn khách quốc tế, "
    "quảng bá Công viên địa chất toàn cầu UNESCO Cao nguyên đá Đồng Văn và thu hút đầu tư. "
)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_during_a_pdf_is_redelivered_and_issues_exactly_one_pdf(
    official, redis_server, celery_worker_process, shared_media
):
    # A prefork worker: the pool's child renders; killing it is what an OOM kill does.
    worker, _env = celery_worker_process(redis_server.url, queue=DEFAULT_QUEUE, pool="prefork")
    with broker_at(redis_server.url):
        gather = services.consolidated_start(user=official, kind="semiannual", year=2026)
        wait_until(
            lambda: ReportJob.objects.filter(pk=gather.pk, status="done").exists(),
            what="the draft",
            log=worker.log,
        )
        report = gather.consolidated
        # A long report, so that the render takes seconds.
        for section in report.sections.all():
            section.body = "\n\n".join([LONG_PARAGRAPH * 4] * 12)
            section.save(update_fields=["body"])
        issued = services.consolidated_issue(
            report=report,
            user=official,
            issued_on=date(2026, 6, 20),
            signer_authority="KT. GIÁM ĐỐC",
            signer_title="PHÓ GIÁM ĐỐC",
            signer_name="Nguyễn Văn An",
            recipients="UBND tỉnh\nLưu: VT",
        )
        job = issued.jobs.get()
        wait_until(
            lambda: ReportJob.objects.filter(pk=job.pk, status="running").exists(),
            what="the render to start",
            log=worker.log,
        )
        children = _children(worker.process.pid)
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)

        def finished() -> ReportJob | None:
            job.refresh_from_db()
            return job if job.status in ("done", "failed") else None

        wait_until(finished, what="the redelivered render", log=worker.log)
    log = worker.log.read_text()
    assert job.status == "done", job.error
    assert job.attempts == 2, log[-3000:]  # killed once, then taken over by the redelivery
    assert "WorkerLostError" in log or "exited prematurely" in log, log[-3000:]
    # Exactly one issued version, one number, one PDF on disk.
    assert IssuedReport.objects.count() == 1
    issued.refresh_from_db()
    assert issued.number == 1
    pdfs = [p for p in shared_media.rglob("*.pdf") if "bao-cao" in p.name]
    assert [p.name for p in pdfs] == [Path(issued.pdf.name).name]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(issued.pdf.read())).pages)
    assert "01/BC-" in text and "Nguyễn Văn An" in text


# --- PostgreSQL restarted under a running portal --------------------------------------------
@pytest.mark.skipif(not PrivatePostgres.available(), reason="needs Debian's postgresql")
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs in the PostgreSQL leg of the suite",
)
def test_the_portal_answers_after_postgresql_restarts(tmp_path):
    """gunicorn (2 workers, persistent connections) on a PostgreSQL of its own: the first
    requests after a restart succeed, thanks to the connection health checks."""
    postgres = PrivatePostgres()
    postgres.init()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": postgres.url,
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_CONN_MAX_AGE": "600",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    server = None
    try:
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=BASE_DIR)
        subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from tests.factories import UserFactory; UserFactory(username='restart', "
                "role='official')",
            ],
            env=env,
            check=True,
            cwd=BASE_DIR,
        )
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers=2",
                f"--bind=127.0.0.1:{port}",
            ],
            env=env,
            cwd=BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_for_port(port, up=True)
        session = Session(f"http://127.0.0.1:{port}")
        session.login("restart", PASSWORD)
        pages = ["/", "/agreements/", "/partners/", "/healthz"]
        # Enough requests that both gunicorn workers hold an open connection.
        for _ in range(10):
            for page in pages:
                assert session.get(page).status == 200, page
        postgres.restart()
        statuses = [session.get(page).status for _ in range(10) for page in pages]
        assert statuses == [200] * len(statuses)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        postgres.stop()
