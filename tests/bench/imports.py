"""Excel import of agreements: the portal's import next to a default django-import-export
ModelResource, on the same rows, in the same run.

The workbook is built from the data's own partners, agencies and fields of cooperation, with
values both importers read as they are: choice codes (mou, province, in_force), real date
cells, 1/0 for yes/no, "; " between the names of several partners or agencies. The portal's
file has the template's Vietnamese headers; the default resource's copy differs only in its
header row, which names the model fields, and an empty "id" column first, as a default
ModelResource expects (it looks each row up by id: empty, so every row is new).

The default resource is what django-import-export gives with no code: Meta.model and
Meta.fields, and the stock ForeignKey/ManyToMany widgets told which column to look names up
by (a default resource otherwise expects primary keys). It saves row by row (history rows
come from django-simple-history's signals) and, by default, does not call full_clean().

Each import runs in a transaction that is rolled back afterwards, so the scale's database is
left as it was and both importers see the same registry.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import openpyxl
import tablib
from django.db import transaction
from django.utils import translation
from import_export import resources

from agreements.models import Agreement

from .table import Row, check_min

GOAL_ROWS_PER_S = 2000
GOAL_RATIO = 4
SERIES = "BENCH-IMPORT"

STATES = ["in_force", "expired", "in_force", "proposed", "in_force"]


COLUMNS = (
    "kind",
    "number",
    "title_vi",
    "title_en",
    "partners",
    "signing_level",
    "state",
    "signed_on",
    "signed_place",
    "languages",
    "signer_vn_name",
    "signer_vn_title",
    "signer_partner_name",
    "signer_partner_title",
    "effective_on",
    "end_on",
    "term_text",
    "auto_renewal",
    "fields",
    "lead_agency",
    "coordinating_agencies",
    "objectives",
    "evaluation_mechanism",
    "is_public",
    "notes",
)


class DefaultAgreementResource(resources.ModelResource):
    class Meta:
        model = Agreement
        fields = ("id", *COLUMNS)
        widgets = {
            "partners": {"field": "name_vi", "separator": ";"},
            "fields": {"field": "name", "separator": ";"},
            "lead_agency": {"field": "short_name"},
            "coordinating_agencies": {"field": "short_name", "separator": ";"},
        }


def _unique(values: list[str]) -> list[str]:
    seen = Counter(values)
    return [v for v in dict.fromkeys(values) if v and seen[v] == 1 and ";" not in v]


def references() -> tuple[list[str], list[str], list[str]]:
    """Partner names, agency short names and field names that name exactly one record."""
    from accounts.models import Agency
    from agreements.models import FieldOfCooperation
    from partners.models import Partner

    partners = _unique(list(Partner.objects.order_by("id").values_list("name_vi", flat=True)))
    agencies = _unique(list(Agency.objects.order_by("id").values_list("short_name", flat=True)))
    fields = _unique(list(FieldOfCooperation.objects.order_by("id").values_list("name", flat=True)))
    if not partners or not agencies:
        raise RuntimeError("the data has no partner or agency to import agreements with")
    return partners[:300], agencies[:200], fields[:10]


def build_rows(count: int) -> list[dict]:
    partners, agencies, fields = references()
    start = date(2006, 1, 1)
    rows = []
    for n in range(count):
        signed = start + timedelta(days=n % 7000)
        two_partners = dict.fromkeys([partners[n % len(partners)], partners[n * 7 % len(partners)]])
        rows.append(
            {
                "kind": "mou" if n % 3 else "programme",
                "number": f"{n + 1:05d}/{SERIES}",
                "title_vi": f"Biên bản ghi nhớ hợp tác về du lịch, văn hóa và giáo dục số {n + 1}",
                "title_en": f"Memorandum of understanding on cooperation no. {n + 1}",
                "partners": "; ".join(two_partners),
                "signing_level": "province" if n % 2 else "department",
                "state": STATES[n % len(STATES)],
                "signed_on": signed,
                "signed_place": "Tuyên Quang",
                "languages": "Tiếng Việt, tiếng Lào",
                "signer_vn_name": "Nguyễn Văn A",
                "signer_vn_title": "Phó Chủ tịch UBND tỉnh",
                "signer_partner_name": "Kim B",
                "signer_partner_title": "Thống đốc",
                "effective_on": signed + timedelta(days=15),
                "end_on": signed + timedelta(days=5 * 365),
                "term_text": "5 năm",
                "auto_renewal": 1 if n % 4 == 0 else 0,
                "fields": "; ".join(fields[n % len(fields) :][:2]) if fields else "",
                "lead_agency": agencies[n % len(agencies)],
                "coordinating_agencies": "; ".join(
                    dict.fromkeys(agencies[(n + k) % len(agencies)] for k in (1, 2))
                ),
                "objectives": "Tăng cường hợp tác, trao đổi đoàn, xúc tiến du lịch và giáo dục.",
                "evaluation_mechanism": "Đánh giá 6 tháng và hằng năm.",
                "is_public": 1,
                # Every cell filled: a default resource reads an empty cell as NULL.
                "notes": "Nhập từ tệp Excel",
            }
        )
    return rows


def workbook(rows: list[dict], headers: list[str], *, id_column: bool = False) -> bytes:
    """An .xlsx file of ``rows`` under ``headers`` (in the order of the rows' keys); with
    ``id_column``, an empty "id" column first, as a default resource reads and writes it."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Thỏa thuận")
    sheet.append(["id", *headers] if id_column else headers)
    for row in rows:
        sheet.append([None, *row.values()] if id_column else list(row.values()))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def portal_headers() -> list[str]:
    from agreements.resources import AgreementResource

    by_attribute = {f.attribute: f.column_name for f in AgreementResource.columns()}
    return [by_attribute[name] for name in COLUMNS]


class _Rollback(Exception):
    pass


def rolled_back(work: Callable[[], object]) -> tuple[object, float]:
    """(result, wall seconds) of ``work`` run in a transaction that is then rolled back."""
    result = None
    with transaction.atomic():
        start = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return result, elapsed


def import_rows(
    *, rows: int = 10_000, default_rows: int | None = None, log: Callable[[str], None] = print
) -> list[Row]:
    """``default_rows`` limits the default resource to the first rows of the same file (it
    imports row by row, at a steady rate: a shorter run gives the same rows/s sooner)."""
    from accounts.models import Role, User
    from agreements import excel
    from agreements.models import Agreement
    from agreements.resources import AgreementResource

    official = User.objects.filter(role=Role.OFFICIAL, is_active=True).order_by("id").first()
    data_rows = build_rows(rows)
    portal_file = workbook(data_rows, portal_headers())
    default_rows = min(default_rows or rows, rows)
    default_file = workbook(data_rows[:default_rows], list(COLUMNS), id_column=True)
    before = Agreement.objects.count()
    history_before = Agreement.history.count()

    def portal(dry_run: bool):
        def work():
            with translation.override("vi"):
                sheet = excel.read_xlsx(portal_file)
                report = excel.run_import(AgreementResource, sheet, user=official, dry_run=dry_run)
            if not report.ok:
                raise RuntimeError(f"the portal's import refused the file: {report.errors[:3]}")
            if not dry_run:
                if report.saved != rows or Agreement.objects.count() != before + rows:
                    raise RuntimeError("the portal's import did not save every row")
                if Agreement.history.count() < history_before + rows:
                    raise RuntimeError("the portal's import wrote no history")
            return report

        return work

    def default():
        dataset = tablib.Dataset().load(default_file, format="xlsx")
        result = DefaultAgreementResource().import_data(dataset, dry_run=False, raise_errors=True)
        if result.has_validation_errors() or result.totals["new"] != default_rows:
            raise RuntimeError(f"the default resource did not import every row: {result.totals}")
        if Agreement.objects.count() != before + default_rows:
            raise RuntimeError("the default resource did not save every row")
        return result

    _report, check_s = rolled_back(portal(dry_run=True))
    log(f"import: portal check (read + validate, nothing saved): {check_s:.2f} s")
    _report, portal_s = rolled_back(portal(dry_run=False))
    log(f"import: portal import (read + validate + write with history): {portal_s:.2f} s")
    _result, default_s = rolled_back(default)
    log(f"import: default ModelResource (read + import): {default_s:.2f} s")
    if Agreement.objects.count() != before:
        raise RuntimeError("the imports were not rolled back")

    portal_rate, default_rate = rows / portal_s, default_rows / default_s
    size = f"{len(portal_file) / 2**20:.1f} MB file"
    return [
        Row(
            "import",
            "portal: check (read + validate, nothing saved)",
            {"rows": rows, "seconds": check_s, "rows/s": rows / check_s},
            note=size,
        ),
        Row(
            "import",
            "portal: import (read + validate + write, history)",
            {"rows": rows, "seconds": portal_s, "rows/s": portal_rate},
            [check_min(f"≥ {GOAL_ROWS_PER_S:,} rows/s", portal_rate, GOAL_ROWS_PER_S)],
        ),
        Row(
            "import",
            "default ModelResource (same rows)"
            if default_rows == rows
            else f"default ModelResource (first {default_rows:,} of the same rows)",
            {"rows": default_rows, "seconds": default_s, "rows/s": default_rate},
            note="row by row, no full_clean (the defaults)",
        ),
        Row(
            "import",
            "ratio portal / default",
            {"ratio": portal_rate / default_rate},
            [check_min(f"≥ {GOAL_RATIO}x", portal_rate / default_rate, GOAL_RATIO)],
        ),
    ]
