from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.translation import gettext
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from . import permissions as perms
from .models import Agency
from .text import fold, search_query
from .widgets import render_options

# Matches a search box of a LookupSelect is answered with, at most.
LOOKUP_LIMIT = 50


class AgencyListView(ListView):
    """Directory of agencies with their contacts (officials, leaders, administrators)."""

    template_name = "accounts/agency_list.html"
    context_object_name = "agencies"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if not perms.can_view_all_agencies(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            Agency.objects.select_related("parent")
            .annotate(user_count=Count("users", filter=Q(users__is_active=True)))
            .order_by("kind", "name")
        )


class AgencyDetailView(DetailView):
    template_name = "accounts/agency_detail.html"
    context_object_name = "agency"

    def get_object(self, queryset=None):
        agency = get_object_or_404(Agency.objects.select_related("parent"), pk=self.kwargs["pk"])
        if not perms.can_view_agency(self.request.user, agency):
            # Outside the user's scope: do not reveal that it exists.
            raise Http404
        return agency

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = self.object.users.filter(is_active=True).order_by("full_name")
        return context


def lookup_options(rows: list, empty_label: str) -> HttpResponse:
    """The ``<option>`` list answering a LookupSelect's search box: the empty choice, the
    first LOOKUP_LIMIT matches of ``rows`` (``(pk, label)``), and a line saying there are
    more when there are."""
    html = render_options([("", empty_label), *rows[:LOOKUP_LIMIT]])
    if len(rows) > LOOKUP_LIMIT:
        more = gettext("More records match: type more of the name.")
        html += f'<option value="" disabled>{escape(more)}</option>'
    return HttpResponse(html)


@require_GET
def agency_lookup(request: HttpRequest) -> HttpResponse:
    """Active agencies whose name or short name holds every word typed, accents or not
    (the filter forms' agency lists; every signed-in user sees those names there)."""
    words = fold(search_query(request.GET.get("term"))).split()
    rows = []
    for pk, name, short_name in Agency.objects.active().values_list("pk", "name", "short_name"):
        folded = fold(f"{name} {short_name}")
        if all(word in folded for word in words):
            rows.append((pk, name))
            if len(rows) > LOOKUP_LIMIT:
                break
    return lookup_options(rows, gettext("All agencies"))


def locked_out(request: HttpRequest, response: HttpResponse | None, credentials: dict | None):
    """django-axes lockout page: a Vietnamese explanation with the cool-off in minutes."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
