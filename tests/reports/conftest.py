from __future__ import annotations

from datetime import date

import pytest

from reports import services
from reports.periods import PeriodKind
from tests.factories import UserFactory


@pytest.fixture
def period(agency, other_agency):
    """The 6-month period of 2026 (data 15/12/2025 → 14/06/2026), due 19/06/2026."""
    return services.period_save(
        user=None,
        year=2026,
        kind=PeriodKind.SEMIANNUAL,
        deadline=date(2026, 6, 19),
        expected_agencies=[agency, other_agency],
    )


@pytest.fixture
def head(agency):
    return UserFactory(agency=agency, is_agency_head=True, username="giamdoc", email="gd@x.vn")
