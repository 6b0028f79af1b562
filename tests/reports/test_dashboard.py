"""The leaders' dashboard on the home page: delegations of the year, targets by status,
completeness of the latest round, latest issued PDFs; in a fixed number of queries."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from reports import jobs, services
from reports.models import ConsolidatedReport
from tests.delegations.factories import DelegationFactory

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


@time_machine.travel(datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
def test_leader_dashboard(client, leader, official, agency, period, django_assert_max_num_queries):
    _delegations(agency, 2)
    first = _issued(official, 5)
    client.force_login(leader)
    with django_assert_max_num_queries(21) as small:
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert 'data-testid="dashboard"' in page
    assert reverse("reports:issued_pdf", args=[first.pk]) in page
    assert first.document_number in page

    _delegations(agency, 20)
    for day in range(6, 12):
        _issued(official, day)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("home"))
    assert response.context["dashboard"]["outbound"].delegations == 22
    assert len(response.context["dashboard"]["latest_issued"]) == 5
