"""The delegation state and results-report badges, written in Python: a list prints one of
each per row, and a template include costs several times as much as the tag."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop

register = template.Library()

STATE_CLASSES = {
    "done": "text-bg-success",
    "approved": "text-bg-primary",
    "postponed": "text-bg-warning",
    "cancelled": "text-bg-dark",
}
REPORT_BADGES = {
    "received": ("text-bg-success", gettext_noop("report received")),
    "overdue": ("text-bg-danger", gettext_noop("report overdue")),
    "due": ("text-bg-warning", gettext_noop("report due")),
}


@register.simple_tag
def state_badge(state: str, label: str) -> SafeString:
    """``<span class="badge …" data-testid="delegation-state">label</span>``, coloured by
    state (proposed and any other state: secondary)."""
    return format_html(
        '<span class="badge {}" data-testid="delegation-state">{}</span>',
        STATE_CLASSES.get(state, "text-bg-secondary"),
        label,
    )


@register.simple_tag
def report_badge(report: str | None) -> SafeString:
    """The results report's status (``Delegation.report_status``): received, overdue or
    due; nothing when no report is expected."""
    if report not in REPORT_BADGES:
        return SafeString("")
    css, text = REPORT_BADGES[report]
    return format_html(
        '<span class="badge {}" data-testid="report-status">{}</span>', css, gettext(text)
    )
