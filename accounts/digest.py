"""The daily e-mail digest: one message per user and day listing what they have to do.

Apps contribute items through *sources*: callables ``(user, today) -> list[DigestItem]``
named by dotted path in ``settings.DIGEST_SOURCES`` (``DEFAULT_SOURCES`` when the setting is
absent). The agreements registry is the first source (``agreements.alerts.digest_items``);
delegations and reports add theirs to the list.

A digest is sent at most once per user and day: ``digest_send`` creates the ``DigestLog`` row
(unique on user and day) in the same transaction as the sending, so a duplicated or retried
task finds the row and sends nothing, and a failed send rolls the row back for the retry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import ngettext

from .models import DigestLog, Role, User

DIGEST_LANGUAGE = "vi"
DEFAULT_SOURCES: tuple[str, ...] = ("agreements.alerts.digest_items",)
# An official may have hundreds of reviews due: the e-mail lists the first ones of each section
# and links to the page with the rest.
MAX_PER_SECTION = 25


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest. Texts are already translated; ``url`` is a path on the portal."""

    section: str  # the heading it is listed under, e.g. "Legal notice overdue"
    title: str  # the record, e.g. the agreement's number and title
    detail: str  # what is to be done, with its date
    url: str
    due_on: date | None = None
    severity: str = "info"  # a Bootstrap contextual name: danger, warning, info, secondary
    order: int = 100  # sections with a lower order come first
    section_url: str = ""  # a page listing the whole section, linked when it is cut short


DigestSource = Callable[[User, date], list[DigestItem]]


def sources() -> list[DigestSource]:
    return [import_string(path) for path in getattr(settings, "DIGEST_SOURCES", DEFAULT_SOURCES)]


def recipients():
    """Active users who may have work to do and an address to receive it: officials (who get
    everything) and the reporters of active agencies (who get their agency's items)."""
    return (
        User.objects.filter(is_active=True, role__in=[Role.OFFICIAL, Role.REPORTER])
        .exclude(email="")
        .filter(agency__is_active=True)
        .order_by("pk")
    )


def collect(user: User, today: date) -> list[DigestItem]:
    """Every source's items for the user, grouped by section (in section order)."""
    items: list[DigestItem] = []
    for source in sources():
        items += source(user, today)
    return sorted(items, key=lambda i: (i.order, i.section, i.due_on or date.max, i.title))


def absolute_url(path: str) -> str:
    base = settings.PORTAL.get("BASE_URL", "").rstrip("/")
    return f"{base}{path}"


def build_message(user: User, today: date, items: list[DigestItem]) -> EmailMultiAlternatives:
    """Subject, plain text and HTML, in the active language."""
    department = settings.PORTAL["DEPARTMENT_NAME"]
    count = len(items)
    subject = ngettext(
        "[%(department)s] Daily reminders for %(date)s: %(count)s item to handle",
        "[%(department)s] Daily reminders for %(date)s: %(count)s items to handle",
        count,
    ) % {"department": department, "date": today.strftime("%d/%m/%Y"), "count": count}
    sections = []
    for title, group in groupby(items, key=lambda i: i.section):
        group = list(group)
        shown = group[:MAX_PER_SECTION]
        sections.append(
            {
                "title": title,
                "count": len(group),
                "items": [{"item": i, "link": absolute_url(i.url)} for i in shown],
                "more": len(group) - len(shown),
                "more_link": absolute_url(group[0].section_url or "/"),
            }
        )
    context = {
        "user": user,
        "today": today,
        "count": count,
        "sections": sections,
        "portal": settings.PORTAL,
        "home_url": absolute_url("/"),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string("email/digest.html", context), "text/html")
    return message


def digest_send(*, user: User, today: date) -> DigestLog | None:
    """Send the user's digest for ``today`` unless they have nothing or already got it.

    Returns the log row of the digest sent, or None when nothing was sent.
    """
    with translation.override(DIGEST_LANGUAGE):
        items = collect(user, today)
        if not items or not user.email:
            return None
        message = build_message(user, today, items)
    with transaction.atomic():
        log, created = DigestLog.objects.get_or_create(
            user=user, sent_on=today, defaults={"item_count": len(items)}
        )
        if not created:
            return None
        # Sending inside the transaction: if it fails, the log row goes too and a retry sends.
        message.send()
    return log
