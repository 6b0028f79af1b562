"""Who may do what with targets, measurements, plans and tasks. Each predicate's docstring
lists its conditions; services and views both use them."""

from __future__ import annotations

from collections.abc import Iterable

from accounts import permissions as role

from .models import Target, Task


def can_enter_measurement(user, target: Target) -> bool:
    """Officials; a reporter of the target's owner agency. Computed targets are not typed."""
    if target.source == Target.Source.COMPUTED:
        return False
    return role.is_official(user) or (
        role.is_reporter(user) and user.agency_id == target.owner_agency_id
    )


def can_import_measurements(user, targets: Iterable[Target] | None = None) -> bool:
    """Officials; a reporter whose agency owns at least one target entered by hand.

    Each row of the file is then checked with ``can_enter_measurement``. ``targets``, when the
    caller has already loaded every target, answers without a query.
    """
    if role.is_official(user):
        return True
    if not role.is_reporter(user):
        return False
    if targets is not None:
        return any(
            t.owner_agency_id == user.agency_id and t.source == Target.Source.ENTERED
            for t in targets
        )
    return Target.objects.filter(
        owner_agency_id=user.agency_id, source=Target.Source.ENTERED
    ).exists()


def can_update_task(user, task: Task) -> bool:
    """Officials; a reporter of the task's lead agency."""
    return role.is_official(user) or (
        role.is_reporter(user) and user.agency_id == task.lead_agency_id
    )


def can_manage_plans(user) -> bool:
    """Officials: they enter the plans and their task-assignment tables."""
    return role.is_official(user)
