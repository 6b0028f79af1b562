"""The leaders' dashboard on the home page: delegations of the year, targets by status,
completeness of the latest round, latest issued PDFs; in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.paging import list_counts_forget
from agreements.alerts import alerts_for, count_by_kind
from agreements.services import review_coverage
from delegations.services import delegation_totals
from partners.models import Partner
from reports import jobs, services
from reports.dashboard import CACHE_SECONDS, home_figures
from reports.models import ConsolidatedReport
from targets.models import Target
from targets.services import STATUS_LABELS, target_states
from tests.agreements.test_alerts import review
from tests.caching import clear_cache
from tests.delegations.factories import DelegationFactory, MemberFactory
from tests.factories import AgreementFactory, PartnerFactory, UserFactory
from tests.targets.factories import TargetFactory

pytestmark = pytest.mark.django_db


def _issued(official, number):
    report, _ = ConsolidatedReport.objects.get_or_create(
        kind="annual", year=2025, defaults={"subject": "Năm 2025"}
    )
    if report.gathered_at is None:
        jobs.job_run(job_id=services.consolidated_start(user=official, kind="annual", year=2025).pk)
    issued = services.consolidated_issue(
        report=report,
        user=official,
        issued_on=date(2026, 1, number),
        signer_authority="",
        signer_title="GIÁM ĐỐC",
        signer_name="Nguyễn Văn A",
        recipients="UBND tỉnh",
    )
    issued.pdf.save(f"x{number}.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return issued


def _delegations(agency, count):
    for _ in range(count):
        DelegationFactory(
            host_agency=agency,
            direction="outbound",
            state="done",
            planned_start=date(2026, 3, 2),
            planned_end=date(2026, 3, 3),
            actual_start=date(2026, 3, 2),
            actual_end=date(2026, 3, 3),
        )


NOW = datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@time_machine.travel(NOW, tick=False)
def test_leader_dashboard(client, leader, official, agency, period, django_assert_max_num_queries):
    _delegations(agency, 2)
    first = _issued(official, 5)
    TargetFactory(computed_partners=True)
    client.force_login(leader)
    # Session, user; the latest period, every count in one query, the targets, their
    # measurements and computed figures, the issued PDFs; the session saved (a savepoint in
    # the test's transaction).
    with django_assert_max_num_queries(11) as small:
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert 'data-testid="dashboard"' in page
    assert reverse("reports:issued_pdf", args=[first.pk]) in page
    assert first.document_number in page

    _delegations(agency, 20)
    for day in range(6, 12):
        _issued(official, day)
    TargetFactory.create_batch(3, computed_partners=True)
    clear_cache()  # the figures are kept for a minute
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("home"))
    assert response.context["dashboard"]["outbound"].delegations == 22
    assert len(response.context["dashboard"]["latest_issued"]) == 5


@time_machine.travel(NOW, tick=False)
def test_the_figures_are_kept_for_a_minute(client, leader, official, agency, period):
    _delegations(agency, 2)
    client.force_login(leader)
    client.get(reverse("home"))
    _delegations(agency, 1)
    # Within the minute: the same figures, without counting again, and the page says when
    # they were counted; the same for every leader.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert len(queries) <= 6  # session, user, the session saved
    assert response.context["dashboard"]["outbound"].delegations == 2
    assert re.search(r'data-testid="figures-as-of">[^<]*09:00', response.content.decode())
    client.force_login(UserFactory(leader=True, username="pho-giam-doc"))
    assert client.get(reverse("home")).context["dashboard"]["outbound"].delegations == 2
    with time_machine.travel(NOW + timedelta(seconds=CACHE_SECONDS + 1), tick=False):
        response = client.get(reverse("home"))
    assert response.context["dashboard"]["outbound"].delegations == 3


def test_a_reporter_home_is_counted_live(client, reporter, agency):
    AgreementFactory(lead_agency=agency)
    client.force_login(reporter)
    assert client.get(reverse("home")).context["in_force_count"] == 1
    AgreementFactory(lead_agency=agency)
    response = client.get(reverse("home"))
    assert response.context["in_force_count"] == 2
    assert 'data-testid="figures-as-of"' not in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_reporters_coverage_adds_the_shared_public_part_to_their_own(
    client, reporter, other_reporter, agency, other_agency
):
    """Public agreements (anyone's) are counted once for every reporter; their agency's
    others (led or coordinated) and nobody else's internal ones are counted per reporter."""
    from agreements.models import Agreement

    today = NOW.date()
    public = [AgreementFactory(lead_agency=other_agency) for _ in range(3)]
    review(public[0], 2026, "annual")
    own = AgreementFactory(lead_agency=agency, is_public=False)
    review(own, 2026, "annual")
    coordinated = AgreementFactory(lead_agency=other_agency, is_public=False)
    coordinated.coordinating_agencies.add(agency)
    AgreementFactory(lead_agency=other_agency, is_public=False)  # the other agency's only
    AgreementFactory(lead_agency=agency, state="expired")  # not in force

    for user, in_force, reviewed in ((reporter, 5, 2), (other_reporter, 5, 1)):
        figures = home_figures(user, today)
        assert figures.coverage == review_coverage(
            queryset=Agreement.objects.visible_to(user), today=today
        )
        assert (figures.coverage.in_force, figures.coverage.reviewed) == (in_force, reviewed)
        assert not figures.cached

    # The public part is kept: a change behind the ORM's back (no signal) is not counted
    # again until the counts are forgotten; the reporter's own part is counted every time.
    Agreement.objects.filter(pk=public[1].pk).update(state="expired")
    Agreement.objects.filter(pk=own.pk).update(state="expired")
    assert home_figures(other_reporter, today).coverage.in_force == 5
    assert home_figures(reporter, today).coverage.in_force == 4
    list_counts_forget()
    assert home_figures(other_reporter, today).coverage.in_force == 4
    assert home_figures(reporter, today).coverage.in_force == 3
    # A write is seen at once, in either part.
    AgreementFactory(lead_agency=other_agency)
    AgreementFactory(lead_agency=agency, is_public=False)
    assert home_figures(reporter, today).coverage.in_force == 5
    assert home_figures(other_reporter, today).coverage.in_force == 5


@time_machine.travel(NOW, tick=False)
def test_the_counted_figures_are_those_of_the_services(
    leader, official, agency, other_agency, period, head
):
    """Each figure counted together equals what its own app's function computes."""
    today = NOW.date()
    for index, partner in enumerate(PartnerFactory.create_batch(4)):
        partner.relation_status = ("new", "traditional", "new", "established")[index]
        partner.is_twinned = index == 0
        partner.save()
    for index in range(5):
        agreement = AgreementFactory(lead_agency=agency, end_on=date(2027, 1, 10 + index))
        if index % 2:
            review(agreement, 2026, "annual", reviewed_on=date(2026, 11, 1))
    for index in range(3):
        delegation = DelegationFactory(
            done=True,
            direction=("outbound", "inbound")[index % 2],
            planned_start=date(2026, 4, 1 + index),
            host_agency=agency,
        )
        MemberFactory.create_batch(index + 1, delegation=delegation)
    DelegationFactory(done=True, planned_start=date(2025, 4, 1))  # another year
    TargetFactory(computed_partners=True)
    TargetFactory()
    with time_machine.travel(datetime(2026, 6, 18, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        report = services.report_open(period=period, agency=agency, user=head)
        services.report_save_draft(report=report, user=head, sections={"relations": "Nội dung"})
        services.report_submit(report=report, user=head)

    figures = home_figures(leader, today, dashboard=True, partners=True)
    assert figures.coverage == review_coverage(today=today)
    assert figures.alert_counts == count_by_kind(alerts_for(leader, today))
    totals = delegation_totals(start=date(2026, 1, 1), end=today)
    assert (figures.dashboard["outbound"], figures.dashboard["inbound"]) == (
        totals["outbound"],
        totals["inbound"],
    )
    assert figures.dashboard["inbound"].people == 3  # the head and two members
    statuses = [s.status for s in target_states(Target.objects.all(), today)]
    assert figures.dashboard["targets_by_status"] == [
        (key, statuses.count(key)) for key in STATUS_LABELS
    ]
    reference = services.completeness(period=period, contacts=False)
    counted = figures.dashboard["completeness"]
    assert counted.period == period
    for name in ("expected", "submitted", "on_time", "late", "missing", "returned", "percent"):
        assert getattr(counted, name) == getattr(reference, name), name
    assert (counted.expected, counted.submitted, counted.on_time) == (2, 1, 1)
    partners = Partner.objects.all()
    assert figures.partners == {
        "count": partners.count(),
        "twinned": 1,
        **{s: partners.filter(relation_status=s).count() for s in Partner.RelationStatus.values},
    }
    assert figures.partners["new"] >= 2
