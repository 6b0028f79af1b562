"""The partner search box of the filter forms (accounts.widgets.LookupSelect)."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from accounts.text import search_query
from accounts.views import LOOKUP_LIMIT, lookup_options

from .models import Partner


@require_GET
def partner_lookup(request: HttpRequest) -> HttpResponse:
    """Partners whose name holds every word typed, accents or not (every signed-in user
    sees the partner register)."""
    matches = Partner.objects.search(search_query(request.GET.get("term"))).order_by("name_vi")
    rows = list(matches.values_list("pk", "name_vi")[: LOOKUP_LIMIT + 1])
    return lookup_options(rows, gettext("All partners"))
