"""Reporting periods (Decree 09/2019/NĐ-CP art. 12).

A 6-month report covers 15/12 of the previous year to 14/06; an annual report covers
15/12 of the previous year to 14/12. Reviews, KPIs and reports all use these ranges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    SEMIANNUAL = "semiannual", _("6-month")
    ANNUAL = "annual", _("Annual")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str

    @property
    def start(self) -> date:
        return date(self.year - 1, 12, 15)

    @property
    def end(self) -> date:
        return (
            date(self.year, 6, 14)
            if self.kind == PeriodKind.SEMIANNUAL
            else date(self.year, 12, 14)
        )

    @property
    def label(self) -> str:
        return f"{PeriodKind(self.kind).label} {self.year}"

    def __str__(self) -> str:
        return self.label

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        if self.kind == PeriodKind.ANNUAL:
            return Period(self.year, PeriodKind.SEMIANNUAL)
        return Period(self.year - 1, PeriodKind.ANNUAL)


def current_period(today: date) -> Period:
    """The period whose report the given day's data will go into.

    15/12/Y-1 … 14/06/Y → the 6-month report of Y; 15/06/Y … 14/12/Y → the annual report
    of Y (which covers the whole year); from 15/12/Y on → the 6-month report of Y+1.
    """
    if today >= date(today.year, 12, 15):
        return Period(today.year + 1, PeriodKind.SEMIANNUAL)
    if today <= date(today.year, 6, 14):
        return Period(today.year, PeriodKind.SEMIANNUAL)
    return Period(today.year, PeriodKind.ANNUAL)
