"""Report jobs: the beat that prepares drafts at the cut-off, the legal annual report kinds,
permission re-checked when a job runs, failures recorded on the row."""

from __future__ import annotations

from datetime import date

import pytest

from accounts.models import Role
from reports import jobs, services
from reports.models import ConsolidatedReport, ReportJob
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db


def test_beat_prepares_the_draft_of_a_period_once_its_cutoff_has_passed(period, official):
    assert services.consolidated_prepare_due(today=date(2026, 6, 14)) == 0  # the cut-off day
    assert services.consolidated_prepare_due(today=date(2026, 6, 15)) == 1
    report = ConsolidatedReport.objects.get()
    assert (report.kind, report.year) == ("semiannual", 2026)
    assert report.subject.startswith("Kết quả công tác đối ngoại 6 tháng đầu năm 2026")
    # The next day it exists already: nothing more.
    assert services.consolidated_prepare_due(today=date(2026, 6, 16)) == 0
    job = ReportJob.objects.get()
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert report.sections.count() == 13


def test_regenerating_while_a_gathering_is_queued_returns_it(official):
    first = services.consolidated_start(user=official, kind="annual", year=2026)
    second = services.consolidated_start(user=official, kind="annual", year=2026)
    assert first == second
    assert ReportJob.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "key", "expected"),
    [
        ("agreements", "signing", "Trong năm, đã ký kết 2 thỏa thuận quốc tế"),
        ("conferences", "held", "Đã tổ chức 0 hội nghị, hội thảo quốc tế"),
    ],
)
def test_legal_annual_reports(official, agency, kind, key, expected):
    for day in (date(2025, 12, 15), date(2026, 12, 14)):
        AgreementFactory(lead_agency=agency, signed_on=day)
    AgreementFactory(lead_agency=agency, signed_on=date(2026, 12, 15))  # next year's data
    job = services.consolidated_start(user=official, kind=kind, year=2026)
    jobs.job_run(job_id=job.pk)
    report = ConsolidatedReport.objects.get()
    keys = list(report.sections.values_list("key", flat=True))
    assert keys == [s.key for s in services.sections_for(kind)]
    assert report.sections.get(key=key).body.startswith(expected)
    assert "Bộ Ngoại giao" in services.default_recipients(kind)


def test_a_job_rechecks_the_requesters_permission(official):
    job = services.consolidated_start(user=official, kind="annual", year=2026)
    official.role = Role.LEADER
    official.save()
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert "không còn quyền" in job.error
    assert ConsolidatedReport.objects.get().gathered_at is None


def test_a_failed_render_is_recorded_and_can_be_retried(period, agency, official, monkeypatch):
    from reports import services as report_services

    job = services.consolidated_start(user=official, kind="semiannual", year=2026)
    jobs.job_run(job_id=job.pk)
    issued = services.consolidated_issue(
        report=job.consolidated,
        user=official,
        issued_on=date(2026, 6, 20),
        signer_authority="",
        signer_title="GIÁM ĐỐC",
        signer_name="Nguyễn Văn A",
        recipients="UBND tỉnh",
    )
    pdf_job = issued.jobs.get()

    def broken(_issued):
        raise RuntimeError("font missing")

    monkeypatch.setattr("reports.pdf.render_issued_pdf", broken)
    jobs.job_run(job_id=pdf_job.pk)
    pdf_job.refresh_from_db()
    assert pdf_job.status == ReportJob.Status.FAILED
    assert "font missing" in pdf_job.error
    monkeypatch.undo()

    retry = report_services.job_retry(job=pdf_job, user=official)
    assert retry.pk != pdf_job.pk
    jobs.job_run(job_id=retry.pk)
    issued.refresh_from_db()
    assert issued.pdf
    assert issued.jobs.filter(status=ReportJob.Status.DONE).count() == 1


def test_admin_lists_reports_read_only(client, administrator, period, agency, head):
    from django.urls import reverse

    services.report_open(period=period, agency=agency, user=head)
    administrator.is_superuser = True  # the admin lists need model permissions
    administrator.save()
    client.force_login(administrator)
    for model in ("reportingperiod", "agencyreport", "consolidatedreport", "issuedreport"):
        assert client.get(reverse(f"admin:reports_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:reports_{model}_add")).status_code == 403


def test_a_redelivered_message_takes_over_a_duplicate_does_not(official):
    """A worker that died mid-job leaves the row "running": the redelivery of the same message
    (same task id) takes it over; another message for the job (another id) leaves it alone."""
    from django.utils import timezone

    job = services.consolidated_start(user=official, kind="annual", year=2026)
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RUNNING, started_at=timezone.now(), task_id="task-a", attempts=1
    )
    jobs.job_run(job_id=job.pk, task_id="task-b")
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ReportJob.Status.RUNNING, 1)

    jobs.job_run(job_id=job.pk, task_id="task-a")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.task_id) == (ReportJob.Status.DONE, 2, "task-a")
    assert ConsolidatedReport.objects.get().gathered_at is not None


def test_default_recipients_are_in_the_documents_language_whatever_the_ui():
    from django.utils import translation

    with translation.override("en"):
        recipients = services.default_recipients("semiannual")
    assert recipients.splitlines()[0] == "UBND tỉnh (b/c)"
    assert recipients.splitlines()[-1] == "Lưu: VT, SNgV"
