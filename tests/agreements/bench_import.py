"""Benchmark: import 10,000 agreements from an .xlsx file (not collected by pytest).

    .venv/bin/python tests/agreements/bench_import.py [--rows 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
        .venv/bin/python tests/agreements/bench_import.py

It creates a throw-away test database (as the test suite does), 300 partners and 160 agencies,
writes a realistic workbook, then times the two steps an official goes through: the check
(read + validate every row, nothing saved) and the confirmation (read + validate again +
write with history, notices and many-to-many rows). It prints rows per second.
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


def build_workbook(rows: int, partners: list[str], agencies: list[str], series: str) -> bytes:
    from agreements.resources import AgreementResource

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Thỏa thuận")
    sheet.append(AgreementResource.headers())
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
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.rows)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(rows: int) -> None:
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
    elapsed = time.perf_counter() - started
    print(f"workbook: {rows} rows ({elapsed:.1f} s to generate)")
    print(f"database: {connection.vendor}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(f"{'step':<52}{'wall s':>7}{'rows/s':>8}{'CPU s':>7}{'rows/s':>8}")
    for label, data in [
        ("file as Excel saves it (shared strings)", excel_file),
        ("file as openpyxl writes it (inline strings)", openpyxl_file),
    ]:
        print(f"{label} — {len(data) / 2**20:.1f} MB")
        measure(excel, user, data, rows)
    print(
        f"agreements: {Agreement.objects.count()}, notices opened: {LegalNotice.objects.count()}, "
        f"history rows: {Agreement.history.count()}"
    )


def measure(excel, user, data: bytes, rows: int) -> None:
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

    def plus(a, b):
        return a[0] + b[0], a[1] + b[1]

    for name, (wall, cpu) in [
        ("  check: read the sheet", read),
        ("         validate every row (nothing saved)", validate),
        ("         together", plus(read, validate)),
        ("  confirm: read the stored sheet again", read_again),
        ("           validate again + write with history", write),
        ("           together", plus(read_again, write)),
    ]:
        print(f"{name:<52}{wall:7.2f}{rows / wall:8.0f}{cpu:7.2f}{rows / cpu:8.0f}")


def timed(work):
    """(result, (wall seconds, CPU seconds of this process))"""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, (time.perf_counter() - wall, time.process_time() - cpu)


if __name__ == "__main__":
    main()
