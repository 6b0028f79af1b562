"""Benchmark: time and peak memory to gather and render the consolidated 6-month report.

Not collected by pytest. Two data sets: the demo data, and a province-scale one (DOMAIN.md
"Realistic scale": 160 agencies and communes, 300 partners, 3,000 agreements, 10 reviews
each, 100 delegations a year with members, 25 targets, an accepted report from every agency).
Run against a scratch database, e.g.:

    PORTAL_VAR_DIR=/tmp/bench-var .venv/bin/python tests/reports/bench_consolidated.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reports \\
        PORTAL_VAR_DIR=/tmp/bench-var .venv/bin/python tests/reports/bench_consolidated.py

It prints, for each data set, the seconds spent gathering the draft (figures and narratives)
and rendering the issued PDF, the PDF's pages and size, and the peak memory of the process.
"""

import os
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import Agency, Role, User  # noqa: E402
from agreements.models import Agreement, Review  # noqa: E402
from delegations.models import Delegation, DelegationMember  # noqa: E402
from partners.models import Partner  # noqa: E402
from reports import jobs, services  # noqa: E402
from reports.models import (  # noqa: E402
    AgencyReport,
    AgencyReportVersion,
    ConsolidatedReport,
    IssuedReport,
)
from reports.sections import PERIOD_KEYS  # noqa: E402

PARAGRAPH = (
    "Phối hợp tổ chức các hoạt động giao lưu văn hóa, xúc tiến du lịch và thương mại với các "
    "địa phương nước ngoài; triển khai thỏa thuận hợp tác đã ký kết, đánh giá định kỳ kết quả."
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(label: str, official: User) -> None:
    IssuedReport.objects.filter(report__kind="semiannual", report__year=2026).delete()
    ConsolidatedReport.objects.filter(kind="semiannual", year=2026).delete()
    start = time.perf_counter()
    job = services.consolidated_start(user=official, kind="semiannual", year=2026)
    jobs.job_run(job_id=job.pk)
    gathered = time.perf_counter() - start
    report = ConsolidatedReport.objects.get(kind="semiannual", year=2026)
    issued = services.consolidated_issue(
        report=report,
        user=official,
        issued_on=date(2026, 6, 20),
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn A",
        recipients=services.default_recipients("semiannual"),
    )
    start = time.perf_counter()
    jobs.job_run(job_id=issued.jobs.get().pk)
    rendered = time.perf_counter() - start
    issued.refresh_from_db()
    from pypdf import PdfReader

    pages = len(PdfReader(issued.pdf.path).pages)
    print(
        f"{label}: gather {gathered:.2f} s, render {rendered:.2f} s, total "
        f"{gathered + rendered:.2f} s; {pages} pages, {issued.pdf.size / 1024:.0f} KiB; "
        f"peak RSS {peak_mb():.0f} MiB"
    )


@transaction.atomic
def province_scale(official: User) -> None:
    agencies = [
        Agency(name=f"Đơn vị thử nghiệm {i:03d}", short_name=f"DV{i:03d}") for i in range(160)
    ]
    Agency.objects.bulk_create(agencies)
    agencies = list(Agency.objects.filter(short_name__startswith="DV"))
    partners = Partner.objects.bulk_create(
        Partner(name_vi=f"Đối tác {i:03d}", country="KR", kind="city") for i in range(300)
    )
    day0 = date(2006, 1, 1)
    agreements = Agreement.objects.bulk_create(
        Agreement(
            title_vi=f"Thỏa thuận hợp tác số {i}",
            kind="mou",
            state="in_force" if i % 3 else "expired",
            signed_on=day0 + timedelta(days=(i * 7) % 7400),
            lead_agency=agencies[i % len(agencies)],
            objectives="Hợp tác",
        )
        for i in range(3000)
    )
    Agreement.partners.through.objects.bulk_create(
        Agreement.partners.through(agreement_id=a.pk, partner_id=partners[i % 300].pk)
        for i, a in enumerate(agreements)
    )
    Review.objects.bulk_create(
        Review(
            agreement=a,
            period_year=2021 + k // 2,
            period_kind="semiannual" if k % 2 == 0 else "annual",
            reviewed_on=date(2021 + k // 2, 6, 1),
            reviewer=official,
            agency=a.lead_agency,
            overall="on_track",
            achievements="Đã triển khai",
        )
        for a in agreements
        for k in range(10)
    )
    delegations = Delegation.objects.bulk_create(
        Delegation(
            direction="outbound" if i % 2 else "inbound",
            title=f"Đoàn công tác {i}",
            purpose="tourism",
            head_name="Nguyễn Văn B",
            country=["KR", "JP", "CN", "LA", "DE"][i % 5],
            planned_start=date(2026, 1, 5) + timedelta(days=i),
            planned_end=date(2026, 1, 8) + timedelta(days=i),
            actual_start=date(2026, 1, 5) + timedelta(days=i),
            actual_end=date(2026, 1, 8) + timedelta(days=i),
            state="done",
            host_agency=agencies[i % len(agencies)],
        )
        for i in range(100)
    )
    DelegationMember.objects.bulk_create(
        DelegationMember(delegation=d, name=f"Thành viên {k}")
        for d in delegations
        for k in range(5)
    )
    period = services.periods_ensure_year(year=2026)[0]
    period.expected_agencies.add(*agencies)
    for agency in agencies:
        head = User.objects.create(
            username=f"head-{agency.short_name}", role=Role.REPORTER, agency=agency
        )
        report = AgencyReport.objects.create(
            period=period, agency=agency, state="accepted", sections={}
        )
        AgencyReportVersion.objects.create(
            report=report,
            number=1,
            sections={key: PARAGRAPH for key in PERIOD_KEYS},
            figures={},
            submitted_at=django.utils.timezone.now(),
            submitted_by=head,
        )


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    official = User.objects.filter(role=Role.OFFICIAL).first()
    run("demo data", official)
    if not Agency.objects.filter(short_name__startswith="DV").exists():
        province_scale(official)
    run("province scale", official)


if __name__ == "__main__":
    main()
