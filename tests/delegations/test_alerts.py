from datetime import date

import pytest

from accounts.digest import collect
from delegations.alerts import digest_items
from delegations.models import Conference, Delegation

pytestmark = pytest.mark.django_db


def _delegation(agency, end, received=None):
    return Delegation.objects.create(
        direction="outbound",
        title=f"Đoàn {end}",
        purpose="trade",
        head_name="A",
        country="KR",
        planned_start=end,
        planned_end=end,
        actual_start=end,
        actual_end=end,
        host_agency=agency,
        state="done",
        report_received_on=received,
    )


def test_overdue_results_reports_in_the_digest(official, reporter, other_reporter, agency):
    late = _delegation(agency, date(2026, 5, 1))
    _delegation(agency, date(2026, 5, 1), received=date(2026, 5, 10))
    _delegation(agency, date(2026, 6, 10))  # due 25/06: not yet
    Conference.objects.create(
        title="Hội thảo",
        purpose="tourism",
        organiser=agency,
        start_on=date(2026, 5, 2),
        end_on=date(2026, 5, 3),
        place="Tuyên Quang",
        state="held",
    )
    today = date(2026, 6, 20)
    mine = digest_items(reporter, today)
    assert [item.url for item in mine][:1] == [late.get_absolute_url()]
    assert len(mine) == 2
    assert "16/05/2026" in mine[0].detail
    assert digest_items(other_reporter, today) == []
    assert len(digest_items(official, today)) == 2
    assert any(item.section == mine[0].section for item in collect(reporter, today))
