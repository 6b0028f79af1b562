"""Alerts on the agreements registry: what needs doing on a given day.

Seven kinds: agreements ending within 90/60/30 days, reviews due in the current reporting
period or missing for the previous one, outputs past their due date, legal notices (15 days
after signing or after a change, Decree 64/2021) due or overdue, and agreements with neither an
update nor a review for 12 months. The alerts page and the daily e-mail digest both read them
from here.

Every computation takes ``today`` (never the clock), runs a fixed number of queries (one per
kind) whatever the size of the registry, and is scoped to the user who will read it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts import permissions as perms
from accounts.counting import count_each
from accounts.digest import DigestItem
from reports.periods import Period, current_period

from .models import Agreement, AgreementQuerySet, LegalNotice, Output, OutputQuerySet, Review

EXPIRY_BANDS: tuple[int, ...] = (30, 60, 90)
STALE_MONTHS = 12
# Outputs of agreements that have ended are no longer chased.
ENDED_STATES = (Agreement.State.EXPIRED, Agreement.State.TERMINATED)


class AlertKind(models.TextChoices):
    """In the order the alerts are listed: what is already late first."""

    NOTICE_OVERDUE = "notice_overdue", _("Legal notice overdue")
    REVIEW_OVERDUE = "review_overdue", _("Review overdue")
    OUTPUT_PAST_DUE = "output_past_due", _("Output past due")
    EXPIRING = "expiring", _("Ending soon")
    NOTICE_DUE = "notice_due", _("Legal notice due")
    REVIEW_DUE = "review_due", _("Review due")
    STALE = "stale", _("No update for 12 months")


KIND_ORDER: dict[str, int] = {kind: rank for rank, kind in enumerate(AlertKind.values)}
SEVERITY: dict[str, str] = {
    AlertKind.NOTICE_OVERDUE: "danger",
    AlertKind.REVIEW_OVERDUE: "danger",
    AlertKind.OUTPUT_PAST_DUE: "danger",
    AlertKind.EXPIRING: "warning",
    AlertKind.NOTICE_DUE: "warning",
    AlertKind.REVIEW_DUE: "info",
    AlertKind.STALE: "secondary",
}


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Alert:
    """One thing to do about one agreement (or one of its outputs or notices)."""

    kind: str
    agreement: Agreement
    url: str
    on: date  # the date that matters: end date, due date, end of period, last update
    today: date
    subject: str = ""  # the output's description or the notice's kind, when there is one
    period_label: str = ""
    band: int | None = None  # for EXPIRING: 30, 60 or 90
    agency: str = ""  # who is to act: the output's responsible agency, else the lead agency

    def __post_init__(self) -> None:
        if not self.agency:
            object.__setattr__(self, "agency", self.agreement.lead_agency.name)

    @property
    def kind_label(self) -> str:
        return str(AlertKind(self.kind).label)

    @property
    def severity(self) -> str:
        if self.kind == AlertKind.EXPIRING and self.band == EXPIRY_BANDS[0]:
            return "danger"
        return SEVERITY[self.kind]

    @property
    def days(self) -> int:
        """Days from today to ``on``: negative when late."""
        return (self.on - self.today).days

    @property
    def sort_key(self) -> tuple:
        return (KIND_ORDER[self.kind], self.on, self.agreement.pk, self.url)

    @property
    def band_label(self) -> str:
        if self.band is None:
            return ""
        return gettext("≤ %(days)s days") % {"days": self.band}

    @property
    def message(self) -> str:
        """A sentence for the reader, translated in the active language."""
        values = {
            "date": _dmy(self.on),
            "subject": self.subject,
            "period": self.period_label,
            "days": abs(self.days),
        }
        if self.kind == AlertKind.EXPIRING:
            if self.days == 0:
                return gettext("Ends today (%(date)s).") % values
            return (
                ngettext(
                    "Ends on %(date)s, in %(days)s day.",
                    "Ends on %(date)s, in %(days)s days.",
                    values["days"],
                )
                % values
            )
        if self.kind == AlertKind.REVIEW_DUE:
            return gettext("No review yet for %(period)s (the period ends on %(date)s).") % values
        if self.kind == AlertKind.REVIEW_OVERDUE:
            return gettext("No review for %(period)s, which ended on %(date)s.") % values
        if self.kind == AlertKind.OUTPUT_PAST_DUE:
            return (
                ngettext(
                    "Output “%(subject)s” was due on %(date)s (%(days)s day late).",
                    "Output “%(subject)s” was due on %(date)s (%(days)s days late).",
                    values["days"],
                )
                % values
            )
        if self.kind == AlertKind.NOTICE_DUE:
            return gettext("%(subject)s: due by %(date)s.") % values
        if self.kind == AlertKind.NOTICE_OVERDUE:
            return (
                ngettext(
                    "%(subject)s: was due on %(date)s (%(days)s day late).",
                    "%(subject)s: was due on %(date)s (%(days)s days late).",
                    values["days"],
                )
                % values
            )
        return gettext("No update or review since %(date)s.") % values


# --------------------------------------------------------------------------------------------
# Scope: whose alerts a user reads.
# --------------------------------------------------------------------------------------------
def sees_all_alerts(user) -> bool:
    """Officials, leaders and administrators read every alert."""
    return perms.is_official(user) or perms.is_leader(user) or perms.is_administrator(user)


def agreements_in_scope(user) -> AgreementQuerySet:
    """Everything for those who see all; for an agency reporter, the agreements visible to
    them that their agency leads; nothing for anyone else."""
    if sees_all_alerts(user):
        return Agreement.objects.all()
    if perms.is_reporter(user) and user.agency_id:
        return Agreement.objects.visible_to(user).filter(lead_agency_id=user.agency_id)
    return Agreement.objects.none()


def outputs_in_scope(user) -> OutputQuerySet:
    """The outputs of the agreements in scope, plus (for a reporter) the outputs assigned to
    their agency on agreements they can open."""
    if sees_all_alerts(user):
        return Output.objects.all()
    if perms.is_reporter(user) and user.agency_id:
        # The two sets apart, joined by UNION: each is read through an index (the agency's
        # outputs; the outputs of its agreements), where an OR across the two tables made
        # PostgreSQL scan every output (130 ms instead of 17 at national scale).
        mine = Output.objects.filter(responsible_agency_id=user.agency_id).order_by()
        of_led = Output.objects.filter(agreement__lead_agency_id=user.agency_id).order_by()
        return Output.objects.visible_to(user).filter(
            pk__in=mine.values("pk").union(of_led.values("pk"))
        )
    return Output.objects.none()


# --------------------------------------------------------------------------------------------
# One function per kind: one query each.
# --------------------------------------------------------------------------------------------
def expiring_alerts(agreements: AgreementQuerySet, today: date) -> list[Alert]:
    """In force, ending between today and today + 90 days, in bands of 30/60/90 days.
    Agreements renewed automatically do not end, so they are left out."""
    rows = (
        agreements.expiring(today, within=EXPIRY_BANDS[-1])
        .exclude(auto_renewal=True)
        .select_related("lead_agency")
    )
    alerts = []
    for agreement in rows:
        days = agreement.days_to_end(today)
        band = next(b for b in EXPIRY_BANDS if days <= b)
        alerts.append(
            Alert(
                AlertKind.EXPIRING,
                agreement,
                agreement.get_absolute_url(),
                agreement.end_on,
                today,
                band=band,
            )
        )
    return alerts


def _review_rows(agreements: AgreementQuerySet, today: date) -> AgreementQuerySet:
    """The in-force agreements with a review alert, annotated ``is_overdue``."""
    period = current_period(today)
    previous = period.previous()

    def reviewed(p: Period) -> Exists:
        reviews = Review.objects.filter(
            agreement_id=OuterRef("pk"), period_year=p.year, period_kind=p.kind
        )
        return Exists(reviews)

    started = Coalesce("effective_on", "signed_on")
    overdue = Q(reviewed_before=False) & (Q(started__isnull=True) | Q(started__lte=previous.end))
    return (
        agreements.in_force()
        .annotate(
            reviewed_now=reviewed(period), reviewed_before=reviewed(previous), started=started
        )
        .annotate(is_overdue=models.ExpressionWrapper(overdue, output_field=models.BooleanField()))
        .filter(Q(is_overdue=True) | Q(reviewed_now=False))
    )


def review_alerts(agreements: AgreementQuerySet, today: date) -> list[Alert]:
    """In-force agreements: overdue when the previous period has no review (and the agreement
    was in force before that period ended); otherwise due when the current period has none.
    At most one review alert per agreement."""
    period = current_period(today)
    previous = period.previous()
    rows = _review_rows(agreements, today).select_related("lead_agency")
    alerts = []
    for agreement in rows:
        if agreement.is_overdue:
            alerts.append(
                Alert(
                    AlertKind.REVIEW_OVERDUE,
                    agreement,
                    f"{agreement.get_absolute_url()}#reviews",
                    previous.end,
                    today,
                    period_label=previous.label,
                )
            )
        else:
            alerts.append(
                Alert(
                    AlertKind.REVIEW_DUE,
                    agreement,
                    f"{agreement.get_absolute_url()}#reviews",
                    period.end,
                    today,
                    period_label=period.label,
                )
            )
    return alerts


def output_alerts(outputs: OutputQuerySet, today: date) -> list[Alert]:
    """Outputs past their due date, not achieved nor cancelled, on agreements still running."""
    rows = (
        outputs.past_due(today)
        .exclude(agreement__state__in=ENDED_STATES)
        .select_related("agreement__lead_agency", "responsible_agency")
    )
    return [
        Alert(
            AlertKind.OUTPUT_PAST_DUE,
            output.agreement,
            output.get_absolute_url(),
            output.due_on,
            today,
            subject=output.description,
            agency=output.responsible_agency.name,
        )
        for output in rows
    ]


def notice_alerts(agreements: AgreementQuerySet, today: date) -> list[Alert]:
    """Legal notices not yet sent: due while their 15 days run, overdue after."""
    rows = (
        LegalNotice.objects.pending()
        .filter(agreement__in=agreements)
        .select_related("agreement__lead_agency")
    )
    alerts = []
    for notice in rows:
        kind = (
            AlertKind.NOTICE_OVERDUE if notice.status(today) == "overdue" else AlertKind.NOTICE_DUE
        )
        alerts.append(
            Alert(
                kind,
                notice.agreement,
                f"{notice.agreement.get_absolute_url()}#notices",
                notice.due_on,
                today,
                subject=str(notice.get_kind_display()),
            )
        )
    return alerts


def stale_alerts(agreements: AgreementQuerySet, today: date) -> list[Alert]:
    """In force, with neither an edit nor a review for 12 months."""
    rows = agreements.stale(today, months=STALE_MONTHS).select_related("lead_agency")
    return [
        Alert(
            AlertKind.STALE,
            agreement,
            agreement.get_absolute_url(),
            timezone.localtime(agreement.updated_at).date(),
            today,
        )
        for agreement in rows
    ]


def alerts_for(user, today: date, kinds: Iterable[str] | None = None) -> list[Alert]:
    """The user's alerts on ``today``, late ones first. ``kinds`` limits the computation."""
    wanted = set(kinds) if kinds is not None else set(AlertKind.values)
    agreements = agreements_in_scope(user)
    alerts: list[Alert] = []
    if AlertKind.EXPIRING in wanted:
        alerts += expiring_alerts(agreements, today)
    if wanted & {AlertKind.REVIEW_DUE, AlertKind.REVIEW_OVERDUE}:
        alerts += review_alerts(agreements, today)
    if AlertKind.OUTPUT_PAST_DUE in wanted:
        alerts += output_alerts(outputs_in_scope(user), today)
    if wanted & {AlertKind.NOTICE_DUE, AlertKind.NOTICE_OVERDUE}:
        alerts += notice_alerts(agreements, today)
    if AlertKind.STALE in wanted:
        alerts += stale_alerts(agreements, today)
    return sorted((a for a in alerts if a.kind in wanted), key=lambda a: a.sort_key)


def count_by_kind(alerts: Iterable[Alert]) -> dict[str, int]:
    counts = Counter(alert.kind for alert in alerts)
    return {kind: counts.get(kind, 0) for kind in AlertKind.values}


def alert_querysets(user, today: date) -> dict[str, QuerySet | tuple[QuerySet, Q]]:
    """The rows behind each kind of the user's alerts: the filters of ``alerts_for``, not yet
    run, so that a page can count them (``accounts.counting.count_each``) together with its
    other figures. Kinds drawn from the same rows (overdue or due) are a pair
    ``(rows, condition)``, counted in one pass."""
    agreements = agreements_in_scope(user)
    reviews = _review_rows(agreements, today)
    notices = LegalNotice.objects.pending().filter(agreement__in=agreements)
    counted = {
        AlertKind.NOTICE_OVERDUE: (notices, Q(due_on__lt=today)),
        AlertKind.REVIEW_OVERDUE: (reviews, Q(is_overdue=True)),
        AlertKind.OUTPUT_PAST_DUE: outputs_in_scope(user)
        .past_due(today)
        .exclude(agreement__state__in=ENDED_STATES),
        AlertKind.EXPIRING: agreements.expiring(today, within=EXPIRY_BANDS[-1]).exclude(
            auto_renewal=True
        ),
        AlertKind.NOTICE_DUE: (notices, Q(due_on__gte=today)),
        AlertKind.REVIEW_DUE: (reviews, Q(is_overdue=False)),
        AlertKind.STALE: agreements.stale(today, months=STALE_MONTHS),
    }
    return {kind: counted[kind] for kind in AlertKind.values}


def alert_counts(user, today: date) -> dict[str, int]:
    """How many alerts of each kind the user has: ``count_by_kind(alerts_for(user, today))``
    counted in the database (one query for every kind) without loading the rows."""
    return count_each(alert_querysets(user, today))


def alert_count(user, today: date) -> int:
    """How many alerts the user has (for a home-page card)."""
    return len(alerts_for(user, today))


# --------------------------------------------------------------------------------------------
# The daily digest's source (registered in accounts.digest).
# --------------------------------------------------------------------------------------------
def digest_items(user, today: date) -> list[DigestItem]:
    """The digest carries work to do: everything for an official, the agency's own alerts for
    a reporter. Leaders and administrators change nothing and get no agreement reminders."""
    if not (perms.is_official(user) or perms.is_reporter(user)):
        return []
    page = reverse("agreements:alerts")
    return [
        DigestItem(
            section=alert.kind_label,
            title=str(alert.agreement),
            detail=alert.message,
            url=alert.url,
            due_on=alert.on,
            severity=alert.severity,
            order=KIND_ORDER[alert.kind],
            section_url=f"{page}?kind={alert.kind}",
        )
        for alert in alerts_for(user, today)
    ]
