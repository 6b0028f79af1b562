"""Role predicates shared by every app.

Each predicate takes the request's user (possibly anonymous) and returns a bool. Apps build
their own object-level predicates (``can_edit_agreement`` …) on top of these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User


def _has_role(user: User | AnonymousUser, role: Role) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, "role", None) == role)


def is_official(user: User | AnonymousUser) -> bool:
    """A foreign-affairs official of the owning department: edits the registers."""
    return _has_role(user, Role.OFFICIAL)


def is_reporter(user: User | AnonymousUser) -> bool:
    """A reporter or head of an agency: their agency's outputs, reviews and reports."""
    return _has_role(user, Role.REPORTER)


def is_leader(user: User | AnonymousUser) -> bool:
    """A leader of the province or the department: reads everything, changes nothing."""
    return _has_role(user, Role.LEADER)


def is_administrator(user: User | AnonymousUser) -> bool:
    """An administrator (or a superuser): users, agencies, reference lists, periods."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (getattr(user, "role", None) == Role.ADMIN or user.is_superuser)
    )


def can_view_all_agencies(user: User | AnonymousUser) -> bool:
    """Officials, leaders and administrators see the directory of every agency.

    Reporters see only their own agency.
    """
    return is_official(user) or is_leader(user) or is_administrator(user)


def can_view_agency(user: User | AnonymousUser, agency) -> bool:
    """Anyone who sees all agencies, or a member of this agency."""
    if can_view_all_agencies(user):
        return True
    return bool(user.is_authenticated and user.agency_id == agency.pk)
