from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView

from . import permissions as perms
from .models import Agency


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


def locked_out(request: HttpRequest, response: HttpResponse | None, credentials: dict | None):
    """django-axes lockout page: a Vietnamese explanation with the cool-off in minutes."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
