"""Excel exports of targets, measurements and tasks; the two-step import of measurements.

The generic pages of ``agreements.excel_views``, with an export of its own for the targets
workbook. Exports and the template: anyone signed in (everyone reads the targets and tasks).
Import: officials and the reporters of an agency that owns a target; each row is then checked
against the target it names.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from agreements.excel import _xlsx_response, export_workbook
from agreements.excel_views import ExcelViews

from .models import Target
from .permissions import can_import_measurements
from .resources import EXPORTS, IMPORTS, TARGETS_FILE_STEM, targets_workbook

EXCEL = ExcelViews(
    namespace="targets",
    resources=IMPORTS,
    titles={"measurements": gettext_lazy("Target measurements")},
    can_import=can_import_measurements,
    pending_prefix="targets.",
)


def export_view(request: HttpRequest, resource: str) -> HttpResponse:
    """Anyone signed in; the task list's filters (``mine``, ``overdue``) apply to tasks."""
    today = timezone.localdate()
    if resource == "targets":
        content, stem = targets_workbook(Target.objects.all(), today), TARGETS_FILE_STEM
    elif resource in EXPORTS:
        resource_class = EXPORTS[resource]
        queryset = resource_class.export_queryset(request.user, request.GET)
        content, stem = export_workbook(resource_class, queryset), resource_class.file_stem
    else:
        raise Http404
    return _xlsx_response(content, f"{stem}-{today:%Y-%m-%d}.xlsx")
