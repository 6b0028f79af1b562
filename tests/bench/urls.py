"""Bench-only urlconf: the portal's own URLs plus a bare Django ListView over the
agreements table, the baseline the agreement list's throughput is compared with."""

from django.urls import include, path
from django.views.generic import ListView

from agreements.models import Agreement


class BareAgreementListView(ListView):
    """What Django gives for free: the same table, the same page size and order as the
    portal's list, a plain template, no filters, no related rows."""

    model = Agreement
    paginate_by = 50
    ordering = ("-signed_on", "-id")
    template_name = "bench/bare_agreement_list.html"

    def get_template_names(self):
        # Only the plain template: never ListView's fallback, the portal's own list.
        return [self.template_name]


urlpatterns = [
    path("bench/bare-agreements/", BareAgreementListView.as_view(), name="bench_bare_list"),
    path("", include("config.urls")),
]
