from decimal import Decimal

import pytest
from django.utils import translation

from accounts.templatetags.portal import number


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (Decimal("27.50"), "27,5", "27.5"),
        (Decimal("100.00"), "100", "100"),
        (Decimal("15000"), "15.000", "15,000"),
        (12.25, "12,25", "12.25"),
        (None, "", ""),
        ("n/a", "n/a", "n/a"),
    ],
)
def test_number(value, vi, en):
    with translation.override("vi"):
        assert number(value) == vi
    with translation.override("en"):
        assert number(value) == en
