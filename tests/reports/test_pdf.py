"""Report PDFs: the consolidated report through a real Celery worker, the Decree-30 layout
read back with pypdf, hostile text, and the broker-down path."""

from __future__ import annotations

import io
import re
import time
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports import jobs, services
from reports.models import ConsolidatedReport, IssuedReport, ReportJob
from reports.pdf import date_line
from tests.delegations.factories import DelegationFactory

HOSTILE = (
    '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://evil.example/x.css">'
    ' <a href="file:///etc/shadow">tệp đính kèm</a>'
)


def _text(pdf: bytes) -> tuple[list[str], str]:
    reader = PdfReader(io.BytesIO(pdf))
    pages = [
        " ".join(unicodedata.normalize("NFC", page.extract_text()).split()) for page in reader.pages
    ]
    return pages, " ".join(pages)


def _accepted_report(period, agency, head, official, sections):
    report = services.report_open(period=period, agency=agency, user=head)
    services.report_save_draft(report=report, user=head, sections=sections)
    services.report_submit(report=report, user=head)
    services.report_accept(report=report, user=official)
    return report


def _issue(report, official, day=date(2026, 6, 5), number=None):
    return services.consolidated_issue(
        report=report,
        user=official,
        issued_on=day,
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Thị Hòa",
        recipients=services.default_recipients(report.kind),
        number=number,
    )


def test_date_line_leading_zeros():
    assert date_line("Tuyên Quang", date(2026, 2, 5)).endswith("05 tháng 02 năm 2026") or (
        date_line("Tuyên Quang", date(2026, 2, 5)).endswith("day 05 month 02 year 2026")
    )
    assert "15" in date_line("Tuyên Quang", date(2026, 6, 15))
    assert " 6 " in date_line("Tuyên Quang", date(2026, 6, 15))
    assert " 12 " in date_line("Tuyên Quang", date(2026, 12, 1))
    assert "01" in date_line("Tuyên Quang", date(2026, 12, 1))


@pytest.mark.django_db
def test_numbers_restart_each_year_and_reissue_is_a_new_version(period, agency, head, official):
    _accepted_report(period, agency, head, official, {"relations": "Nội dung"})
    job = services.consolidated_start(user=official, kind="semiannual", year=2026)
    jobs.job_run(job_id=job.pk)
    report = ConsolidatedReport.objects.get()
    first = _issue(report, official)
    second = _issue(report, official, day=date(2026, 6, 6))
    next_year = _issue(report, official, day=date(2027, 1, 2))
    assert [(i.version, i.document_number) for i in (first, second, next_year)] == [
        (1, "01/BC-SNgV"),
        (2, "02/BC-SNgV"),
        (3, "01/BC-SNgV"),
    ]
    with pytest.raises(services.DomainError):
        _issue(report, official, day=date(2026, 7, 1), number=2)
    assert IssuedReport.objects.count() == 3
    # Running a job twice (a duplicated message) renders once.
    pdf_job = first.jobs.get()
    jobs.job_run(job_id=pdf_job.pk)
    first.refresh_from_db()
    name = first.pdf.name
    jobs.job_run(job_id=pdf_job.pk, redelivered=True)
    first.refresh_from_db()
    assert first.pdf.name == name
    assert IssuedReport.objects.filter(report=report).count() == 3


@pytest.mark.django_db
def test_hostile_text_renders_as_text_and_fetches_nothing(period, agency, head, official):
    report = _accepted_report(period, agency, head, official, {"relations": HOSTILE})
    version = report.versions.get()
    jobs.job_run(job_id=version.jobs.get().pk)
    version.refresh_from_db()
    assert version.jobs.get().status == ReportJob.Status.DONE, version.jobs.get().error
    _pages, text = _text(version.pdf.read())
    assert "file:///etc/passwd" in text  # printed as text, not fetched
    assert "evil.example" in text
    assert "tệp đính kèm" in text


# --- through a real worker --------------------------------------------------------------------
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_consolidated_report_through_a_real_worker(
    client,
    period,
    agency,
    head,
    official,
    leader,
    settings,
    tmp_path,
    monkeypatch,
    celery_worker_process,
):
    from celery import Celery

    from config.broker import broker_settings
    from reports.tasks import run_report_job

    media_root = tmp_path / "shared-media"
    monkeypatch.setenv("PORTAL_MEDIA_ROOT", str(media_root))
    settings.MEDIA_ROOT = media_root
    worker, env = celery_worker_process()
    conf = broker_settings(env.get("REDIS_URL", ""), Path(env["PORTAL_VAR_DIR"]))
    producer = Celery(
        "test-producer",
        broker=conf["broker_url"],
        backend=conf["result_backend"],
        set_as_current=False,  # the tasks keep their own app: see tests/hardening/test_faults.py
    )
    producer.conf.broker_transport_options = conf["broker_transport_options"]
    producer.conf.update(task_serializer="json", accept_content=["json"])

    def apply_async(args, **kwargs):
        return producer.send_task(run_report_job.name, args=args, queue=worker.queue)

    monkeypatch.setattr(run_report_job, "apply_async", apply_async)

    def wait(job: ReportJob) -> ReportJob:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
                break
            time.sleep(0.3)
        assert job.status == ReportJob.Status.DONE, job.error or worker.log.read_text()[-3000:]
        return job

    DelegationFactory(
        host_agency=agency,
        direction="outbound",
        state="done",
        planned_start=date(2026, 3, 2),
        planned_end=date(2026, 3, 6),
        actual_start=date(2026, 3, 2),
        actual_end=date(2026, 3, 6),
        country="LA",
    )
    report = _accepted_report(
        period,
        agency,
        head,
        official,
        {"cultural": "Quảng bá Công viên địa chất toàn cầu UNESCO Cao nguyên đá Đồng Văn."},
    )
    wait(report.versions.get().jobs.get())

    client.force_login(official)
    response = client.post(
        reverse("reports:consolidated_start"), {"kind": "semiannual", "year": 2026}
    )
    assert response.status_code == 302
    gather = wait(ReportJob.objects.get(kind=ReportJob.Kind.GATHER))
    consolidated = gather.consolidated
    consolidated.refresh_from_db()
    assert consolidated.sections.get(key="cultural").body.endswith("Cao nguyên đá Đồng Văn.")

    issued = _issue(consolidated, official, day=date(2026, 6, 5))
    wait(issued.jobs.get())
    producer.close()
    issued.refresh_from_db()

    client.force_login(leader)
    response = client.get(reverse("reports:issued_pdf", args=[issued.pk]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    pages, text = _text(pdf)
    assert len(pages) >= 3
    for line in (
        settings.PORTAL["PARENT_BODY"],
        "SỞ NGOẠI VỤ",
        "01/BC-SNgV",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Nguyễn Thị Hòa",
        "KT. GIÁM ĐỐC",
        "Cao nguyên đá Đồng Văn",  # diacritics intact
        "Sở Văn hóa, Thể thao và Du lịch",
    ):
        assert line in text, line
    assert "ngày 05 tháng 6 năm 2026" in text
    assert "I. KẾT QUẢ THỰC HIỆN" in text.upper() or "I. KẾT QUẢ" in text.upper()
    assert "BÁO CÁO" in text and "Nơi nhận:" in text and "PHỤ LỤC I" in text.upper()
    # Page numbers (a margin box, extracted first or last): none on page 1, then 2, 3…
    assert not (pages[0].startswith("1 ") or pages[0].endswith(" 1"))
    assert pages[1].startswith("2 ") or pages[1].endswith(" 2")
    # Annex totals: one outbound delegation of one person (the head), none inbound.
    assert consolidated.figures["outbound_delegations"] == 1
    assert re.search(r"Tổng đoàn ra 1 1 Tổng đoàn vào 0 0", text), text
    assert "PHỤ LỤC II" in text.upper() and "Tiến độ thực hiện các chỉ tiêu" in text
    assert "run_report_job" in worker.log.read_text()
