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
import sys
import time
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
STATES = ["Đang có hiệu lực", "in_force", "Đã ký", "proposed", "expired"]


def build_workbook(rows: int, partners: list[str], agencies: list[str]) -> bytes:
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
                f"{n + 1:05d}/BGN-UBND",
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
    data = build_workbook(rows, partner_names, agency_names)
    elapsed = time.perf_counter() - started
    print(f"workbook: {rows} rows, {len(data) / 2**20:.1f} MB ({elapsed:.1f} s to write)")

    with translation.override("vi"):
        started = time.perf_counter()
        sheet = excel.read_xlsx(data)
        read = time.perf_counter() - started

        started = time.perf_counter()
        report = excel.run_import(
            excel.AgreementResource, excel.read_xlsx(data), user=user, dry_run=True
        )
        check = time.perf_counter() - started
        assert report.ok, report.errors[:5]

        started = time.perf_counter()
        report = excel.run_import(
            excel.AgreementResource, excel.read_xlsx(data), user=user, dry_run=False
        )
        confirm = time.perf_counter() - started
        assert report.ok and report.saved == rows, report.errors[:5]

    assert Agreement.objects.count() == rows == len(sheet.rows)
    assert Agreement.history.filter(history_user=user).count() == rows
    print(f"database: {connection.vendor}")
    print(f"read the sheet:                 {read:6.2f} s  {rows / read:8.0f} rows/s")
    print(f"check (read + validate):        {check:6.2f} s  {rows / check:8.0f} rows/s")
    print(
        f"confirm (read + validate + write with history): "
        f"{confirm:6.2f} s  {rows / confirm:8.0f} rows/s"
    )
    print(
        f"notices opened: {LegalNotice.objects.count()}, history rows: {Agreement.history.count()}"
    )


if __name__ == "__main__":
    main()
