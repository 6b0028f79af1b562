"""The Excel pages of a register: export, import template, and the two-step import (check and
preview, then confirm), over the machinery of ``agreements.excel``.

Each app that imports or exports declares one ``ExcelViews`` with its resources, titles, URL
namespace and import permission, and includes ``urlpatterns()`` under "excel/":

    EXCEL = ExcelViews(namespace="delegations", resources=RESOURCES, titles=TITLES,
                       can_import=perms.is_official)
    urlpatterns = EXCEL.urlpatterns()

URLs: ``<resource>/export/``, ``<resource>/template/``, ``<resource>/import/`` and
``<resource>/import/confirm/``; an unknown resource is a 404, a user who may not import gets a
403 on the import pages. Exports and templates are for anyone signed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .excel import (
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
from .resources import ExcelResource

ExportView = Callable[[HttpRequest, str], HttpResponse]


@dataclass(frozen=True)
class ExcelViews:
    namespace: str  # the URL namespace the patterns are included in
    resources: Mapping[str, type[ExcelResource]]  # importable (and exportable) resources
    titles: Mapping[str, str]
    can_import: Callable[..., bool]  # (user) -> bool
    # The pending-import slot in the session is shared by every app's imports.
    pending_prefix: str = ""

    def resource(self, name: str) -> type[ExcelResource]:
        try:
            return self.resources[name]
        except KeyError:
            raise Http404 from None

    def _check_can_import(self, request: HttpRequest) -> None:
        if not self.can_import(request.user):
            raise PermissionDenied

    def _url(self, name: str, resource: str) -> str:
        return reverse(f"{self.namespace}:{name}", args=[resource])

    def export_view(self, request: HttpRequest, resource: str) -> HttpResponse:
        """Anyone signed in; the resource limits the rows to what the user may see and
        applies the list page's filters."""
        resource_class = self.resource(resource)
        queryset = resource_class.export_queryset(request.user, request.GET)
        content = export_workbook(resource_class, queryset)
        stamp = timezone.localdate().strftime("%Y-%m-%d")
        return _xlsx_response(content, f"{resource_class.file_stem}-{stamp}.xlsx")

    def template_view(self, request: HttpRequest, resource: str) -> HttpResponse:
        resource_class = self.resource(resource)
        return _xlsx_response(
            template_workbook(resource_class), f"mau-nhap-{resource_class.file_stem}.xlsx"
        )

    def _context(self, resource: str, **kwargs) -> dict:
        return {
            "resource": resource,
            "resource_title": self.titles[resource],
            "list_url": reverse(self.resources[resource].list_url),
            "import_url": self._url("excel_import", resource),
            "confirm_url": self._url("excel_import_confirm", resource),
            "template_url": self._url("excel_template", resource),
            "max_rows": f"{MAX_ROWS:,}".replace(",", "."),  # 20.000, as Vietnamese writes it
            "max_megabytes": MAX_UPLOAD_BYTES // 2**20,
            **kwargs,
        }

    def _preview(
        self, request, resource: str, report: ImportReport, filename: str, token: str | None
    ) -> HttpResponse:
        return render(
            request,
            "excel/preview.html",
            self._context(
                resource,
                report=report,
                errors=report.errors[:MAX_SHOWN_ERRORS],
                hidden_errors=max(0, len(report.errors) - MAX_SHOWN_ERRORS),
                filename=filename,
                token=token,
            ),
        )

    def import_view(self, request: HttpRequest, resource: str) -> HttpResponse:
        """Upload a file and see every error, or a preview and the confirm button."""
        resource_class = self.resource(resource)
        self._check_can_import(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            uploaded = form.cleaned_data["file"]
            data = uploaded.read()
            try:
                report = run_import(
                    resource_class, read_xlsx(data), user=request.user, dry_run=True
                )
            except ExcelFileError as error:
                form.add_error("file", error.message)
            else:
                key = self.pending_prefix + resource
                token = store_pending(request, key, data, uploaded.name) if report.ok else None
                return self._preview(request, resource, report, uploaded.name, token)
        return render(request, "excel/import.html", self._context(resource, form=form))

    def import_confirm_view(self, request: HttpRequest, resource: str) -> HttpResponse:
        """Save a checked file: the stored copy, checked again; all rows or none."""
        resource_class = self.resource(resource)
        self._check_can_import(request)
        token = request.POST.get("token", "")
        stored = load_pending(request, self.pending_prefix + resource, token)
        if stored is None:
            messages.error(
                request, _("This import has expired or was already done. Upload the file again.")
            )
            return redirect(f"{self.namespace}:excel_import", resource=resource)
        data, filename = stored
        try:
            report = run_import(resource_class, read_xlsx(data), user=request.user, dry_run=False)
        except ExcelFileError as error:
            forget_pending(request, token)
            messages.error(request, error.message)
            return redirect(f"{self.namespace}:excel_import", resource=resource)
        forget_pending(request, token)
        if not report.ok:
            # The database (or the user's rights) changed since the check: nothing was saved.
            return self._preview(request, resource, report, filename, None)
        message = _("%(count)s rows of “%(file)s” were imported.") % {
            "count": report.saved,
            "file": filename,
        }
        if report.saved < report.total:
            # Resources may leave rows equal to what is recorded alone.
            message += " " + _("%(count)s rows were unchanged.") % {
                "count": report.total - report.saved
            }
        messages.success(request, message)
        return redirect(resource_class.list_url)

    def urlpatterns(self, export_view: ExportView | None = None) -> list:
        """The four URL patterns; ``export_view`` replaces the generic export."""
        return [
            path(
                "<str:resource>/export/",
                require_GET(export_view or self.export_view),
                name="excel_export",
            ),
            path(
                "<str:resource>/template/", require_GET(self.template_view), name="excel_template"
            ),
            path(
                "<str:resource>/import/",
                require_http_methods(["GET", "POST"])(self.import_view),
                name="excel_import",
            ),
            path(
                "<str:resource>/import/confirm/",
                require_POST(self.import_confirm_view),
                name="excel_import_confirm",
            ),
        ]
