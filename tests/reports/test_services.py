"""Periods, pre-filled figures, the workflow with its frozen copies, completeness, reminders."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from accounts.digest import collect
from accounts.errors import DomainError
from agreements.models import Agreement
from delegations.models import Delegation, DelegationMember, Direction
from reports import services
from reports.figures import agency_figures
from reports.models import AgencyReport, ReportComment, ReportingPeriod, ReportJob
from reports.periods import Period, PeriodKind
from tests.delegations.factories import DelegationFactory
from tests.factories import AgreementFactory, UserFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False)


# --- periods -----------------------------------------------------------------------------------
def test_period_ranges_and_default_deadline(agency, owner_agency, settings):
    from tests.factories import AgencyFactory

    committee = AgencyFactory(kind="provincial_body")
    settings.REPORT_DEADLINE_WORKING_DAYS = 5
    semi, annual = services.periods_ensure_year(year=2026)
    assert (semi.start, semi.end) == (date(2025, 12, 15), date(2026, 6, 14))
    assert (annual.start, annual.end) == (date(2025, 12, 15), date(2026, 12, 14))
    # 14/06/2026 is a Sunday: five working days later is Friday 19/06.
    assert semi.deadline == date(2026, 6, 19)
    # 14/12/2026 is a Monday: Monday 21/12.
    assert annual.deadline == date(2026, 12, 21)
    # Every active agency but the department itself is expected.
    assert agency in semi.expected_agencies.all()
    assert owner_agency not in semi.expected_agencies.all()
    assert committee not in semi.expected_agencies.all()  # the reports go to it
    # Idempotent.
    assert services.periods_ensure_year(year=2026) == [semi, annual]
    assert ReportingPeriod.objects.count() == 2


def test_deadline_before_cutoff_is_refused(official):
    with pytest.raises(DomainError) as error:
        services.period_save(
            user=official, year=2026, kind=PeriodKind.SEMIANNUAL, deadline=date(2026, 6, 14)
        )
    assert "14/06/2026" in str(error.value)
    assert not ReportingPeriod.objects.exists()


def test_reporter_cannot_create_periods(reporter):
    with pytest.raises(PermissionDenied):
        services.period_save(user=reporter, year=2026, kind=PeriodKind.ANNUAL)


# --- pre-filled figures ------------------------------------------------------------------------
def _delegation(agency, direction, start, members, state=Delegation.State.DONE):
    delegation = DelegationFactory(
        host_agency=agency,
        direction=direction,
        state=state,
        planned_start=start,
        planned_end=start,
        actual_start=start if state == Delegation.State.DONE else None,
        actual_end=start if state == Delegation.State.DONE else None,
        country="KR",
    )
    for index in range(members):
        DelegationMember.objects.create(delegation=delegation, name=f"Thành viên {index}")
    return delegation


def test_agency_figures_against_hand_counts(agency, other_agency, official):
    period = Period(2026, PeriodKind.SEMIANNUAL)
    # Agreements led by the agency: two signed inside the range (its two ends), one before it,
    # one of another agency.
    for signed in (date(2025, 12, 15), date(2026, 6, 14), date(2025, 12, 14)):
        AgreementFactory(lead_agency=agency, signed_on=signed)
    AgreementFactory(lead_agency=other_agency, signed_on=date(2026, 3, 1))
    # Delegations hosted by the agency: outbound 2 done (head + 3, head + 0), one outside the
    # range, one only approved; inbound 1 done (head + 1); another agency's does not count.
    _delegation(agency, Direction.OUTBOUND, date(2026, 1, 10), 3)
    _delegation(agency, Direction.OUTBOUND, date(2026, 6, 14), 0)
    _delegation(agency, Direction.OUTBOUND, date(2026, 6, 15), 5)
    _delegation(agency, Direction.OUTBOUND, date(2026, 2, 1), 5, state=Delegation.State.APPROVED)
    _delegation(agency, Direction.INBOUND, date(2026, 4, 1), 1)
    _delegation(other_agency, Direction.INBOUND, date(2026, 4, 1), 9)

    figures = agency_figures(agency=agency, period=period, today=date(2026, 6, 20))

    assert figures["agreements_signed"] == 2
    assert [row["signed_on"] for row in figures["signed_list"]] == ["15/12/2025", "14/06/2026"]
    assert (
        figures["agreements_in_force"]
        == Agreement.objects.filter(lead_agency=agency, state=Agreement.State.IN_FORCE).count()
    )
    assert (figures["outbound_delegations"], figures["outbound_people"]) == (2, 5)
    assert (figures["inbound_delegations"], figures["inbound_people"]) == (1, 2)
    assert [(r["delegations"], r["people"]) for r in figures["outbound_by_country"]] == [(2, 5)]
    assert figures["computed_on"] == "20/06/2026"


# --- workflow ----------------------------------------------------------------------------------
SECTIONS = {"relations": "Ký kết biên bản ghi nhớ với tỉnh Xiêng Khoảng.", "proposals": "Đề xuất"}


def test_submit_freezes_an_exact_copy(period, agency, head, official):
    report = services.report_open(period=period, agency=agency, user=head)
    services.report_save_draft(report=report, user=head, sections=SECTIONS)
    AgreementFactory(lead_agency=agency, signed_on=date(2026, 3, 1))
    version = services.report_submit(report=report, user=head, today=date(2026, 6, 18))

    report.refresh_from_db()
    assert report.state == AgencyReport.State.SUBMITTED
    assert version.number == 1
    assert version.sections["relations"] == SECTIONS["relations"]
    assert version.figures["agreements_signed"] == 1
    # Its PDF is a job row (rendered by a worker, never here).
    job = ReportJob.objects.get()
    assert (job.kind, job.status, job.agency_version) == ("agency_pdf", "queued", version)

    # Later edits to the portal's data do not change what was submitted.
    AgreementFactory(lead_agency=agency, signed_on=date(2026, 4, 1))
    version.refresh_from_db()
    assert version.figures["agreements_signed"] == 1
    # And the submitted report can no longer be edited.
    with pytest.raises(DomainError):
        services.report_save_draft(report=report, user=head, sections={"relations": "khác"})
    version.refresh_from_db()
    assert version.sections["relations"] == SECTIONS["relations"]


def test_only_the_head_submits(period, agency, reporter):
    report = services.report_open(period=period, agency=agency, user=reporter)
    services.report_save_draft(report=report, user=reporter, sections=SECTIONS)
    with pytest.raises(DomainError, match="lãnh đạo đơn vị"):
        services.report_submit(report=report, user=reporter)
    report.refresh_from_db()
    assert report.state == AgencyReport.State.DRAFT and not report.versions.exists()


def test_empty_report_is_not_submitted(period, agency, head):
    report = services.report_open(period=period, agency=agency, user=head)
    with pytest.raises(DomainError):
        services.report_submit(report=report, user=head)
    assert not ReportJob.objects.exists()


def test_other_agency_cannot_open_or_edit(period, agency, other_reporter, head):
    with pytest.raises(PermissionDenied):
        services.report_open(period=period, agency=agency, user=other_reporter)
    report = services.report_open(period=period, agency=agency, user=head)
    with pytest.raises(PermissionDenied):
        services.report_save_draft(report=report, user=other_reporter, sections=SECTIONS)


def test_return_needs_a_reason_then_resubmission_is_a_new_version(
    period, agency, head, official, leader
):
    report = services.report_open(period=period, agency=agency, user=head)
    services.report_save_draft(report=report, user=head, sections=SECTIONS)
    services.report_submit(report=report, user=head)

    with pytest.raises(DomainError):
        services.report_return(report=report, user=official, reason="   ")
    with pytest.raises(PermissionDenied):
        services.report_return(report=report, user=leader, reason="Thiếu số liệu")
    report.refresh_from_db()
    assert report.state == AgencyReport.State.SUBMITTED

    services.report_return(report=report, user=official, reason="Bổ sung số liệu đoàn ra.")
    report.refresh_from_db()
    assert report.state == AgencyReport.State.RETURNED
    comment = report.comments.get()
    assert (comment.kind, comment.text, comment.version.number) == (
        ReportComment.Kind.RETURNED,
        "Bổ sung số liệu đoàn ra.",
        1,
    )
    with pytest.raises(DomainError):
        services.report_accept(report=report, user=official)

    services.report_save_draft(
        report=report, user=head, sections={**SECTIONS, "delegations": "02 đoàn ra."}
    )
    second = services.report_submit(report=report, user=head)
    assert second.number == 2
    assert report.versions.get(number=1).sections.get("delegations", "") == ""
    services.report_accept(report=report, user=official)
    report.refresh_from_db()
    assert report.state == AgencyReport.State.ACCEPTED
    assert [c.kind for c in report.comments.all()] == ["returned", "accepted"]
    # History keeps every step.
    assert report.history.count() >= 6


# --- completeness and timeliness ---------------------------------------------------------------
def test_completeness_counts(period, agency, other_agency, head, official):
    third = UserFactory(is_agency_head=True).agency
    period.expected_agencies.add(third)
    with at(date(2026, 6, 18)):
        on_time = services.report_open(period=period, agency=agency, user=head)
        services.report_save_draft(report=on_time, user=head, sections=SECTIONS)
        services.report_submit(report=on_time, user=head)
    other_head = UserFactory(agency=other_agency, is_agency_head=True)
    with at(date(2026, 6, 22)):
        late = services.report_open(period=period, agency=other_agency, user=other_head)
        services.report_save_draft(report=late, user=other_head, sections=SECTIONS)
        services.report_submit(report=late, user=other_head)
        services.report_return(report=late, user=official, reason="Thiếu phần IV")

    result = services.completeness(period=period)
    assert result.expected == 3
    assert result.submitted == 2
    assert (result.on_time, result.late, result.missing, result.returned) == (1, 1, 1, 1)
    assert result.percent == 67
    statuses = {row.agency.pk: row.status for row in result.rows}
    assert statuses == {agency.pk: "submitted", other_agency.pk: "returned", third.pk: "missing"}


# --- reminders through the daily digest --------------------------------------------------------
def _titles(user, today):
    return [(item.section, item.title) for item in collect(user, today)]


def test_reminders_before_the_deadline_then_escalation(period, agency, reporter, head, official):
    label = str(period)
    # 7 days and 1 day before (19/06): the reporters; not on other days.
    assert any(title == label for _s, title in _titles(reporter, date(2026, 6, 12)))
    assert not any(title == label for _s, title in _titles(reporter, date(2026, 6, 13)))
    assert any(title == label for _s, title in _titles(reporter, date(2026, 6, 18)))
    # After the deadline: the head, every day; the plain reporter no longer.
    assert any(title == label for _s, title in _titles(head, date(2026, 6, 22)))
    assert not any(title == label for _s, title in _titles(reporter, date(2026, 6, 22)))
    # Officials see the period with its missing agencies.
    assert any(title == label for _s, title in _titles(official, date(2026, 6, 22)))
    # Submitted: no more reminders.
    report = services.report_open(period=period, agency=agency, user=head)
    services.report_save_draft(report=report, user=head, sections=SECTIONS)
    services.report_submit(report=report, user=head)
    assert not any(title == label for _s, title in _titles(head, date(2026, 6, 23)))


def test_one_digest_per_person_per_day(period, agency, head, mailoutbox):
    from accounts.digest import digest_send

    assert digest_send(user=head, today=date(2026, 6, 22)) is not None
    assert digest_send(user=head, today=date(2026, 6, 22)) is None
    to_head = [m for m in mailoutbox if head.email in m.to]
    assert len(to_head) == 1
    assert str(period) in to_head[0].body


def test_a_leader_is_refused_before_the_reason_is_checked(period, agency, head, leader):
    report = services.report_open(period=period, agency=agency, user=head)
    services.report_save_draft(report=report, user=head, sections=SECTIONS)
    services.report_submit(report=report, user=head)
    with pytest.raises(PermissionDenied):
        services.report_return(report=report, user=leader, reason="")
