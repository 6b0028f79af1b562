"""Overdue results reports of delegations and conferences, for the daily digest."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from accounts import permissions as perms
from accounts.digest import DigestItem

from .models import REPORT_DAYS, Conference, Delegation


def overdue_reports(user, today: date) -> tuple[list[Delegation], list[Conference]]:
    """Officials see all overdue reports; a reporter sees their own agency's."""
    delegations = Delegation.objects.report_overdue(today).select_related("host_agency")
    conferences = Conference.objects.report_overdue(today).select_related("organiser")
    if not perms.is_official(user):
        delegations = delegations.filter(host_agency_id=user.agency_id)
        conferences = conferences.filter(organiser_id=user.agency_id)
    return list(delegations.order_by("actual_end")), list(conferences.order_by("end_on"))


def _item(record, agency, end: date, section: str) -> DigestItem:
    due = end + timedelta(days=REPORT_DAYS)
    return DigestItem(
        section=section,
        title=f"{record.title} ({agency.short_name})",
        detail=_("Results report was due on %(date)s.") % {"date": due.strftime("%d/%m/%Y")},
        url=record.get_absolute_url(),
        due_on=due,
        severity="danger",
        order=15,
    )


def digest_items(user, today: date) -> list[DigestItem]:
    if not (perms.is_official(user) or perms.is_reporter(user)):
        return []
    delegations, conferences = overdue_reports(user, today)
    section = _("Results report overdue")
    return [_item(d, d.host_agency, d.end, section) for d in delegations] + [
        _item(c, c.organiser, c.end_on, section) for c in conferences
    ]
