"""Excel (.xlsx) templates, exports and imports of partners, agreements and outputs.

Reading: the first sheet streamed by ``agreements.xlsx`` (openpyxl for the package and the
styles, ElementTree for the cells; bounded memory), after a check of the unpacked size against
zip bombs. Writing: openpyxl in write-only mode; any text that Excel could
take for a formula (= + - @, tab, CR) is written with a leading single quote.

Import is two steps. The upload is checked in full (a dry run) and the user sees every error
with its row and column. A file without errors is kept under MEDIA_ROOT/imports/ (outside the
web root) with a token in the session; "confirm" re-reads that stored file, re-checks it
against the database as it is now, and saves all rows or none in one transaction.
"""

from __future__ import annotations

import gc
import hashlib
import io
import logging
import re
import secrets
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import tablib
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from simple_history.models import HistoricalRecords

from partners.resources import PartnerResource

from .resources import (
    FORMULA_PREFIXES,
    AgreementResource,
    CellError,
    DateWidget,
    ExcelResource,
    OutputResource,
    cell_text,
    error_columns,
    key,
)
from .xlsx import NotAWorksheet, first_sheet_rows

logger = logging.getLogger(__name__)

RESOURCES: dict[str, type[ExcelResource]] = {
    "partners": PartnerResource,
    "agreements": AgreementResource,
    "outputs": OutputResource,
}
TITLES = {
    "partners": gettext_lazy("Partners"),
    "agreements": gettext_lazy("Agreements"),
    "outputs": gettext_lazy("Agreement outputs"),
}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 256  # the templates have at most 25; a stray cell in column XFD is ignored
EXCEL_MAX_ROWS = 1_048_576  # the last row of an Excel sheet
MAX_UNPACKED_BYTES = 250 * 1024 * 1024  # a "zip bomb" stops here, before any parsing
PENDING_TTL_SECONDS = 2 * 60 * 60
PENDING_MAX = 5
SESSION_KEY = "excel_imports"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
PREVIEW_ROWS = 10
MAX_SHOWN_ERRORS = 1000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"


class ExcelFileError(Exception):
    """The file cannot be read as the expected workbook; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _not_a_workbook() -> ExcelFileError:
    return ExcelFileError(
        _(
            "The file is not an Excel workbook (.xlsx) or it is damaged. Open it in Excel and "
            "save it as “Excel Workbook (*.xlsx)”."
        )
    )


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------
@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number in Excel, cell values)


def read_xlsx(data: bytes, *, max_rows: int | None = None) -> Sheet:
    """The first worksheet of an .xlsx file: its header row and its non-empty rows.

    Streamed (bounded memory, see ``agreements.xlsx``); a damaged or foreign file is one
    clear message for the user, never a server error.
    """
    max_rows = max_rows or MAX_ROWS
    if not data:
        raise ExcelFileError(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise ExcelFileError(
            _(
                "This is an old Excel 97–2003 file (.xls) or a password-protected workbook. "
                "Open it in Excel and save it as “Excel Workbook (*.xlsx)” without a password."
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # A "zip bomb" stops here, before any parsing.
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ExcelFileError(_("The workbook is too large once unpacked."))
    except ExcelFileError:
        raise
    except Exception:  # BadZipFile, and NotImplementedError for a damaged version field…
        raise _not_a_workbook() from None
    rows = first_sheet_rows(data, max_columns=MAX_COLUMNS)
    try:
        # The cells are parsed into short-lived objects by the hundred thousand: the cyclic
        # collector would otherwise walk every row read so far, over and over.
        with _no_cyclic_gc():
            return _read_rows(rows, max_rows)
    except NotAWorksheet:
        raise ExcelFileError(_("The first sheet of the workbook is not a worksheet.")) from None
    except ExcelFileError:
        raise
    except Exception as error:  # any damage in the package is the same answer for the user
        logger.info("Unreadable xlsx upload: %r", error)
        raise _not_a_workbook() from error
    finally:
        rows.close()


def _read_rows(rows: Iterator[tuple[int, list]], max_rows: int) -> Sheet:
    # The size a file declares (<dimension>) is not trusted: a wrong one, as some programs
    # write, would cut rows off without a word. The rows actually in the sheet are read.
    found = _filled_rows(rows)
    try:
        _header_row, values = next(found)
    except StopIteration:
        raise ExcelFileError(_("The first sheet of the workbook is empty.")) from None
    headers = [cell_text(v) if not isinstance(v, CellError) else "" for v in values]
    sheet_rows: list[tuple[int, list]] = []
    for row_number, values in found:
        if len(sheet_rows) >= max_rows:
            raise ExcelFileError(
                _("The sheet has more than %(max)s rows; split it into several files.")
                % {"max": f"{max_rows:,}".replace(",", ".")}
            )
        sheet_rows.append((row_number, values))
    return Sheet(headers=headers, rows=sheet_rows)


def _filled_rows(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    """(row number, values) of the rows that hold something.

    Each row is read MAX_COLUMNS cells wide at most: a stray cell in column XFD would
    otherwise make it 16,384 cells wide (and a file of such rows very slow to read).
    """
    for row_number, values in rows:
        if row_number > EXCEL_MAX_ROWS:  # Excel cannot write such a row: a forged file
            raise _not_a_workbook()
        while values and values[-1] is None:
            values.pop()
        if any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
            yield row_number, values


# ---------------------------------------------------------------------------
# Importing
# ---------------------------------------------------------------------------
@dataclass
class RowError:
    row: int | None
    column: str
    message: str


@dataclass
class ImportReport:
    total: int = 0
    saved: int = 0
    errors: list[RowError] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def map_headers(resource_class: type[ExcelResource], headers: list[str]) -> list[str | None]:
    """The template column each file column is (None: an unnamed column, ignored)."""
    expected = {key(name): name for name in resource_class.headers()}
    mapped: list[str | None] = []
    unknown, repeated = [], []
    for header in headers:
        if not header:
            mapped.append(None)
            continue
        column = expected.get(key(header))
        if column is None:
            unknown.append(header)
        elif column in mapped:
            repeated.append(header)
        mapped.append(column)
    missing = [name for name in resource_class.required_headers() if name not in mapped]
    if unknown or repeated or missing:
        problems = [_("The columns do not match the template.")]
        if missing:
            problems.append(_("Missing columns: %(names)s.") % {"names": _quoted(missing)})
        if unknown:
            problems.append(_("Unknown columns: %(names)s.") % {"names": _quoted(unknown)})
        if repeated:
            problems.append(_("Repeated columns: %(names)s.") % {"names": _quoted(repeated)})
        problems.append(_("Download the template to see the expected columns."))
        raise ExcelFileError(" ".join(problems))
    return mapped


def _quoted(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


@contextmanager
def history_user(user) -> Iterator[None]:
    """History rows written by services record ``user`` even outside a web request."""
    context = HistoricalRecords.context
    if getattr(context, "request", None) is not None:
        yield
        return
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del context.request


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Tens of thousands of live model instances make every cyclic collection walk them all;
    reference counting still frees memory meanwhile, and the import lasts seconds."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_import(
    resource_class: type[ExcelResource], sheet: Sheet, *, user, dry_run: bool
) -> ImportReport:
    """Check (and unless ``dry_run``, save) every row; all rows are saved or none."""
    columns = map_headers(resource_class, sheet.headers)
    if not sheet.rows:
        raise ExcelFileError(_("The sheet has no rows under the header row."))
    kept = [index for index, column in enumerate(columns) if column]
    width = len(columns)
    dataset = tablib.Dataset(headers=[columns[index] for index in kept])
    for _row, values in sheet.rows:
        values = (values + [None] * width)[:width]
        dataset.append([values[index] for index in kept])
    resource = resource_class(user=user, excel_rows=[number for number, _values in sheet.rows])
    with history_user(user), _no_cyclic_gc():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            raise_errors=False,
        )
    report = ImportReport(total=len(sheet.rows), headers=dataset.headers)
    order = {name: index for index, name in enumerate(resource_class.headers())}
    for error in result.base_errors:
        logger.error("Excel import failed", exc_info=error.error)
        report.errors.append(RowError(None, "", _("The import failed; nothing was saved.")))
    for error_row in result.error_rows:
        for error in error_row.errors:
            logger.error("Excel import row failed", exc_info=error.error)
        report.errors.append(
            RowError(
                resource.excel_row(error_row.number),
                "",
                _("This row could not be processed; check its values."),
            )
        )
    for invalid in result.invalid_rows:
        row = resource.excel_row(invalid.number)
        for column, message in error_columns(resource, invalid.error_dict):
            report.errors.append(RowError(row, column, message))
    report.errors.sort(key=lambda e: (e.row or 0, order.get(e.column, -1)))
    if not report.errors and not dry_run:
        report.saved = len(resource.saved)
    report.preview = [
        [_display(value) for value in dataset[index]]
        for index in range(min(PREVIEW_ROWS, len(dataset)))
    ]
    return report


def _display(value) -> str:
    if isinstance(value, datetime | date):
        return DateWidget().render(value)
    try:
        return cell_text(value)
    except ValueError:
        return str(value)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
def neutralise(value):
    """Text that Excel would run as a formula gets a leading quote; illegal characters go."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
REQUIRED_FILL = PatternFill("solid", fgColor="9C2A00")


def _add_sheet(workbook, title: str, headers: list[str], rows, *, required=(), text_columns=()):
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, min(48, len(header) + 6))
        if header in text_columns:
            # Typed dates stay text, whatever the computer's regional settings.
            sheet.column_dimensions[letter].number_format = "@"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if header in required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    return sheet


def _date_columns(resource_class: type[ExcelResource]) -> set[str]:
    return {f.column_name for f in resource_class.columns() if isinstance(f.widget, DateWidget)}


def export_workbook(resource_class: type[ExcelResource], queryset) -> bytes:
    """The rows of ``queryset`` under the template's headers, values in Vietnamese."""
    workbook = Workbook(write_only=True)
    with translation.override("vi"):
        dataset = resource_class().export(queryset=queryset)
        _add_sheet(
            workbook,
            resource_class.sheet_title,
            dataset.headers,
            dataset,
            required=resource_class.required_headers(),
            text_columns=_date_columns(resource_class),
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook(resource_class: type[ExcelResource]) -> bytes:
    """An empty sheet with the headers, and a sheet that explains every column."""
    workbook = Workbook(write_only=True)
    required = resource_class.required_headers()
    _add_sheet(
        workbook,
        resource_class.sheet_title,
        resource_class.headers(),
        [],
        required=required,
        text_columns=_date_columns(resource_class),
    )
    guide = [
        [
            f.column_name,
            _("Required") if f.column_name in required else _("Optional"),
            f.widget.describe(),
        ]
        for f in resource_class.columns()
    ]
    notes = [
        [],
        [_("Notes")],
        [_("Keep the header row as it is; fill one record per row from row 2.")],
        [
            _("At most %(rows)s rows and %(size)s MB per file.")
            % {"rows": f"{MAX_ROWS:,}".replace(",", "."), "size": MAX_UPLOAD_BYTES // 2**20}
        ],
        [_("Nothing is saved until you confirm, and then all rows are saved or none.")],
    ]
    _add_sheet(workbook, "Hướng dẫn", ["Cột", "Bắt buộc", "Cách điền"], [*guide, *notes])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------
# Pending imports: the checked file, kept until it is confirmed.
# ---------------------------------------------------------------------------
def _imports_dir() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "imports"
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _purge_stale_files(directory: Path) -> None:
    cutoff = time.time() - PENDING_TTL_SECONDS
    for path in directory.glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _pending(request: HttpRequest) -> dict:
    return dict(request.session.get(SESSION_KEY, {}))


def store_pending(request: HttpRequest, resource: str, data: bytes, filename: str) -> str:
    directory = _imports_dir()
    _purge_stale_files(directory)
    token = secrets.token_urlsafe(24)
    path = directory / f"{token}.xlsx"
    path.write_bytes(data)
    path.chmod(0o600)
    pending = _pending(request)
    for old in sorted(pending, key=lambda t: pending[t]["at"])[
        : max(0, len(pending) - PENDING_MAX + 1)
    ]:
        _discard(pending, old)
    pending[token] = {
        "resource": resource,
        "name": filename,
        "sha256": hashlib.sha256(data).hexdigest(),
        "user": request.user.pk,
        "at": time.time(),
    }
    request.session[SESSION_KEY] = pending
    return token


def _discard(pending: dict, token: str) -> None:
    pending.pop(token, None)
    if TOKEN_RE.match(token):
        (Path(settings.MEDIA_ROOT) / "imports" / f"{token}.xlsx").unlink(missing_ok=True)


def load_pending(request: HttpRequest, resource: str, token: str) -> tuple[bytes, str] | None:
    """The stored file of a pending import of this user, unchanged since it was checked."""
    entry = _pending(request).get(token) if TOKEN_RE.match(token or "") else None
    if (
        not entry
        or entry["resource"] != resource
        or entry["user"] != request.user.pk
        or time.time() - entry["at"] > PENDING_TTL_SECONDS
    ):
        return None
    try:
        data = (Path(settings.MEDIA_ROOT) / "imports" / f"{token}.xlsx").read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        logger.warning("Pending import %s changed on disk; refused", token)
        return None
    return data, entry["name"]


def forget_pending(request: HttpRequest, token: str) -> None:
    pending = _pending(request)
    _discard(pending, token)
    request.session[SESSION_KEY] = pending


# ---------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------
class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        allow_empty_file=True,
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx," + XLSX_CONTENT_TYPE,
                "class": "form-control",
            }
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // 2**20}
            )
        if not uploaded.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel workbook (.xlsx)."))
        return uploaded
