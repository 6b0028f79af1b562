"""Benchmark: import 10,000 agreements from an .xlsx file (not collected by pytest).

    .venv/bin/python tests/agreements/bench_import.py [--rows 10000] [--no-default]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import \
        .venv/bin/python tests/agreements/bench_import.py

It creates a throw-away test database (as the test suite does), 300 partners and 160 agencies,
writes a realistic workbook, then times the two steps an official goes through: the check
(read + validate every row, nothing saved) and the confirmation (read + validate again +
write with history, notices and many-to-many rows). It prints rows per second.

Then, for comparison, django-import-export's default way: a plain ``ModelResource`` for
Agreement reads the same rows (the same workbook under the model's field names, with other
agreement numbers) with import-export's own XLSX reader and saves them with
``import_data(dry_run=False)`` and its defaults: row by row, ``save()`` with its history
signal, many-to-many ``set()``, a diff per row. Its Meta only says how to read what it cannot
guess: dates as dd/mm/yyyy, agencies, partners and fields of cooperation by name, lists split
on ";"; it leaves out the notes column (empty, which it cannot read). It checks nothing the
database does not (a choice label is stored as it is written), keeps no search text and opens
no notice: less work than the portal's import does. It runs first, on the empty registry, in
a transaction rolled back afterwards.

The machine is shared: compare the CPU columns. "CPU s" is this process (SQLite works inside
it); "DB CPU s" is the PostgreSQL backend serving it, read from /proc when the server runs on
this machine; "rows/s" after it is for the two together.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

import openpyxl  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import translation  # noqa: E402

COUNTRIES = ["LA", "CN", "KR", "JP", "DE", "PH", "RU", "AU"]
STATES = ["Còn hiệu lực", "in_force", "Đã ký", "proposed", "expired"]


def build_workbook(
    rows: int, partners: list[str], agencies: list[str], series: str, *, field_names=False
) -> bytes:
    """The portal's template filled in; with ``field_names``, headed with the model's field
    names instead (what a default ModelResource expects)."""
    from agreements.resources import AgreementResource

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Thỏa thuận")
    columns = AgreementResource.columns()
    sheet.append([f.attribute if field_names else f.column_name for f in columns])
    start = date(2006, 1, 1)
    for n in range(rows):
        signed = start + timedelta(days=n % 7000)
        sheet.append(
            [
                "mou" if n % 3 else "Chương trình hợp tác",
                f"{n + 1:05d}/{series}-UBND",
                f"Biên bản ghi nhớ hợp tác về du lịch, văn hóa và giáo dục số {n + 1}",
                f"Memorandum of understanding on cooperation no. {n + 1}",
                "; ".join({partners[n % len(partners)], partners[(n * 7) % len(partners)]}),
                "province" if n % 2 else "department",
                STATES[n % len(STATES)],
                signed.strftime("%d/%m/%Y"),
                "Tuyên Quang",
                "Tiếng Việt, tiếng Lào",
                "Nguyễn Văn A",
                "Phó Chủ tịch UBND tỉnh",
                "Kim B",
                "Thống đốc",
                (signed + timedelta(days=15)).strftime("%d/%m/%Y"),
                (signed + timedelta(days=5 * 365)).strftime("%d/%m/%Y"),
                "5 năm",
                "Có" if n % 4 == 0 else "Không",
                "Du lịch; Văn hóa, thể thao",
                agencies[n % len(agencies)],
                "; ".join([agencies[(n + 1) % len(agencies)], agencies[(n + 2) % len(agencies)]]),
                "Tăng cường hợp tác, trao đổi đoàn, xúc tiến du lịch và giáo dục.",
                "Đánh giá 6 tháng và hằng năm.",
                "Có",
                "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


INLINE_CELL = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="inlineStr"><is><t(?: xml:space="preserve")?>'
    rb"(.*?)</t></is></c>",
    re.S,
)


def as_excel_saves_it(data: bytes) -> bytes:
    """The same workbook with a shared-strings table, as Excel and LibreOffice write it
    (openpyxl writes every text inline, which makes a file about twice as large to parse)."""
    strings: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        index = strings.setdefault(match.group(3), len(strings))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2) or b"", index)

    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content = INLINE_CELL.sub(shared, content)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdSST" Target="sharedStrings.xml" Type="http://schemas.'
                    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                    b"</Relationships>",
                )
            elif info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            target.writestr(info, content)
        items = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
        target.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'count="%d" uniqueCount="%d">%s</sst>' % (len(strings), len(strings), items),
        )
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--no-default", action="store_true", help="skip the default ModelResource (slow)"
    )
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.rows, default=not args.no_default)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(rows: int, *, default: bool = True) -> None:
    from accounts.models import Agency, Role, User
    from agreements import excel
    from agreements.models import Agreement, LegalNotice
    from partners.models import Partner

    agencies = [Agency(name="Sở Ngoại vụ", short_name="SNgV")]
    agencies += [Agency(name=f"Sở thử nghiệm {n}", short_name=f"S{n:03d}") for n in range(159)]
    Agency.objects.bulk_create(agencies)
    owner = Agency.objects.get(short_name="SNgV")
    user = User.objects.create_user(
        username="bench", password="x", role=Role.OFFICIAL, agency=owner
    )
    for n in range(300):
        Partner(
            name_vi=f"Đối tác thử nghiệm {n}",
            country=COUNTRIES[n % len(COUNTRIES)],
            kind=Partner.Kind.PROVINCE_STATE,
        ).save()
    partner_names = list(Partner.objects.values_list("name_vi", flat=True))
    agency_names = [a.short_name for a in agencies]

    started = time.perf_counter()
    excel_file = as_excel_saves_it(build_workbook(rows, partner_names, agency_names, "BGN"))
    # Other numbers: this second file is imported into a registry that already has the first.
    openpyxl_file = build_workbook(rows, partner_names, agency_names, "TTQT")
    default_file = as_excel_saves_it(
        build_workbook(rows, partner_names, agency_names, "MR", field_names=True)
    )
    elapsed = time.perf_counter() - started
    print(f"workbook: {rows} rows ({elapsed:.1f} s to generate)")
    print(f"database: {connection.vendor}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(
        f"{'step':<52}{'wall s':>7}{'rows/s':>8}{'CPU s':>7}{'rows/s':>8}"
        f"{'DB CPU s':>9}{'rows/s':>8}"
    )
    if default:
        print(f"default ModelResource, same rows (field names as headers) — {mb(default_file)}")
        baseline = measure_default(default_file, rows)
    print(f"file as Excel saves it (shared strings) — {mb(excel_file)}")
    confirm = measure(excel, user, excel_file, rows)
    print(f"file as openpyxl writes it (inline strings) — {mb(openpyxl_file)}")
    measure(excel, user, openpyxl_file, rows)
    print(
        f"agreements: {Agreement.objects.count()}, notices opened: {LegalNotice.objects.count()}, "
        f"history rows: {Agreement.history.count()}"
    )
    if default:
        ratios = [
            f"{what} {b / c:.1f} times"
            for what, b, c in zip(
                ("wall", "CPU", "CPU with the database's"), baseline, confirm, strict=True
            )
            if b is not None and c
        ]
        print("the default ModelResource takes, against the confirm step: " + ", ".join(ratios))
    print(f"load at the end: {os.getloadavg()[0]:.1f}")


def mb(data: bytes) -> str:
    return f"{len(data) / 2**20:.1f} MB"


def measure(excel, user, data: bytes, rows: int) -> Timing:
    """The check and the confirmation as the views run them, each from the file's bytes."""
    from agreements.models import Agreement

    resource = excel.AgreementResource
    with translation.override("vi"):
        sheet, read = timed(lambda: excel.read_xlsx(data))
        report, validate = timed(lambda: excel.run_import(resource, sheet, user=user, dry_run=True))
        assert report.ok, report.errors[:5]
        sheet, read_again = timed(lambda: excel.read_xlsx(data))
        report, write = timed(lambda: excel.run_import(resource, sheet, user=user, dry_run=False))
        assert report.ok and report.saved == rows == len(sheet.rows), report.errors[:5]
    assert Agreement.history.filter(history_user=user).count() >= rows
    confirm = read_again + write
    show(
        rows,
        [
            ("  check: read the sheet", read),
            ("         validate every row (nothing saved)", validate),
            ("         together", read + validate),
            ("  confirm: read the stored sheet again", read_again),
            ("           validate again + write with history", write),
            ("           together", confirm),
        ],
    )
    return confirm


def measure_default(data: bytes, rows: int) -> Timing:
    """django-import-export's defaults on the same rows, rolled back afterwards."""
    from django.db import transaction
    from import_export.formats.base_formats import XLSX
    from import_export.resources import ModelResource

    from agreements.models import Agreement

    class DefaultAgreementResource(ModelResource):
        class Meta:
            model = Agreement
            # The default import id, absent from the file (every row is new), and the columns
            # but "notes": empty in every row, and an empty cell is None for a TextField by
            # default, which its NOT NULL column refuses.
            fields = ("id", *(f.attribute for f in excel_columns() if f.attribute != "notes"))
            widgets = {  # only how to read what it cannot guess
                **{
                    name: {"format": "%d/%m/%Y"} for name in ("signed_on", "effective_on", "end_on")
                },
                "lead_agency": {"field": "short_name"},
                "partners": {"field": "name_vi", "separator": ";"},
                "fields": {"field": "name", "separator": ";"},
                "coordinating_agencies": {"field": "short_name", "separator": ";"},
            }

    links = Agreement.partners.through.objects
    before = (Agreement.objects.count(), Agreement.history.count(), links.count())
    with transaction.atomic():
        dataset, read = timed(lambda: XLSX().create_dataset(data))
        resource = DefaultAgreementResource()
        result, write = timed(lambda: resource.import_data(dataset, dry_run=False))
        errors = [e.error for row in result.error_rows for e in row.errors]
        assert not result.has_errors() and not result.has_validation_errors(), (
            errors[:3] or result.invalid_rows[:3]
        )
        # It did the work: every row, its history row and its partners.
        after = (Agreement.objects.count(), Agreement.history.count(), links.count())
        assert after[0] == before[0] + rows and after[1] >= before[1] + rows, (before, after)
        assert after[2] >= before[2] + rows, (before, after)
        transaction.set_rollback(True)
    together = read + write
    show(
        rows,
        [
            ("  read the sheet (import-export's XLSX format)", read),
            ("  import_data(dry_run=False)", write),
            ("  together", together),
        ],
    )
    return together


def excel_columns():
    from agreements.resources import AgreementResource

    return AgreementResource.columns()


def show(rows: int, lines: list[tuple[str, Timing]]) -> None:
    for name, timing in lines:
        wall, cpu, db = timing
        line = f"{name:<52}{wall:7.2f}{rows / wall:8.0f}{cpu:7.2f}{rows / cpu:8.0f}"
        if db is not None:
            line += f"{db:9.2f}{rows / (cpu + db):8.0f}"
        print(line)


class Timing(tuple):
    """(wall seconds, CPU seconds of this process, CPU seconds of the database server or
    None); adds up."""

    def __new__(cls, wall: float, cpu: float, db: float | None) -> Timing:
        return super().__new__(cls, (wall, cpu, db))

    def __add__(self, other: Timing) -> Timing:
        db = None if self[2] is None or other[2] is None else self[2] + other[2]
        return Timing(self[0] + other[0], self[1] + other[1], db)


def timed(work) -> tuple[object, Timing]:
    wall, cpu, db = time.perf_counter(), time.process_time(), server_cpu()
    result = work()
    db_after = server_cpu()
    return result, Timing(
        time.perf_counter() - wall,
        time.process_time() - cpu,
        None if db is None or db_after is None else db_after - db,
    )


def server_cpu() -> float | None:
    """CPU seconds the PostgreSQL backend of this connection has used, when it runs on this
    machine (None for SQLite, which works inside this process, or a remote server)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
