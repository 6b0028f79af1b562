"""Overdue tasks of the plans' task-assignment tables: the daily digest and the task list.

A task is overdue from the day after its deadline (the deadline is the last day it may be done
on: 31/03/2026 for "within March 2026") for as long as it is not done; a task without a dated
deadline ("every 6 months", "regularly") never is. Officials follow every agency's tasks; a
reporter follows the tasks their agency leads (the lead agency answers for a task, not the
coordinating ones). Everything takes ``today``, never the clock.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import permissions as perms
from accounts.digest import DigestItem

from .models import Task, TaskQuerySet

# After the agreements' overdue items (0-6) and the delegations' results reports (15).
DIGEST_ORDER = 20


def overdue_tasks(user, today: date) -> TaskQuerySet:
    """The overdue tasks the user is to chase: all for officials, their agency's (as lead
    agency) for a reporter, none for anyone else."""
    tasks = Task.objects.overdue(today)
    if perms.is_official(user):
        return tasks
    if perms.is_reporter(user) and user.agency_id:
        return tasks.filter(lead_agency_id=user.agency_id)
    return tasks.none()


def overdue_list_url(user) -> str:
    """The task list filtered to the tasks ``overdue_tasks`` counts for the user."""
    query = {"overdue": "1"}
    if not perms.is_official(user):
        query["mine"] = "1"
    return f"{reverse('targets:task_list')}?{urlencode(query)}"


def digest_items(user, today: date) -> list[DigestItem]:
    section = _("Assigned task overdue")
    section_url = overdue_list_url(user)
    tasks = (
        overdue_tasks(user, today)
        .select_related("plan", "lead_agency")
        .order_by("deadline", "plan", "order", "pk")
    )
    items = []
    for task in tasks:
        days = (today - task.deadline).days
        detail = ngettext(
            "Deadline %(date)s, %(days)s day ago (plan %(plan)s).",
            "Deadline %(date)s, %(days)s days ago (plan %(plan)s).",
            days,
        ) % {"date": task.deadline.strftime("%d/%m/%Y"), "days": days, "plan": task.plan.number}
        items.append(
            DigestItem(
                section=section,
                title=f"{task} ({task.lead_agency.short_name})",
                detail=detail,
                url=reverse("targets:task_progress", args=[task.pk]),
                due_on=task.deadline,
                severity="danger",
                order=DIGEST_ORDER,
                section_url=section_url,
            )
        )
    return items
