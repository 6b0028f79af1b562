from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import permissions as perms
from accounts.models import Agency, Role, User
from agreements.models import Output
from partners.models import Partner
from reports.dashboard import dashboard_context, home_figures

from .celery_app import app as celery_app


def _check_database() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"status": "error", "vendor": connection.vendor, "error": type(exc).__name__}
    return {"status": "ok", "vendor": connection.vendor}


def _check_broker() -> dict[str, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
            transport = conn.transport_cls
    except Exception as exc:
        return {"status": "error", "error": type(exc).__name__}
    return {"status": "ok", "transport": str(transport)}


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status, for the compose health checks and for operators."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own home page; later capabilities fill the dashboards."""
    user = request.user
    today = timezone.localdate()
    leader, official = perms.is_leader(user), perms.is_official(user)
    figures = home_figures(user, today, dashboard=leader or official, partners=leader)
    context: dict = {
        "figures": figures,
        "coverage": figures.coverage,
        "in_force_count": figures.coverage.in_force,
        "alert_count": sum(figures.alert_counts.values()),
        "alert_counts": figures.alert_counts,
        "dashboard": dashboard_context(figures),
    }
    if perms.is_administrator(user):
        template = "home/admin.html"
        rows = User.objects.filter(is_active=True).values("role").annotate(n=Count("id"))
        context["users_by_role"] = [
            (Role(row["role"]).label, row["n"]) for row in rows.order_by("role")
        ]
        context["agency_count"] = Agency.objects.active().count()
    elif official:
        template = "home/official.html"
        context["recent_partners"] = Partner.objects.with_related().order_by("-created_at")[:5]
    elif leader:
        template = "home/leader.html"
        partners = figures.partners
        # The statuses that have partners, in the order of their stored values.
        context["partners_by_status"] = [
            (Partner.RelationStatus(status).label, partners[status])
            for status in sorted(Partner.RelationStatus.values)
            if partners[status]
        ]
        context["partner_count"] = partners["count"]
        context["twinned_count"] = partners["twinned"]
    else:
        template = "home/reporter.html"
        # Only on agreements the reporter may open: an output assigned to the agency on
        # another agency's internal agreement would show that agreement's title.
        context["my_outputs"] = (
            Output.objects.visible_to(user)
            .filter(responsible_agency_id=user.agency_id)
            .exclude(status__in=[Output.Status.ACHIEVED, Output.Status.CANCELLED])
            .select_related("agreement")
            .order_by("due_on")[:10]
        )
        context["today"] = today
        context["colleagues"] = (
            User.objects.filter(agency_id=user.agency_id, is_active=True).exclude(pk=user.pk)
            if user.agency_id
            else User.objects.none()
        )
    return render(request, template, context)
