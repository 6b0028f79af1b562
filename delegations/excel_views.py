"""Excel templates, exports and imports of plan items, delegations and conferences.

Thin views over the generic machinery of ``agreements.excel`` (reading, checking, the pending
file kept until confirmation, writing): only the resources, the titles, the URLs and the
permission differ. Import: officials only; export and templates: anyone signed in.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as perms
from agreements.excel import (
    MAX_ROWS,
    MAX_SHOWN_ERRORS,
    MAX_UPLOAD_BYTES,
    ExcelFileError,
    ImportForm,
    ImportReport,
    _xlsx_response,
    export_workbook,
    forget_pending,
    load_pending,
    read_xlsx,
    run_import,
    store_pending,
    template_workbook,
)
from agreements.resources import ExcelResource

from .resources import RESOURCES

TITLES = {
    "plans": gettext_lazy("Planned delegations"),
    "delegations": gettext_lazy("Delegations"),
    "conferences": gettext_lazy("International conferences"),
}
# The pending-import slot in the session is shared with the agreements' imports.
PENDING_PREFIX = "delegations."


def _resource(name: str) -> type[ExcelResource]:
    try:
        return RESOURCES[name]
    except KeyError:
        raise Http404 from None


def _check_can_import(request: HttpRequest) -> None:
    if not perms.is_official(request.user):
        raise PermissionDenied


@require_GET
def export_view(request: HttpRequest, resource: str) -> HttpResponse:
    """Anyone signed in; the list page's filters (year, direction, state…) apply."""
    resource_class = _resource(resource)
    queryset = resource_class.export_queryset(request.user, request.GET)
    content = export_workbook(resource_class, queryset)
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    return _xlsx_response(content, f"{resource_class.file_stem}-{stamp}.xlsx")


@require_GET
def template_view(request: HttpRequest, resource: str) -> HttpResponse:
    resource_class = _resource(resource)
    return _xlsx_response(
        template_workbook(resource_class), f"mau-nhap-{resource_class.file_stem}.xlsx"
    )


def _context(resource: str, **kwargs) -> dict:
    return {
        "resource": resource,
        "resource_title": TITLES[resource],
        "list_url": reverse(RESOURCES[resource].list_url),
        "import_url": reverse("delegations:excel_import", args=[resource]),
        "confirm_url": reverse("delegations:excel_import_confirm", args=[resource]),
        "template_url": reverse("delegations:excel_template", args=[resource]),
        "max_rows": f"{MAX_ROWS:,}".replace(",", "."),
        "max_megabytes": MAX_UPLOAD_BYTES // 2**20,
        **kwargs,
    }


def _preview(request, resource: str, report: ImportReport, filename: str, token: str | None):
    return render(
        request,
        "excel/preview.html",
        _context(
            resource,
            report=report,
            errors=report.errors[:MAX_SHOWN_ERRORS],
            hidden_errors=max(0, len(report.errors) - MAX_SHOWN_ERRORS),
            filename=filename,
            token=token,
        ),
    )


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, resource: str) -> HttpResponse:
    """Upload a file and see every error, or a preview and the confirm button."""
    resource_class = _resource(resource)
    _check_can_import(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        data = uploaded.read()
        try:
            report = run_import(resource_class, read_xlsx(data), user=request.user, dry_run=True)
        except ExcelFileError as error:
            form.add_error("file", error.message)
        else:
            token = (
                store_pending(request, PENDING_PREFIX + resource, data, uploaded.name)
                if report.ok
                else None
            )
            return _preview(request, resource, report, uploaded.name, token)
    return render(request, "excel/import.html", _context(resource, form=form))


@require_POST
def import_confirm_view(request: HttpRequest, resource: str) -> HttpResponse:
    """Save a checked file: the stored copy, checked again; all rows or none."""
    resource_class = _resource(resource)
    _check_can_import(request)
    token = request.POST.get("token", "")
    stored = load_pending(request, PENDING_PREFIX + resource, token)
    if stored is None:
        messages.error(
            request, _("This import has expired or was already done. Upload the file again.")
        )
        return redirect("delegations:excel_import", resource=resource)
    data, filename = stored
    try:
        report = run_import(resource_class, read_xlsx(data), user=request.user, dry_run=False)
    except ExcelFileError as error:
        forget_pending(request, token)
        messages.error(request, error.message)
        return redirect("delegations:excel_import", resource=resource)
    forget_pending(request, token)
    if not report.ok:
        # The database changed since the check: nothing was saved.
        return _preview(request, resource, report, filename, None)
    messages.success(
        request,
        _("%(count)s rows of “%(file)s” were imported.")
        % {"count": report.saved, "file": filename},
    )
    return redirect(resource_class.list_url)
