"""The reporting journey in a real browser, in Vietnamese.

The head of an agency writes the 6-month report (the draft saves itself), submits it; an
official of Sở Ngoại vụ returns it with a reason; the head revises and resubmits; the official
accepts it, prepares the consolidated 6-month draft and issues it; a leader downloads the PDF.

The draft gathering and the PDF renders are Celery jobs. Here no broker is involved: sending is
replaced by a no-op (the row stays queued, as when the broker is down) and the test runs the
queued jobs in-process with ``reports.jobs.job_run``; the pages poll every 2 s and show the
outcome.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Response, expect
from pypdf import PdfReader

from accounts.models import Agency, User
from reports import jobs, services
from reports.models import AgencyReport, ConsolidatedReport, IssuedReport, ReportJob
from reports.periods import PeriodKind
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEAD_NAME = "Hoàng Thị Thu Hà"
OFFICIAL_NAME = "Nguyễn Thị Hồng Nhung"
SIGNER_NAME = "Trần Văn Bình"
RELATIONS = "Phối hợp tổ chức Lễ hội Thành Tuyên với đoàn nghệ thuật tỉnh Xiêng Khoảng (Lào)."
DELEGATIONS = "Đón 02 đoàn khách du lịch tỉnh Hủa Phăn (Lào), 35 lượt người."
REASON = "Đề nghị bổ sung số liệu đoàn ra, đoàn vào trong 6 tháng đầu năm."


def t(msgid: str, **values) -> str:
    """What the portal shows in Vietnamese (its default language) for ``msgid``."""
    with translation.override("vi"):
        text = gettext(msgid)
    return text % values if values else text


@pytest.fixture
def head(agency: Agency) -> User:
    return UserFactory(
        agency=agency, username="ha.svhttdl", full_name=HEAD_NAME, is_agency_head=True
    )


@pytest.fixture
def journey_official(owner_agency: Agency) -> User:
    return UserFactory(
        official=True, agency=owner_agency, username="nhung.snv", full_name=OFFICIAL_NAME
    )


@pytest.fixture
def period(journey_official: User, agency: Agency, other_agency: Agency):
    return services.period_save(
        user=journey_official,
        year=timezone.localdate().year,
        kind=PeriodKind.SEMIANNUAL,
        expected_agencies=[agency, other_agency],
    )


@pytest.fixture
def in_process_jobs(monkeypatch, settings, tmp_path):
    """No broker: the web requests leave their jobs queued; ``run()`` works through them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(jobs, "job_send", lambda job_id: False)

    def run() -> list[ReportJob]:
        queued = list(ReportJob.objects.filter(status=ReportJob.Status.QUEUED).order_by("pk"))
        for job in queued:
            jobs.job_run(job_id=job.pk)
            job.refresh_from_db()
            assert job.status == ReportJob.Status.DONE, job.error
        return queued

    return run


def watch(page: Page) -> list[str]:
    """What the ``page_problems`` fixture watches, for a page of another browser context."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text} ({message.location})")

    def on_response(response: Response) -> None:
        if "/static/" in response.url and response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("response", on_response)
    return problems


def accept_dialogs(page: Page) -> list[str]:
    """Accept every confirm() and keep its message."""
    asked: list[str] = []

    def on_dialog(dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", on_dialog)
    return asked


def follow(page: Page, target: Locator) -> None:
    with page.expect_navigation():
        target.click()


def nav(page: Page, name: str) -> None:
    follow(page, page.get_by_test_id("main-nav").get_by_role("link", name=name, exact=True))


def open_consolidated(page: Page) -> None:
    """Reports in the navigation, then the consolidated reports (linked from that page)."""
    nav(page, t("Reports"))
    follow(page, page.get_by_role("link", name=t("Consolidated reports"), exact=True))


def label(page: Page, text: str) -> Locator:
    """The control labelled ``text`` (with a section number before it, or the asterisk of a
    required field after it)."""
    return page.get_by_label(re.compile(rf"^(\d+\. )?{re.escape(text)}(\s*\*)?$"))


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_report_journey(
    browser: Browser,
    page: Page,
    page_problems,
    live_server,
    login,
    head: User,
    journey_official: User,
    leader: User,
    period,
    in_process_jobs,
) -> None:
    alert = page.get_by_role("alert")
    submit_question = t(
        "Submit the report to the department? It can no longer be edited unless it is returned."
    )
    asked = accept_dialogs(page)

    # 1. The head of SVHTTDL opens Reports and starts the period's report.
    login(page, head.username, PASSWORD)
    nav(page, t("Reports"))
    expect(page).to_have_url(live_server.url + "/reports/")
    row = page.get_by_test_id("period-table").get_by_role("row").filter(has_text=str(period))
    follow(page, row.get_by_role("button", name=t("Write the report")))
    report = AgencyReport.objects.get(period=period, agency=head.agency)
    expect(page).to_have_url(live_server.url + f"/reports/agency/{report.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(head.agency.name)

    # The draft saves itself as the head types.
    relations = label(
        page,
        t("Relations with foreign localities; signing and implementing international agreements"),
    )
    with page.expect_response(
        lambda r: r.url.endswith(f"/reports/agency/{report.pk}/autosave/")
    ) as autosave:
        relations.fill(RELATIONS)
    assert autosave.value.status == 200
    report.refresh_from_db()
    assert report.sections["relations"] == RELATIONS
    saved_at = timezone.localtime(report.updated_at).strftime("%H:%M")
    expect(page.get_by_test_id("autosave-status")).to_have_text(
        t("Draft saved at %(time)s", time=saved_at)
    )

    # … and submits it, after confirming.
    follow(page, page.get_by_role("button", name=t("Submit the report"), exact=True))
    assert asked == [submit_question]
    expect(alert.last).to_contain_text(
        t(
            "Version %(number)s of the report has been submitted to %(department)s.",
            number=1,
            department="Sở Ngoại vụ",
        )
    )
    expect(page).to_have_url(live_server.url + report.get_absolute_url())
    report.refresh_from_db()
    assert report.state == AgencyReport.State.SUBMITTED
    # Its PDF is rendered by a job; the page polls and offers it when it is ready.
    versions = page.get_by_test_id("versions")
    expect(versions.get_by_test_id("job-status")).to_have_attribute("data-status", "queued")
    assert [job.kind for job in in_process_jobs()] == [ReportJob.Kind.AGENCY_PDF]
    expect(versions.get_by_test_id("pdf-download")).to_be_visible()

    # 2. The official, in a browser of their own, returns it with a reason.
    official_context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        official_page = official_context.new_page()
        official_problems = watch(official_page)
        login(official_page, journey_official.username, PASSWORD)
        nav(official_page, t("Reports"))
        follow(official_page, official_page.get_by_role("link", name=str(period)))
        expect(official_page.get_by_test_id("completeness")).to_contain_text("1")
        follow(official_page, official_page.get_by_role("link", name=head.agency.name))
        expect(official_page).to_have_url(live_server.url + report.get_absolute_url())
        expect(official_page.get_by_test_id("report-figures")).to_be_visible()
        label(official_page, t("Reason for returning")).fill(REASON)
        follow(official_page, official_page.get_by_role("button", name=t("Return for revision")))
        expect(official_page.get_by_role("alert")).to_contain_text(
            t("The report has been returned to the agency.")
        )
        report.refresh_from_db()
        assert report.state == AgencyReport.State.RETURNED

        # 3. The head sees the reason, revises and resubmits: version 2.
        page.reload()
        expect(page.get_by_test_id("comments")).to_contain_text(REASON)
        follow(page, page.get_by_role("link", name=t("Edit"), exact=True))
        expect(page.get_by_test_id("return-reason")).to_contain_text(REASON)
        expect(relations).to_have_value(RELATIONS)
        label(page, t("Outbound and inbound delegations")).fill(DELEGATIONS)
        follow(page, page.get_by_role("button", name=t("Submit the report"), exact=True))
        assert asked == [submit_question, submit_question]
        expect(alert.last).to_contain_text(
            t(
                "Version %(number)s of the report has been submitted to %(department)s.",
                number=2,
                department="Sở Ngoại vụ",
            )
        )
        report.refresh_from_db()
        assert report.state == AgencyReport.State.SUBMITTED
        assert report.versions.get(number=2).sections["delegations"] == DELEGATIONS
        assert report.versions.get(number=1).sections["delegations"] == ""
        assert [job.kind for job in in_process_jobs()] == [ReportJob.Kind.AGENCY_PDF]
        expect(versions.get_by_test_id("pdf-download")).to_have_count(2)

        # 4. The official accepts it.
        official_page.reload()
        expect(official_page.get_by_test_id("versions").get_by_role("listitem")).to_have_count(2)
        follow(official_page, official_page.get_by_role("button", name=t("Accept"), exact=True))
        expect(official_page.get_by_role("alert")).to_contain_text(
            t("The report has been accepted.")
        )
        report.refresh_from_db()
        assert report.state == AgencyReport.State.ACCEPTED

        # 5. The consolidated 6-month draft, gathered by a job from the accepted reports.
        open_consolidated(official_page)
        start = official_page.get_by_test_id("consolidated-start")
        label(official_page, t("Report")).select_option(label=t("6-month report"))
        expect(label(official_page, t("Year"))).to_have_value(str(period.year))
        follow(official_page, start.get_by_role("button", name=t("Prepare the draft")))
        consolidated = ConsolidatedReport.objects.get()
        expect(official_page).to_have_url(live_server.url + consolidated.get_absolute_url())
        expect(official_page.get_by_test_id("job-status")).to_have_attribute(
            "data-status", "queued"
        )
        expect(official_page.get_by_test_id("issue-link")).to_have_count(0)
        assert [job.kind for job in in_process_jobs()] == [ReportJob.Kind.GATHER]
        # The polling page reloads by itself with the gathered sections.
        expect(official_page.get_by_test_id("issue-link")).to_be_visible()
        expect(official_page.locator('[data-section="relations"]')).to_contain_text(
            f"{head.agency.name}: {RELATIONS}"
        )
        expect(official_page.locator('[data-section="delegations"]')).to_contain_text(DELEGATIONS)

        # 6. The official issues it with the default number, date and recipients.
        follow(official_page, official_page.get_by_test_id("issue-link"))
        expect(label(official_page, t("Signer's title"))).to_have_value("PHÓ GIÁM ĐỐC")
        label(official_page, t("Signer's name")).fill(SIGNER_NAME)
        follow(official_page, official_page.get_by_role("button", name=t("Issue"), exact=True))
        expect(official_page.get_by_role("alert")).to_contain_text(
            t(
                "Report No. %(number)s has been issued; its PDF is being prepared.",
                number="01/BC-SNgV",
            )
        )
        issued = IssuedReport.objects.get()
        assert (issued.document_number, issued.signer_name) == ("01/BC-SNgV", SIGNER_NAME)
        issued_list = official_page.get_by_test_id("issued-versions")
        expect(issued_list.get_by_test_id("job-status")).to_have_attribute("data-status", "queued")
        assert [job.kind for job in in_process_jobs()] == [ReportJob.Kind.ISSUE_PDF]
        expect(issued_list.get_by_test_id("pdf-download")).to_be_visible()
        official_page.wait_for_load_state("networkidle")
        assert official_problems == []
    finally:
        official_context.close()

    # 7. A leader opens the consolidated reports and downloads the issued PDF.
    leader_context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        leader_page = leader_context.new_page()
        leader_problems = watch(leader_page)
        login(leader_page, leader.username, PASSWORD)
        open_consolidated(leader_page)
        expect(leader_page.get_by_test_id("consolidated-start")).to_have_count(0)
        row = leader_page.get_by_test_id("issued-reports").get_by_role("listitem")
        expect(row).to_contain_text("01/BC-SNgV")
        with leader_page.expect_download() as download:
            row.get_by_role("link", name=t("PDF")).click()
        assert download.value.suggested_filename == f"bao-cao-01-BC-{issued.number_year}-v1.pdf"
        text = pdf_text(Path(download.value.path()))
        assert "01/BC-SNgV" in text
        if t("Report") == "Báo cáo":
            assert "BÁO CÁO" in text
        else:  # the translation has not reached the catalogue yet
            assert "CỘNG HÒA" in text
        assert SIGNER_NAME in text
        leader_page.wait_for_load_state("networkidle")
        assert leader_problems == []
    finally:
        leader_context.close()

    page.wait_for_load_state("networkidle")
    assert page_problems.all() == []


def test_autosave_after_submission_elsewhere_says_it_was_not_saved(
    page: Page, page_problems, live_server, login, head: User, period
) -> None:
    report = services.report_open(period=period, agency=head.agency, user=head)
    services.report_save_draft(report=report, user=head, sections={"relations": RELATIONS})
    login(page, head.username, PASSWORD)
    page.goto(live_server.url + f"/reports/agency/{report.pk}/edit/")
    # Meanwhile the report is submitted from another tab.
    services.report_submit(report=report, user=head)

    status = page.get_by_test_id("autosave-status")
    with page.expect_response(lambda r: r.url.endswith("/autosave/")) as autosave:
        label(page, t("Outbound and inbound delegations")).fill(DELEGATIONS)
    assert autosave.value.status == 422
    expect(status).to_have_text(
        t(
            "This report was submitted and can no longer be edited (state: %(state)s).",
            state=t("Submitted"),
        )
    )
    expect(status).to_have_class(re.compile(r"\btext-danger\b"))
    report.refresh_from_db()
    assert report.sections.get("delegations", "") == ""
    page.wait_for_load_state("networkidle")
    # Chromium logs the 422 answer itself as a failed resource; nothing else went wrong.
    assert [p for p in page_problems.all() if "status of 422" not in p] == []
