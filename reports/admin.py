"""Administrators manage reporting periods in the portal (/reports/periods/…) and read the
rest here; reports are written through the portal, where the services apply the workflow."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AgencyReport, ConsolidatedReport, IssuedReport, ReportingPeriod, ReportJob


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "year", "kind", "deadline"]
    list_filter = ["kind"]


@admin.register(AgencyReport)
class AgencyReportAdmin(ReadOnlyAdmin):
    list_display = ["agency", "period", "state", "first_submitted_at", "submitted_at"]
    list_filter = ["state", "period"]
    list_select_related = ["agency", "period"]
    search_fields = ["agency__name", "agency__short_name"]


@admin.register(ConsolidatedReport)
class ConsolidatedReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "year", "gathered_at"]


@admin.register(IssuedReport)
class IssuedReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "report", "version", "issued_on", "signer_name", "issued_at"]
    list_select_related = ["report"]


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "requested_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ReportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
