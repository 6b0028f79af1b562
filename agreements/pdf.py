"""The agreement summary PDF (the first file of an agreement's dossier).

Rendered in a Celery task, never in a web request: see ``agreements.dossier``.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Agreement, ReviewScore

PDF_LANGUAGE = "vi"
PDF_TIME_ZONE = "Asia/Ho_Chi_Minh"


def summary_context(agreement: Agreement) -> dict:
    """Everything the summary shows, loaded in a fixed number of queries."""
    agreement = (
        Agreement.objects.select_related("lead_agency")
        .prefetch_related("coordinating_agencies", "fields")
        .get(pk=agreement.pk)
    )
    now = timezone.localtime()
    today = now.date()
    notices = list(agreement.notices.select_related("event"))
    for notice in notices:
        notice.current_status = notice.status(today)
    return {
        "agreement": agreement,
        "partners": list(agreement.partners.select_related("parent").order_by("name_vi")),
        "fields": list(agreement.fields.all()),
        "coordinating": list(agreement.coordinating_agencies.all()),
        "events": list(agreement.events.order_by("occurred_on", "id")),
        "notices": notices,
        "outputs": list(agreement.outputs.select_related("responsible_agency")),
        "reviews": list(
            agreement.reviews.select_related("reviewer", "agency").prefetch_related(
                Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
            )
        ),
        "portal": settings.PORTAL,
        "now": now,
        "today": today,
        # Decree 30: days under 10 and the months 1 and 2 take a leading zero.
        "date_day": f"{now.day:02d}",
        "date_month": f"{now.month:02d}" if now.month < 3 else str(now.month),
        "date_year": str(now.year),
    }


def render_agreement_summary_pdf(agreement: Agreement) -> bytes:
    """The agreement's summary as PDF bytes (A4, Vietnamese, Decree 30 document layout)."""
    # Imported here so that web processes, which never render, do not load WeasyPrint.
    from config.pdf import render_pdf

    with translation.override(PDF_LANGUAGE), timezone.override(PDF_TIME_ZONE):
        html = render_to_string("agreements/pdf/summary.html", summary_context(agreement))
        return render_pdf(html)
