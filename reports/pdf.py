"""Decree-30 PDFs of reports. Called only from jobs (``reports.jobs``), never in a request.

The documents are rendered from the frozen copies (a submitted version's text and figures,
an issued report's snapshot), so re-rendering later gives the same document.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .jobs import PDF_LANGUAGE, PDF_TIME_ZONE
from .models import AgencyReportVersion, ConsolidatedReport, IssuedReport
from .sections import PERIOD_SECTIONS, numbered
from .services import sections_for


def date_line(place: str, day: date) -> str:
    """ "Tuyên Quang, ngày 05 tháng 02 năm 2026": days under 10 and the months 1 and 2 take a
    leading zero (Decree 30/2020, appendix I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n") if p.strip()]


def _groups(sections, bodies: dict[str, str]) -> list[dict]:
    groups = numbered(sections)
    for group in groups:
        group["items"] = [
            {"section": s, "paragraphs": _paragraphs(bodies.get(s.key, ""))}
            for s in group["sections"]
        ]
    return groups


def _html(template: str, context: dict) -> str:
    with translation.override(PDF_LANGUAGE), timezone.override(PDF_TIME_ZONE):
        return render_to_string(template, {"portal": settings.PORTAL, **context})


def _render(template: str, context: dict) -> bytes:
    # Imported here so that web processes never load WeasyPrint; Celery workers load it once
    # at start (config.celery_app.preload_pdf_renderer).
    from config.pdf import render_pdf

    return render_pdf(_html(template, context))


def render_agency_version_pdf(version: AgencyReportVersion) -> bytes:
    """One agency's submitted report: its narrative by section and the figures annex."""
    report = version.report
    with translation.override(PDF_LANGUAGE):
        context = {
            "version": version,
            "report": report,
            "agency": report.agency,
            "period": report.period,
            "groups": _groups(PERIOD_SECTIONS, version.sections),
            "figures": version.figures,
            "date_line": date_line(
                settings.PORTAL["DOCUMENT_PLACE"], timezone.localtime(version.submitted_at).date()
            ),
        }
    return _render("reports/pdf/agency_report.html", context)


def render_issued_pdf(issued: IssuedReport) -> bytes:
    """An issued consolidated report: header, sections, recipients and signature, annexes."""
    return _render("reports/pdf/issued_report.html", _issued_context(issued))


def issued_html(issued: IssuedReport) -> str:
    """The HTML that ``render_issued_pdf`` lays out (the benchmark's WeasyPrint reference)."""
    return _html("reports/pdf/issued_report.html", _issued_context(issued))


def _issued_context(issued: IssuedReport) -> dict:
    snapshot = issued.snapshot
    kind = snapshot["kind"]
    bodies = {s["key"]: s["body"] for s in snapshot["sections"]}
    figures = snapshot.get("figures") or {}
    with translation.override(PDF_LANGUAGE):
        periodic = kind in (ConsolidatedReport.Kind.SEMIANNUAL, ConsolidatedReport.Kind.ANNUAL)
        # Charts were drawn when the draft was gathered (targets.charts escapes every text).
        targets = figures.get("targets", []) if periodic else []
        return {
            "issued": issued,
            "kind": kind,
            "subject": snapshot["subject"],
            "groups": _groups(sections_for(kind), bodies),
            "figures": figures,
            "targets": targets,
            "recipients": issued.recipients.splitlines(),
            "date_line": date_line(settings.PORTAL["DOCUMENT_PLACE"], issued.issued_on),
            "date_short": issued.issued_on.strftime("%d/%m/%Y"),
            "periodic": periodic,
        }
