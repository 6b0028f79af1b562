"""Every view of the reports app for the owner (a reporter or head of the agency), a colleague
of another agency, an official, a leader (reads everything, writes nothing), an administrator
(manages periods) and an anonymous visitor; the workflow through the views; completeness;
fixed query counts. Data is made through ``reports.services``.

In these ``django_db`` tests ``transaction.on_commit`` callbacks never run, so no job reaches a
broker: queued jobs are run in-process with ``reports.jobs.job_run`` where a test needs them.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from reports import jobs, services
from reports.models import (
    AgencyReport,
    AgencyReportVersion,
    ConsolidatedReport,
    ConsolidatedSection,
    IssuedReport,
    ReportComment,
    ReportingPeriod,
    ReportJob,
)
from reports.periods import PeriodKind
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2026
SECTIONS = {
    "relations": "Phối hợp tổ chức Lễ hội Thành Tuyên với tỉnh Xiêng Khoảng (Lào).",
    "cultural": "Quảng bá Cao nguyên đá Đồng Văn tại hội chợ du lịch quốc tế.",
    "next_tasks": "Đón đoàn tỉnh Imsil (Hàn Quốc).",
}
ROLES = ("head", "other_reporter", "official", "leader", "administrator")


def vi(msgid: str, **values) -> str:
    """The text the portal shows in Vietnamese (its default language) for ``msgid``."""
    with translation.override("vi"):
        text = gettext(msgid)
    return text % values if values else text


def messages_of(client, response) -> list[str]:
    """The messages a redirect carries; following it shows them, so they are not shown twice."""
    found = [str(message) for message in get_messages(response.wsgi_request)]
    client.get(response["Location"])
    return found


def at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False)


def sections_post(**changes: str) -> dict[str, str]:
    return {**SECTIONS, **changes}


def run_queued_jobs() -> list[ReportJob]:
    """Run the queued jobs in this process, as the worker would."""
    queued = list(ReportJob.objects.filter(status=ReportJob.Status.QUEUED).order_by("pk"))
    for job in queued:
        jobs.job_run(job_id=job.pk)
    for job in queued:
        job.refresh_from_db()
        assert job.status == ReportJob.Status.DONE, job.error
    return queued


def state() -> tuple:
    """Everything a write of this app can change, to prove that a refused write changed nothing."""
    return (
        list(ReportingPeriod.objects.order_by("pk").values_list("pk", "year", "kind", "deadline")),
        list(
            ReportingPeriod.expected_agencies.through.objects.order_by("pk").values_list(
                "reportingperiod_id", "agency_id"
            )
        ),
        list(
            AgencyReport.objects.order_by("pk").values_list(
                "pk", "agency_id", "state", "sections", "updated_at", "submitted_at"
            )
        ),
        list(AgencyReportVersion.objects.order_by("pk").values_list("pk", "number", "pdf")),
        list(ReportComment.objects.order_by("pk").values_list("pk", "kind", "text")),
        list(
            ConsolidatedReport.objects.order_by("pk").values_list(
                "pk", "subject", "gathered_at", "updated_at"
            )
        ),
        list(ConsolidatedSection.objects.order_by("pk").values_list("pk", "body", "updated_at")),
        list(IssuedReport.objects.order_by("pk").values_list("pk", "number", "version", "pdf")),
        list(ReportJob.objects.order_by("pk").values_list("pk", "kind", "status")),
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class World:
    """One object of every kind the URLs point at."""

    period: ReportingPeriod  # 6-month 2026: SVHTTDL's report is submitted (v1, PDF queued)
    annual: ReportingPeriod  # annual 2026: SVHTTDL's report is a draft
    submitted: AgencyReport
    draft: AgencyReport
    version: AgencyReportVersion
    pdf_job: ReportJob
    consolidated: ConsolidatedReport  # the 6-month report of 2026, gathered
    gather_job: ReportJob
    issued: IssuedReport  # its v1, "01/BC-SNgV", PDF queued


@pytest.fixture
def world(period, agency, other_agency, head, official) -> World:
    annual = services.period_save(
        user=official,
        year=YEAR,
        kind=PeriodKind.ANNUAL,
        expected_agencies=[agency, other_agency],
    )
    submitted = services.report_open(period=period, agency=agency, user=head)
    services.report_save_draft(report=submitted, user=head, sections=SECTIONS)
    version = services.report_submit(report=submitted, user=head)
    draft = services.report_open(period=annual, agency=agency, user=head)
    services.report_save_draft(report=draft, user=head, sections=SECTIONS)
    gather_job = services.consolidated_start(
        user=official, kind=ConsolidatedReport.Kind.SEMIANNUAL, year=YEAR
    )
    jobs.job_run(job_id=gather_job.pk)
    gather_job.refresh_from_db()
    assert gather_job.status == ReportJob.Status.DONE, gather_job.error
    consolidated = ConsolidatedReport.objects.get()
    issued = services.consolidated_issue(
        report=consolidated,
        user=official,
        issued_on=date(YEAR, 7, 2),
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Trần Văn Bình",
        recipients="UBND tỉnh (để báo cáo)\nLưu: VT, SNgV",
    )
    submitted.refresh_from_db()
    draft.refresh_from_db()
    return World(
        period=period,
        annual=annual,
        submitted=submitted,
        draft=draft,
        version=version,
        pdf_job=version.jobs.get(),
        consolidated=consolidated,
        gather_job=gather_job,
        issued=issued,
    )


@pytest.fixture
def users(request, head) -> dict:
    users = {"head": head}
    for role in ROLES[1:]:
        users[role] = request.getfixturevalue(role)
    return users


def statuses(client, users: dict, method: str, url: str, data=None) -> dict[str, int]:
    result = {}
    for role, user in users.items():
        client.force_login(user)
        response = getattr(client, method)(url, data or {})
        result[role] = response.status_code
    client.logout()
    return result


def assert_anonymous_goes_to_login(client, method: str, url: str) -> None:
    client.logout()
    response = getattr(client, method)(url, {})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


# --- reading: every GET URL, every role ---------------------------------------------------------
ALL = dict.fromkeys(ROLES, 200)
STAFF = {**ALL, "head": 403, "other_reporter": 403}
MANAGERS = {**STAFF, "leader": 403}
OFFICIAL_ONLY = {**MANAGERS, "administrator": 403}
AGENCY_AND_STAFF = {**ALL, "other_reporter": 404}
NO_FILE_YET = dict.fromkeys(ROLES, 404)

READS = {
    "index": (lambda w: reverse("reports:index"), ALL),
    "period_create": (lambda w: reverse("reports:period_create"), MANAGERS),
    # A reporter is sent to their own agency's report; without one there is nothing to see.
    "period_detail": (lambda w: w.period.get_absolute_url(), {**STAFF, "head": 302}),
    "period_edit": (lambda w: reverse("reports:period_edit", args=[w.period.pk]), MANAGERS),
    "report_detail": (lambda w: w.submitted.get_absolute_url(), AGENCY_AND_STAFF),
    "report_detail_draft": (lambda w: w.draft.get_absolute_url(), AGENCY_AND_STAFF),
    "report_edit": (
        lambda w: reverse("reports:report_edit", args=[w.draft.pk]),
        {"head": 200, "other_reporter": 404, "official": 403, "leader": 403, "administrator": 403},
    ),
    "report_edit_submitted": (
        lambda w: reverse("reports:report_edit", args=[w.submitted.pk]),
        {"head": 403, "other_reporter": 404, "official": 403, "leader": 403, "administrator": 403},
    ),
    "version_pdf": (lambda w: reverse("reports:version_pdf", args=[w.version.pk]), NO_FILE_YET),
    "job_status": (
        lambda w: reverse("reports:job_status", args=[w.pdf_job.pk]),
        AGENCY_AND_STAFF,
    ),
    "job_status_gather": (
        lambda w: reverse("reports:job_status", args=[w.gather_job.pk]),
        {**ALL, "head": 404, "other_reporter": 404},
    ),
    "consolidated_list": (lambda w: reverse("reports:consolidated_list"), STAFF),
    "consolidated_detail": (lambda w: w.consolidated.get_absolute_url(), STAFF),
    "section_edit": (
        lambda w: reverse("reports:section_edit", args=[w.consolidated.pk, "relations"]),
        OFFICIAL_ONLY,
    ),
    "consolidated_issue": (
        lambda w: reverse("reports:consolidated_issue", args=[w.consolidated.pk]),
        OFFICIAL_ONLY,
    ),
    "issued_pdf": (
        lambda w: reverse("reports:issued_pdf", args=[w.issued.pk]),
        {**NO_FILE_YET, "head": 403, "other_reporter": 403},
    ),
}


@pytest.mark.parametrize("name", READS)
def test_reading_for_every_role(client, world, users, name):
    url_of, expected = READS[name]
    url = url_of(world)
    before = state()
    assert statuses(client, users, "get", url) == expected
    assert_anonymous_goes_to_login(client, "get", url)
    assert state() == before


@pytest.mark.parametrize(
    "name",
    [
        "report_start",
        "report_autosave",
        "report_submit",
        "report_return",
        "report_accept",
        "job_retry",
        "consolidated_start",
        "consolidated_regenerate",
        "subject_edit",
    ],
)
def test_transitions_are_post_only(client, world, official, name):
    args = {
        "report_start": [world.period.pk],
        "job_retry": [world.pdf_job.pk],
        "consolidated_start": [],
        "consolidated_regenerate": [world.consolidated.pk],
        "subject_edit": [world.consolidated.pk],
    }.get(name, [world.submitted.pk])
    client.force_login(official)
    assert client.get(reverse(f"reports:{name}", args=args)).status_code == 405


def test_reporter_pages_show_only_their_agency(client, world, head, other_reporter):
    client.force_login(head)
    page = client.get(reverse("reports:index")).content.decode()
    assert world.submitted.get_absolute_url() in page
    assert reverse("reports:consolidated_list") not in page
    # The colleague of SCT sees the same periods, with SCT's (missing) reports and no link to
    # SVHTTDL's.
    client.force_login(other_reporter)
    page = client.get(reverse("reports:index")).content.decode()
    assert str(world.period) in page
    assert world.submitted.get_absolute_url() not in page
    assert reverse("reports:report_start", args=[world.period.pk]) in page
    # The SVHTTDL report's job fragment is hidden from SCT too.
    url = reverse("reports:job_status", args=[world.pdf_job.pk])
    assert client.get(url).status_code == 404


def test_period_detail_sends_a_reporter_to_their_report(client, world, head):
    client.force_login(head)
    response = client.get(world.period.get_absolute_url())
    assert response["Location"] == world.submitted.get_absolute_url()


def test_leader_reads_without_write_controls(client, world, leader):
    client.force_login(leader)
    detail = client.get(world.submitted.get_absolute_url()).content.decode()
    assert 'data-testid="decision"' not in detail
    assert reverse("reports:report_return", args=[world.submitted.pk]) not in detail
    consolidated = client.get(world.consolidated.get_absolute_url()).content.decode()
    assert reverse("reports:consolidated_issue", args=[world.consolidated.pk]) not in consolidated
    assert reverse("reports:consolidated_regenerate", args=[world.consolidated.pk]) not in (
        consolidated
    )
    listing = client.get(reverse("reports:consolidated_list")).content.decode()
    assert 'data-testid="consolidated-start"' not in listing
    assert world.issued.document_number in listing
    index = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:period_create") not in index


# --- writing: refused requests change nothing ---------------------------------------------------
REFUSED_AGENCY_WRITE = {"other_reporter": 404, "official": 403, "leader": 403, "administrator": 403}
REFUSED_DECISION = {"head": 403, "other_reporter": 404, "leader": 403, "administrator": 403}
REFUSED_PERIOD = {"head": 403, "other_reporter": 403, "leader": 403}
REFUSED_CONSOLIDATED = {**REFUSED_PERIOD, "administrator": 403}

WRITES = {
    "report_start": (
        lambda w: reverse("reports:report_start", args=[w.period.pk]),
        {},
        {"official": 403, "leader": 403, "administrator": 403},
    ),
    "report_edit": (
        lambda w: reverse("reports:report_edit", args=[w.draft.pk]),
        sections_post(relations="Đã sửa", save=""),
        REFUSED_AGENCY_WRITE,
    ),
    "report_edit_and_submit": (
        lambda w: reverse("reports:report_edit", args=[w.draft.pk]),
        sections_post(relations="Đã sửa", submit=""),
        REFUSED_AGENCY_WRITE,
    ),
    "report_autosave": (
        lambda w: reverse("reports:report_autosave", args=[w.draft.pk]),
        sections_post(relations="Đã sửa"),
        REFUSED_AGENCY_WRITE,
    ),
    "report_autosave_submitted": (
        lambda w: reverse("reports:report_autosave", args=[w.submitted.pk]),
        sections_post(relations="Đã sửa"),
        # The owner is told the report is submitted (422); the others may not write at all.
        {**REFUSED_AGENCY_WRITE, "head": 422},
    ),
    "report_submit": (
        lambda w: reverse("reports:report_submit", args=[w.draft.pk]),
        {},
        REFUSED_AGENCY_WRITE,
    ),
    "report_return": (
        lambda w: reverse("reports:report_return", args=[w.submitted.pk]),
        {"reason": "Thiếu số liệu đoàn ra."},
        REFUSED_DECISION,
    ),
    "report_accept": (
        lambda w: reverse("reports:report_accept", args=[w.submitted.pk]),
        {"note": "Đạt."},
        REFUSED_DECISION,
    ),
    "job_retry": (
        lambda w: reverse("reports:job_retry", args=[w.pdf_job.pk]),
        {},
        {"other_reporter": 404, "leader": 403, "administrator": 403},
    ),
    "period_create": (
        lambda w: reverse("reports:period_create"),
        {"year": YEAR + 1, "kind": PeriodKind.SEMIANNUAL},
        REFUSED_PERIOD,
    ),
    "period_edit": (
        lambda w: reverse("reports:period_edit", args=[w.period.pk]),
        {"year": YEAR, "kind": PeriodKind.SEMIANNUAL, "deadline": "30/06/2026"},
        REFUSED_PERIOD,
    ),
    "consolidated_start": (
        lambda w: reverse("reports:consolidated_start"),
        {"kind": ConsolidatedReport.Kind.ANNUAL, "year": YEAR},
        REFUSED_CONSOLIDATED,
    ),
    "consolidated_regenerate": (
        lambda w: reverse("reports:consolidated_regenerate", args=[w.consolidated.pk]),
        {},
        REFUSED_CONSOLIDATED,
    ),
    "subject_edit": (
        lambda w: reverse("reports:subject_edit", args=[w.consolidated.pk]),
        {"subject": "Chủ đề khác"},
        REFUSED_CONSOLIDATED,
    ),
    "section_edit": (
        lambda w: reverse("reports:section_edit", args=[w.consolidated.pk, "relations"]),
        {"body": "Văn bản khác"},
        REFUSED_CONSOLIDATED,
    ),
    "consolidated_issue": (
        lambda w: reverse("reports:consolidated_issue", args=[w.consolidated.pk]),
        {
            "issued_on": "03/07/2026",
            "signer_title": "GIÁM ĐỐC",
            "signer_name": "Trần Văn Bình",
            "recipients": "UBND tỉnh",
        },
        REFUSED_CONSOLIDATED,
    ),
}


@pytest.mark.parametrize("name", WRITES)
def test_refused_writes_change_nothing(client, world, users, name):
    url_of, data, refused = WRITES[name]
    if name == "job_retry":
        jobs.job_fail(world.pdf_job.pk, "Mất kết nối")
    url = url_of(world)
    before = state()
    refused_users = {role: users[role] for role in refused}
    assert statuses(client, refused_users, "post", url, data) == refused
    assert_anonymous_goes_to_login(client, "post", url)
    assert state() == before


def test_autosave_of_a_submitted_report_tells_the_owner(client, world, head):
    client.force_login(head)
    url = reverse("reports:report_autosave", args=[world.submitted.pk])
    response = client.post(url, sections_post(relations="Đã sửa"), HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert 'data-testid="autosave-status"' in response.content.decode()
    assert "text-danger" in response.content.decode()
    world.submitted.refresh_from_db()
    assert world.submitted.sections["relations"] == SECTIONS["relations"]


def test_a_reporter_starts_only_their_own_agency_report(
    client, period, agency, other_agency, other_reporter
):
    client.force_login(other_reporter)
    response = client.post(reverse("reports:report_start", args=[period.pk]))
    report = AgencyReport.objects.get()
    assert report.agency == other_agency
    assert response["Location"] == reverse("reports:report_edit", args=[report.pk])
    # Starting twice opens the same draft.
    client.post(reverse("reports:report_start", args=[period.pk]))
    assert AgencyReport.objects.count() == 1


def test_a_period_the_agency_is_not_expected_in_cannot_be_started(
    client, official, agency, other_reporter
):
    period = services.period_save(
        user=official, year=YEAR, kind=PeriodKind.ANNUAL, expected_agencies=[agency]
    )
    client.force_login(other_reporter)
    response = client.post(reverse("reports:report_start", args=[period.pk]))
    assert response.status_code == 403
    assert not AgencyReport.objects.exists()


def test_starting_a_submitted_report_opens_it(client, world, head):
    client.force_login(head)
    response = client.post(reverse("reports:report_start", args=[world.period.pk]))
    assert response["Location"] == world.submitted.get_absolute_url()


# --- the workflow through the views ------------------------------------------------------------
def test_workflow_draft_autosave_submit_return_resubmit_accept(
    client, period, agency, head, reporter, official
):
    # The head opens the report from the list and saves a draft.
    client.force_login(head)
    response = client.post(reverse("reports:report_start", args=[period.pk]))
    report = AgencyReport.objects.get(period=period, agency=agency)
    edit_url = reverse("reports:report_edit", args=[report.pk])
    assert response["Location"] == edit_url
    page = client.get(edit_url)
    assert page.status_code == 200
    assert 'name="submit"' in page.content.decode()  # only heads are offered the button
    response = client.post(edit_url, sections_post(save=""))
    assert response["Location"] == edit_url
    assert messages_of(client, response) == [vi("The draft has been saved.")]
    report.refresh_from_db()
    assert report.state == AgencyReport.State.DRAFT
    assert report.sections["relations"] == SECTIONS["relations"]
    assert report.sections["leadership"] == ""

    # Autosave (htmx) answers the status line.
    response = client.post(
        reverse("reports:report_autosave", args=[report.pk]),
        sections_post(leadership="Ban hành Kế hoạch số 12/KH-SVHTTDL."),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'data-testid="autosave-status"' in fragment
    assert "text-danger" not in fragment
    report.refresh_from_db()
    moment = timezone.localtime(report.updated_at).strftime("%H:%M")
    assert vi("Draft saved at %(time)s", time=moment) in fragment
    assert report.sections["leadership"] == "Ban hành Kế hoạch số 12/KH-SVHTTDL."

    # A reporter who is not the head may write but not submit: a message, nothing submitted.
    client.force_login(reporter)
    page = client.get(edit_url).content.decode()
    assert 'name="submit"' not in page
    response = client.post(reverse("reports:report_submit", args=[report.pk]))
    assert response["Location"] == edit_url
    assert messages_of(client, response) == [
        vi("Only the head of the agency can submit its report.")
    ]
    report.refresh_from_db()
    assert report.state == AgencyReport.State.DRAFT
    assert not report.versions.exists()

    # The head submits: version 1, its PDF queued.
    client.force_login(head)
    response = client.post(reverse("reports:report_submit", args=[report.pk]))
    assert response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert report.state == AgencyReport.State.SUBMITTED
    first = report.versions.get()
    assert (first.number, first.submitted_by) == (1, head)
    assert first.sections["leadership"] == "Ban hành Kế hoạch số 12/KH-SVHTTDL."
    assert ReportJob.objects.get().agency_version == first
    assert client.get(edit_url).status_code == 403

    # The official returns it without a reason: an error, nothing changes.
    client.force_login(official)
    detail = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="decision"' in detail
    return_url = reverse("reports:report_return", args=[report.pk])
    response = client.post(return_url, {"reason": "   "})
    assert response["Location"] == report.get_absolute_url()
    assert messages_of(client, response) == [vi("Give the reason for returning the report.")]
    report.refresh_from_db()
    assert report.state == AgencyReport.State.SUBMITTED
    assert not report.comments.exists()

    # … then with a reason.
    reason = "Bổ sung số liệu đoàn ra, đoàn vào 6 tháng đầu năm."
    response = client.post(return_url, {"reason": reason})
    assert messages_of(client, response) == [vi("The report has been returned to the agency.")]
    report.refresh_from_db()
    assert report.state == AgencyReport.State.RETURNED
    assert report.comments.get().text == reason

    # The head sees the reason, edits and resubmits from the form: version 2.
    client.force_login(head)
    page = client.get(edit_url).content.decode()
    assert 'data-testid="return-reason"' in page
    assert reason in page
    response = client.post(
        edit_url, sections_post(delegations="02 đoàn ra (9 lượt người).", submit="")
    )
    assert response["Location"] == report.get_absolute_url()
    assert messages_of(client, response) == [
        vi("The draft has been saved."),
        vi(
            "Version %(number)s of the report has been submitted to %(department)s.",
            number=2,
            department="Sở Ngoại vụ",
        ),
    ]
    report.refresh_from_db()
    assert report.state == AgencyReport.State.SUBMITTED
    second = report.versions.get(number=2)
    assert second.sections["delegations"] == "02 đoàn ra (9 lượt người)."
    assert report.versions.get(number=1).sections["delegations"] == ""

    # The official accepts it.
    client.force_login(official)
    response = client.post(reverse("reports:report_accept", args=[report.pk]), {"note": ""})
    assert messages_of(client, response) == [vi("The report has been accepted.")]
    report.refresh_from_db()
    assert report.state == AgencyReport.State.ACCEPTED
    assert [(c.kind, c.version.number) for c in report.comments.all()] == [
        (ReportComment.Kind.RETURNED, 1),
        (ReportComment.Kind.ACCEPTED, 2),
    ]
    # Deciding again is refused with a message; the head can no longer edit.
    response = client.post(return_url, {"reason": "Lần nữa"})
    assert messages_of(client, response) == [
        vi("Only a submitted report can be returned or accepted.")
    ]
    report.refresh_from_db()
    assert report.state == AgencyReport.State.ACCEPTED
    client.force_login(head)
    assert client.get(edit_url).status_code == 403
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "02 đoàn ra (9 lượt người)." in detail


def test_submitting_an_empty_report_is_refused_with_a_message(client, period, agency, head):
    report = services.report_open(period=period, agency=agency, user=head)
    client.force_login(head)
    response = client.post(reverse("reports:report_submit", args=[report.pk]))
    assert messages_of(client, response) == [vi("The report is empty: write at least one section.")]
    report.refresh_from_db()
    assert report.state == AgencyReport.State.DRAFT


def test_too_long_autosave_is_not_saved(client, period, agency, head):
    report = services.report_open(period=period, agency=agency, user=head)
    client.force_login(head)
    response = client.post(
        reverse("reports:report_autosave", args=[report.pk]),
        sections_post(relations="x" * 20_001),
    )
    assert response.status_code == 422
    assert vi("Not saved: a section is too long.") in response.content.decode()
    report.refresh_from_db()
    assert report.sections == {}


def test_job_retry_queues_a_failed_pdf_again(client, world, head):
    jobs.job_fail(world.pdf_job.pk, "Mất kết nối")
    client.force_login(head)
    response = client.post(reverse("reports:job_retry", args=[world.pdf_job.pk]))
    assert response.status_code == 200
    retry = ReportJob.objects.filter(agency_version=world.version).latest("pk")
    assert retry.pk != world.pdf_job.pk and retry.status == ReportJob.Status.QUEUED
    assert f'id="report-job-{retry.pk}"' in response.content.decode()


# --- periods: officials and administrators ------------------------------------------------------
@pytest.mark.parametrize("who", ["official", "administrator"])
def test_periods_are_managed_by_officials_and_administrators(
    client, request, settings, who, agency, other_agency, owner_agency
):
    settings.REPORT_DEADLINE_WORKING_DAYS = 5
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("reports:period_create"),
        {"year": YEAR, "kind": PeriodKind.ANNUAL, "expected_agencies": [agency.pk]},
    )
    period = ReportingPeriod.objects.get()
    assert response["Location"] == period.get_absolute_url()
    assert (period.year, period.kind, period.deadline) == (YEAR, "annual", date(2026, 12, 21))
    assert list(period.expected_agencies.all()) == [agency]

    response = client.post(
        reverse("reports:period_edit", args=[period.pk]),
        {"year": YEAR, "kind": PeriodKind.ANNUAL, "deadline": "28/12/2026"},
    )
    assert response["Location"] == period.get_absolute_url()
    period.refresh_from_db()
    assert period.deadline == date(2026, 12, 28)
    # Left empty, the list becomes every active agency but the department.
    assert set(period.expected_agencies.all()) == {agency, other_agency}
    assert owner_agency not in period.expected_agencies.all()


def test_period_deadline_before_cutoff_is_a_form_error(client, official):
    client.force_login(official)
    response = client.post(
        reverse("reports:period_create"),
        {"year": YEAR, "kind": PeriodKind.SEMIANNUAL, "deadline": "10/06/2026"},
    )
    assert response.status_code == 200
    assert "14/06/2026" in response.content.decode()
    assert not ReportingPeriod.objects.exists()


# --- completeness --------------------------------------------------------------------------------
def test_completeness_page_numbers_and_filters(client, period, agency, other_agency, head, leader):
    official = UserFactory(official=True, username="snv")
    third = UserFactory(is_agency_head=True, full_name="Lý Văn Ba", phone="0207 3822 123")
    UserFactory(agency=third.agency, full_name="Đặng Thị Nhân Viên")  # not a head
    UserFactory(agency=third.agency, is_agency_head=True, is_active=False, full_name="Hồ Văn Cũ")
    fourth = AgencyFactory(name="Sở Y tế", short_name="SYT")
    period.expected_agencies.add(third.agency, fourth)
    with at(date(2026, 6, 18)):  # before the deadline (19/06)
        on_time = services.report_open(period=period, agency=agency, user=head)
        services.report_save_draft(report=on_time, user=head, sections=SECTIONS)
        services.report_submit(report=on_time, user=head)
        services.report_accept(report=on_time, user=official)
    other_head = UserFactory(agency=other_agency, is_agency_head=True)
    with at(date(2026, 6, 23)):  # after it
        late = services.report_open(period=period, agency=other_agency, user=other_head)
        services.report_save_draft(report=late, user=other_head, sections=SECTIONS)
        services.report_submit(report=late, user=other_head)
        services.report_return(report=late, user=official, reason="Thiếu phần IV")
    services.report_open(period=period, agency=third.agency, user=third)  # a draft

    client.force_login(leader)
    page = client.get(period.get_absolute_url()).content.decode()
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)', page))
    assert counts == {
        "expected": "4",
        "submitted": "2",
        "on_time": "1",
        "late": "1",
        "missing": "2",
        "returned": "1",
    }
    assert "(50%)" in page
    rows = dict(re.findall(r'<tr data-agency="(\w+)">.*?data-state="(\w+)"', page, re.S))
    assert rows == {
        "SVHTTDL": "accepted",
        "SCT": "returned",
        third.agency.short_name: "draft",
        "SYT": "missing",
    }
    assert "Lý Văn Ba" in page and "0207 3822 123" in page  # the head's contact
    assert "Đặng Thị Nhân Viên" not in page and "Hồ Văn Cũ" not in page  # only active heads

    for status, expected in (("missing", ["SYT"]), ("draft", [third.agency.short_name])):
        page = client.get(period.get_absolute_url(), {"status": status}).content.decode()
        assert re.findall(r'<tr data-agency="(\w+)">', page) == expected

    # The list of periods carries the same totals.
    page = client.get(reverse("reports:index")).content.decode()
    assert re.search(r">4</td>\s*<td[^>]*>2</td>\s*<td[^>]*>1</td>", page)


# --- fixed query counts --------------------------------------------------------------------------
def _agency_with_report(period, state: str, index: int, official) -> None:
    head = UserFactory(
        agency=AgencyFactory(name=f"Sở số {index:02d}", short_name=f"S{index:02d}"),
        is_agency_head=True,
    )
    period.expected_agencies.add(head.agency)
    if state == "missing":
        return
    report = services.report_open(period=period, agency=head.agency, user=head)
    if state == "draft":
        return
    services.report_save_draft(report=report, user=head, sections=SECTIONS)
    services.report_submit(report=report, user=head)
    if state == "accepted":
        services.report_accept(report=report, user=official)


@pytest.mark.parametrize("count", [5, 40])
def test_completeness_page_has_a_fixed_number_of_queries(
    client, period, official, leader, count, django_assert_max_num_queries
):
    period.expected_agencies.clear()
    for index in range(count):
        state = ("missing", "draft", "submitted", "accepted")[index % 4]
        _agency_with_report(period, state, index, official)
    client.force_login(leader)
    # Session, user, period, agencies, their heads, reports, session saved (every request):
    # the same for 5 agencies as for 40.
    with django_assert_max_num_queries(9):
        response = client.get(period.get_absolute_url())
    assert response.content.decode().count("<tr data-agency=") == count


@pytest.mark.parametrize("count", [1, 6])
def test_index_has_a_fixed_number_of_queries(
    client, agency, head, official, leader, count, django_assert_max_num_queries
):
    for year in range(YEAR, YEAR + (count + 1) // 2):
        for kind in (PeriodKind.SEMIANNUAL, PeriodKind.ANNUAL):
            period = services.period_save(
                user=official, year=year, kind=kind, expected_agencies=[agency]
            )
            report = services.report_open(period=period, agency=agency, user=head)
            services.report_save_draft(report=report, user=head, sections=SECTIONS)
    for user in (leader, head):
        client.force_login(user)
        with django_assert_max_num_queries(7):
            response = client.get(reverse("reports:index"))
        assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 4])
def test_consolidated_list_has_a_fixed_number_of_queries(
    client, official, leader, count, django_assert_max_num_queries
):
    kinds = list(ConsolidatedReport.Kind.values)
    for index in range(count):
        job = services.consolidated_start(user=official, kind=kinds[index % 4], year=YEAR)
        jobs.job_run(job_id=job.pk)
        services.consolidated_issue(
            report=ConsolidatedReport.objects.get(pk=job.consolidated_id),
            user=official,
            issued_on=date(YEAR, 7, 1 + index),
            signer_authority="",
            signer_title="GIÁM ĐỐC",
            signer_name="Trần Văn Bình",
            recipients="UBND tỉnh",
        )
    client.force_login(leader)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("reports:consolidated_list"))
    assert response.content.decode().count("/BC-SNgV") == count


# --- consolidated reports through the views -----------------------------------------------------
def test_official_prepares_edits_and_issues(client, period, agency, head, official):
    report = services.report_open(period=period, agency=agency, user=head)
    services.report_save_draft(report=report, user=head, sections=SECTIONS)
    services.report_submit(report=report, user=head)
    services.report_accept(report=report, user=official)

    client.force_login(official)
    response = client.post(
        reverse("reports:consolidated_start"),
        {"kind": ConsolidatedReport.Kind.SEMIANNUAL, "year": YEAR},
    )
    consolidated = ConsolidatedReport.objects.get()
    assert response["Location"] == consolidated.get_absolute_url()
    gather = ReportJob.objects.get(kind=ReportJob.Kind.GATHER)
    assert gather.status == ReportJob.Status.QUEUED  # nothing gathered in the request
    assert not consolidated.sections.exists()
    # The page polls the job while the draft is being prepared.
    page = client.get(consolidated.get_absolute_url()).content.decode()
    assert reverse("reports:job_status", args=[gather.pk]) in page
    assert reverse("reports:consolidated_issue", args=[consolidated.pk]) not in page
    # Asking again while it is queued does not queue a second job.
    client.post(
        reverse("reports:consolidated_start"),
        {"kind": ConsolidatedReport.Kind.SEMIANNUAL, "year": YEAR},
    )
    assert ReportJob.objects.filter(kind=ReportJob.Kind.GATHER).count() == 1

    status_url = reverse("reports:job_status", args=[gather.pk])
    assert "HX-Refresh" not in client.get(status_url, HTTP_HX_REQUEST="true")
    run_queued_jobs()
    fragment = client.get(status_url).content.decode()
    assert 'data-status="done"' in fragment and "hx-get" not in fragment
    # The polling page reloads once to show the gathered sections.
    assert client.get(status_url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    page = client.get(consolidated.get_absolute_url()).content.decode()
    assert f"{agency.name}: {SECTIONS['relations']}" in page

    section_url = reverse("reports:section_edit", args=[consolidated.pk, "relations"])
    response = client.post(section_url, {"body": "Quan hệ với các địa phương nước ngoài."})
    assert response["Location"] == f"{consolidated.get_absolute_url()}#section-relations"
    assert consolidated.sections.get(key="relations").body == (
        "Quan hệ với các địa phương nước ngoài."
    )
    assert (
        client.get(reverse("reports:section_edit", args=[consolidated.pk, "unknown"])).status_code
        == 404
    )
    client.post(reverse("reports:subject_edit", args=[consolidated.pk]), {"subject": "Chủ đề mới"})
    consolidated.refresh_from_db()
    assert consolidated.subject == "Chủ đề mới"

    issue_url = reverse("reports:consolidated_issue", args=[consolidated.pk])
    form = client.get(issue_url)
    assert form.status_code == 200
    assert form.context["form"].initial["signer_title"] == "PHÓ GIÁM ĐỐC"
    response = client.post(
        issue_url,
        {
            "issued_on": "02/07/2026",
            "signer_authority": "KT. GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Trần Văn Bình",
            "recipients": "UBND tỉnh (để báo cáo)\nLưu: VT, SNgV",
        },
    )
    assert response["Location"] == consolidated.get_absolute_url()
    issued = IssuedReport.objects.get()
    assert (issued.document_number, issued.version) == ("01/BC-SNgV", 1)
    assert issued.snapshot["subject"] == "Chủ đề mới"
    assert ReportJob.objects.get(kind=ReportJob.Kind.ISSUE_PDF).issued == issued
    # The number is taken: asking for it again is a form error, nothing issued.
    response = client.post(
        issue_url,
        {
            "number": 1,
            "issued_on": "03/07/2026",
            "signer_title": "GIÁM ĐỐC",
            "signer_name": "Trần Văn Bình",
            "recipients": "UBND tỉnh",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["number"]
    assert IssuedReport.objects.count() == 1


def test_issue_before_the_draft_is_gathered_is_a_form_error(client, official):
    services.consolidated_start(user=official, kind=ConsolidatedReport.Kind.ANNUAL, year=YEAR)
    consolidated = ConsolidatedReport.objects.get()
    client.force_login(official)
    response = client.post(
        reverse("reports:consolidated_issue", args=[consolidated.pk]),
        {
            "issued_on": "02/07/2026",
            "signer_title": "GIÁM ĐỐC",
            "signer_name": "Trần Văn Bình",
            "recipients": "UBND tỉnh",
        },
    )
    assert response.status_code == 200
    assert vi("The draft has not been prepared yet.") in response.content.decode()
    assert not IssuedReport.objects.exists()


# --- PDFs: 404 until rendered, then for those who may read them --------------------------------
def test_pdfs_are_served_once_rendered(client, world, users, media):
    version_url = reverse("reports:version_pdf", args=[world.version.pk])
    issued_url = reverse("reports:issued_pdf", args=[world.issued.pk])
    client.force_login(users["official"])
    assert client.get(version_url).status_code == 404
    assert client.get(issued_url).status_code == 404
    page = client.get(world.consolidated.get_absolute_url()).content.decode()
    assert reverse("reports:job_status", args=[world.issued.jobs.get().pk]) in page

    run_queued_jobs()  # the agency version's PDF and the issued report's PDF

    assert statuses(client, users, "get", version_url) == AGENCY_AND_STAFF
    assert statuses(client, users, "get", issued_url) == STAFF
    client.force_login(users["leader"])
    response = client.get(issued_url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"].startswith("max-age=0")
    assert 'filename="bao-cao-01-BC-2026-v1.pdf"' in response["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "01/BC-SNgV" in text
    page = client.get(world.consolidated.get_absolute_url()).content.decode()
    assert issued_url in page
