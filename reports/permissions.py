"""Who may do what with reports. Each predicate's docstring lists its conditions."""

from __future__ import annotations

from accounts import permissions as perms

from .models import AgencyReport


def can_manage_periods(user) -> bool:
    """Officials and administrators create periods and set deadlines and expected agencies."""
    return perms.is_official(user) or perms.is_administrator(user)


def can_view_completeness(user) -> bool:
    """Officials, leaders and administrators see which agencies have reported."""
    return perms.can_view_all_agencies(user)


def can_view_report(user, report: AgencyReport) -> bool:
    """Officials, leaders and administrators; and the members of the reporting agency."""
    if perms.can_view_all_agencies(user):
        return True
    return bool(user.is_authenticated and user.agency_id == report.agency_id)


def can_write_report(user, agency) -> bool:
    """A reporter (or head) of the agency writes its reports."""
    return perms.is_reporter(user) and user.agency_id == getattr(agency, "pk", None)


def can_edit_report(user, report: AgencyReport) -> bool:
    """A reporter of the agency, while the report is a draft or was returned for revision."""
    return can_write_report(user, report.agency) and report.is_editable


def can_submit_report(user, report: AgencyReport) -> bool:
    """The head of the agency, while the report is a draft or returned (heads sign it off)."""
    return can_edit_report(user, report) and bool(user.is_agency_head)


def can_decide_report(user, report: AgencyReport) -> bool:
    """An official of Sở Ngoại vụ returns or accepts a submitted report."""
    return perms.is_official(user) and report.state == AgencyReport.State.SUBMITTED


def can_view_job(user, job) -> bool:
    """An agency report's job: whoever may view that report; a consolidated report's job:
    whoever may read consolidated reports."""
    if job.agency_version_id:
        return can_view_report(user, job.agency_version.report)
    return can_view_consolidated(user)


def can_retry_job(user, job) -> bool:
    """An agency report's PDF: the agency's reporters and the officials; a consolidated
    report's job: the officials who prepare them."""
    if job.agency_version_id:
        return can_write_report(user, job.agency_version.report.agency) or perms.is_official(user)
    return can_edit_consolidated(user)


def can_view_consolidated(user) -> bool:
    """Officials, leaders and administrators read consolidated reports and issued PDFs."""
    return perms.can_view_all_agencies(user)


def can_edit_consolidated(user) -> bool:
    """Officials of Sở Ngoại vụ prepare, edit, regenerate and issue consolidated reports."""
    return perms.is_official(user)
