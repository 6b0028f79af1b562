"""Who may do what with targets, measurements, plans and tasks. Each predicate's docstring
lists its conditions; services and views both use them."""

from __future__ import annotations

from accounts import permissions as role

from .models import Target, Task


def can_enter_measurement(user, target: Target) -> bool:
    """Officials; a reporter of the target's owner agency. Computed targets are not typed."""
    if target.source == Target.Source.COMPUTED:
        return False
    return role.is_official(user) or (
        role.is_reporter(user) and user.agency_id == target.owner_agency_id
    )


def can_import_measurements(user) -> bool:
    """Officials; a reporter whose agency owns at least one target entered by hand.

    Each row of the file is then checked with ``can_enter_measurement``.
    """
    if role.is_official(user):
        return True
    return role.is_reporter(user) and (
        Target.objects.filter(owner_agency_id=user.agency_id, source=Target.Source.ENTERED).exists()
    )


def can_update_task(user, task: Task) -> bool:
    """Officials; a reporter of the task's lead agency."""
    return role.is_official(user) or (
        role.is_reporter(user) and user.agency_id == task.lead_agency_id
    )


def can_manage_plans(user) -> bool:
    """Officials: they enter the plans and their task-assignment tables."""
    return role.is_official(user)
