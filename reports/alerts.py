"""Reminders for agency reports, delivered through the daily digest (one message per person
and day, see ``accounts.digest``).

- 7 days and 1 day before the deadline (and on the day itself), the agency's reporters are
  reminded while their report is not submitted;
- after the deadline, the reminder escalates to the agency's head, every day until the report
  is submitted; officials see the list of late agencies in their digest.
A returned report reminds its reporters every day until it is resubmitted.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import permissions as perms
from accounts.digest import DigestItem

from .models import AgencyReport, ReportingPeriod

REMIND_DAYS_BEFORE = (7, 1, 0)


def _open_periods(today: date):
    return ReportingPeriod.objects.open_on(today)


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def agency_items(user, today: date) -> list[DigestItem]:
    """The reporter's (or head's) reminders for their own agency."""
    if not user.agency_id:
        return []
    items = []
    periods = _open_periods(today).filter(expected_agencies=user.agency_id)
    reports = {
        r.period_id: r
        for r in AgencyReport.objects.filter(agency_id=user.agency_id, period__in=periods)
    }
    for period in periods:
        report = reports.get(period.pk)
        url = report.get_absolute_url() if report else reverse("reports:index")
        if report and report.state == AgencyReport.State.RETURNED:
            items.append(
                DigestItem(
                    section=_("Report returned for revision"),
                    title=str(period),
                    detail=_("Revise and submit it again."),
                    url=url,
                    due_on=period.deadline,
                    severity="warning",
                    order=5,
                )
            )
            continue
        if report and report.first_submitted_at:
            continue
        days_left = (period.deadline - today).days
        if days_left in REMIND_DAYS_BEFORE:
            items.append(
                DigestItem(
                    section=_("Report due soon"),
                    title=str(period),
                    detail=_("Due on %(date)s.") % {"date": _dmy(period.deadline)},
                    url=url,
                    due_on=period.deadline,
                    severity="warning",
                    order=5,
                )
            )
        elif days_left < 0 and user.is_agency_head:
            items.append(
                DigestItem(
                    section=_("Report overdue"),
                    title=str(period),
                    detail=_("Was due on %(date)s; your agency has not submitted it.")
                    % {"date": _dmy(period.deadline)},
                    url=url,
                    due_on=period.deadline,
                    severity="danger",
                    order=4,
                )
            )
    return items


def official_items(today: date) -> list[DigestItem]:
    """For officials: each period past its deadline with agencies still missing."""
    from .services import completeness_counts

    items = []
    for period in _open_periods(today).filter(deadline__lt=today):
        missing = completeness_counts(period=period).missing
        if missing:
            items.append(
                DigestItem(
                    section=_("Agencies late with their report"),
                    title=str(period),
                    detail=_("%(count)s agencies have not submitted (due on %(date)s).")
                    % {"count": missing, "date": _dmy(period.deadline)},
                    url=period.get_absolute_url() + "?status=missing",
                    due_on=period.deadline,
                    severity="danger",
                    order=4,
                )
            )
    return items


def digest_items(user, today: date) -> list[DigestItem]:
    if perms.is_official(user):
        return official_items(today)
    if perms.is_reporter(user):
        return agency_items(user, today)
    return []
