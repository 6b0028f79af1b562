"""Who may do what with delegations and conferences."""

from __future__ import annotations

from accounts import permissions as perms


def can_propose(user) -> bool:
    """Officials, and agency reporters (for their own agency)."""
    return perms.is_official(user) or (perms.is_reporter(user) and bool(user.agency_id))


def _own(user, agency_id: int) -> bool:
    return perms.is_reporter(user) and user.agency_id == agency_id


def can_edit_delegation(user, delegation) -> bool:
    """Officials always; the host agency's reporter while it is still proposed."""
    if perms.is_official(user):
        return True
    return _own(user, delegation.host_agency_id) and delegation.state == "proposed"


def can_decide(user) -> bool:
    """Approve, postpone, cancel: officials only."""
    return perms.is_official(user)


def can_record_results(user, delegation) -> bool:
    """Officials; the host agency's reporter once the delegation is approved or done."""
    if perms.is_official(user):
        return True
    return _own(user, delegation.host_agency_id) and delegation.state in {"approved", "done"}


def can_edit_conference(user, conference) -> bool:
    if perms.is_official(user):
        return True
    return _own(user, conference.organiser_id) and conference.state == "proposed"


def can_record_conference_results(user, conference) -> bool:
    if perms.is_official(user):
        return True
    return _own(user, conference.organiser_id) and conference.state in {"approved", "held"}


def can_manage_plans(user) -> bool:
    return perms.is_official(user)
