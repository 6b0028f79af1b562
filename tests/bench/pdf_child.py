"""Run by tests/bench/pdf.py in a child process, so that its ru_maxrss is the peak memory of
one PDF job and nothing else. Prints one JSON line with the figures.

    python -m tests.bench.pdf_child consolidated
    python -m tests.bench.pdf_child annex --pages 200

Everything it writes to the database is rolled back; files go to PORTAL_MEDIA_ROOT, which
the parent points at a temporary folder.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

import django

django.setup()

from django.db import transaction  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from config.celery_app import preload_pdf_renderer  # noqa: E402
from reports import jobs, services  # noqa: E402
from reports.models import ConsolidatedReport, IssuedReport, ReportingPeriod, ReportJob  # noqa: E402
from reports.pdf import issued_html, render_issued_pdf  # noqa: E402

# As a Celery worker does when it starts: WeasyPrint is loaded before the first job.
preload_pdf_renderer()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def weasyprint_alone(html: str) -> tuple[float, int]:
    """The reference next to each document: WeasyPrint laying out the same HTML with its own
    default stylesheet only (ours removed), no URL fetcher, straight to PDF bytes. What is
    left is WeasyPrint's own cost for this much text and these tables on this machine."""
    bare = re.sub(r"<link[^>]*stylesheet[^>]*>", "", html)
    start = time.perf_counter()
    content = HTML(string=bare).write_pdf()
    elapsed = time.perf_counter() - start
    return elapsed, len(PdfReader(io.BytesIO(content)).pages)


def official() -> User:
    user = User.objects.filter(role=Role.OFFICIAL, is_active=True).order_by("id").first()
    if user is None:
        raise SystemExit("no active official in the data")
    return user


def report_year() -> int:
    period = ReportingPeriod.objects.filter(kind="semiannual").order_by("-year").first()
    return period.year if period else date.today().year


def _run(job: ReportJob) -> None:
    jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    if job.status != ReportJob.Status.DONE:
        raise SystemExit(f"job {job.kind} ended {job.status}: {job.error}")


def consolidated() -> dict:
    """Gather the 6-month draft from the data, issue it and render its PDF, as the Celery
    jobs do (the same functions, called here directly)."""
    user, year = official(), report_year()
    with transaction.atomic():
        start = time.perf_counter()
        _run(services.consolidated_start(user=user, kind="semiannual", year=year))
        gathered = time.perf_counter()
        report = ConsolidatedReport.objects.get(kind="semiannual", year=year)
        issued = services.consolidated_issue(
            report=report,
            user=user,
            issued_on=date(year, 6, 20),
            signer_authority="KT. GIÁM ĐỐC",
            signer_title="PHÓ GIÁM ĐỐC",
            signer_name="Nguyễn Văn A",
            recipients=services.default_recipients("semiannual"),
        )
        issue_started = time.perf_counter()
        _run(issued.jobs.get())
        rendered = time.perf_counter()
        issued.refresh_from_db()
        with issued.pdf.open("rb") as handle:
            content = handle.read()
        peak = peak_mb()  # the job's, before the reference render below
        reference_s, reference_pages = weasyprint_alone(issued_html(issued))
        transaction.set_rollback(True)
    return {
        "reference s": reference_s,
        "reference pages": reference_pages,
        "year": year,
        "gather s": gathered - start,
        "render s": rendered - issue_started,
        "total s": (gathered - start) + (rendered - issue_started),
        "pages": len(PdfReader(io.BytesIO(content)).pages),
        "KiB": len(content) / 1024,
        "peak MB": peak,
    }


def _signed_rows(count: int) -> list[dict]:
    """Annex I's list of signed agreements, from the data's own agreements (repeated when
    there are fewer than ``count``)."""
    from agreements.models import Agreement

    agreements = list(
        Agreement.objects.select_related("lead_agency")
        .prefetch_related("partners")
        .order_by("-signed_on", "-id")[:count]
    )
    if not agreements:
        raise SystemExit("no agreement in the data")
    rows = [
        {
            "number": a.number,
            "title": a.title_vi,
            "kind": a.kind,
            "partners": "; ".join(p.name_vi for p in a.partners.all()),
            "signed_on": a.signed_on.strftime("%d/%m/%Y") if a.signed_on else "",
            "lead_agency": a.lead_agency.short_name or a.lead_agency.name,
        }
        for a in agreements
    ]
    return [rows[i % len(rows)] for i in range(count)]


def _annex_pdf(rows: list[dict], year: int, user: User) -> bytes:
    return render_issued_pdf(_annex_report(rows, year, user))


def _annex_report(rows: list[dict], year: int, user: User) -> IssuedReport:
    figures = {
        "agreements_signed": len(rows),
        "agreements_in_force": len(rows),
        "agreements_reviewed": 0,
        "review_percent": 0,
        "outputs_total": 0,
        "outputs_done": 0,
        "signed_list": rows,
        "outbound_by_country": [],
        "inbound_by_country": [],
        "conference_list": [],
    }
    return IssuedReport(
        version=1,
        number=99,
        number_year=year,
        issued_on=date(year, 12, 20),
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn A",
        recipients="UBND tỉnh",
        issued_by=user,
        snapshot={
            "kind": "annual",
            "year": year,
            "subject": "Phụ lục thỏa thuận quốc tế",
            "sections": [],
            "figures": figures,
        },
    )


def annex(pages: int) -> dict:
    """An issued report whose Annex I lists enough agreements to fill ``pages`` pages: the
    rows per page are measured on two short renders first, the long one is timed."""
    user, year = official(), report_year()

    def pages_of(rows: list[dict]) -> int:
        return len(PdfReader(io.BytesIO(_annex_pdf(rows, year, user))).pages)

    fixed = pages_of([])  # the report's own text, the empty tables, Annex II
    sample_rows = min(300, 40 * pages)
    per_page = sample_rows / max(pages_of(_signed_rows(sample_rows)) - fixed, 1)
    rows = _signed_rows(max(1, round(max(pages - fixed, 1) * per_page)))
    start = time.perf_counter()
    content = _annex_pdf(rows, year, user)
    elapsed = time.perf_counter() - start
    peak = peak_mb()
    reference_s, reference_pages = weasyprint_alone(issued_html(_annex_report(rows, year, user)))
    return {
        "reference s": reference_s,
        "reference pages": reference_pages,
        "rows": len(rows),
        "pages": len(PdfReader(io.BytesIO(content)).pages),
        "render s": elapsed,
        "KiB": len(content) / 1024,
        "peak MB": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["consolidated", "annex"])
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    result = consolidated() if args.what == "consolidated" else annex(args.pages)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
