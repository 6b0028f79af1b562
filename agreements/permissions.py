"""Who may see and change what in the agreements registry."""

from __future__ import annotations

from collections.abc import Iterable

from accounts import permissions as perms
from accounts.models import Agency

from .models import Agreement, Output


def can_view_agreement(
    user, agreement: Agreement, *, coordinating: Iterable[Agency] | None = None
) -> bool:
    """Officials, leaders and administrators: every agreement. An agency reporter: public
    agreements, and the ones their agency leads or coordinates.

    ``coordinating``: the agreement's coordinating agencies, when the caller has already
    loaded them (no query then).
    """
    if perms.is_official(user) or perms.is_leader(user) or perms.is_administrator(user):
        return True
    if not perms.is_reporter(user) or not user.agency_id:
        return False
    if agreement.is_public or agreement.lead_agency_id == user.agency_id:
        return True
    if coordinating is not None:
        return any(agency.pk == user.agency_id for agency in coordinating)
    return agreement.coordinating_agencies.filter(pk=user.agency_id).exists()


def can_edit_agreement(user, agreement: Agreement | None = None) -> bool:
    """Only foreign-affairs officials create and edit agreements, their events and files."""
    return perms.is_official(user)


def can_update_output(user, output: Output) -> bool:
    """Officials; or a reporter of the output's responsible agency (progress only)."""
    if perms.is_official(user):
        return True
    return perms.is_reporter(user) and output.responsible_agency_id == user.agency_id


def can_record_review(user, agreement: Agreement) -> bool:
    """Officials; or a reporter of the agreement's lead agency."""
    if perms.is_official(user):
        return True
    return perms.is_reporter(user) and agreement.lead_agency_id == user.agency_id


def can_manage_reference_lists(user) -> bool:
    """Fields of cooperation and the evaluation criteria: officials and administrators."""
    return perms.is_official(user) or perms.is_administrator(user)
