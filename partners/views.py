from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from accounts.errors import DomainError
from accounts.paging import KeptCountPaginator
from accounts.text import search_query
from agreements import permissions as agreement_perms
from agreements.models import Agreement, Review
from agreements.views import _form_error
from delegations.models import Delegation, Direction

from . import services
from .forms import PartnerForm
from .models import Partner


def _choice_label(choices, value: str) -> str:
    """The label of a choice, as get_FOO_display() gives it but without building and hashing
    the whole dict of lazy labels (a translation each) on every call."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class PartnerListView(ListView):
    template_name = "partners/partner_list.html"
    context_object_name = "partners"
    paginate_by = 50
    paginator_class = KeptCountPaginator

    def get_queryset(self):
        queryset = Partner.objects.with_related()
        self.query = search_query(self.request.GET.get("q"))
        if self.query:
            queryset = queryset.search(self.query)
        return queryset.order_by("country", "name_vi")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=self.query,
            can_edit=agreement_perms.can_edit_agreement(self.request.user),
            **kwargs,
        )


class PartnerDetailView(DetailView):
    """Everything linked to a partner, newest first."""

    template_name = "partners/partner_detail.html"
    context_object_name = "partner"

    def get_queryset(self):
        return Partner.objects.with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = Agreement.objects.visible_to(self.request.user).filter(partners=self.object)
        context["children"] = self.object.children.order_by("name_vi")
        context["agreements"] = visible.order_by("-signed_on", "-id")
        context["reviews"] = (
            Review.objects.filter(agreement__in=visible)
            .select_related("agreement")
            .order_by("-reviewed_on", "-id")[:20]
        )
        latest = self.object.delegations.select_related("host_agency")
        delegations = list(latest.order_by("-planned_start", "-id")[:20])
        for delegation in delegations:
            delegation.direction_label = _choice_label(Direction, delegation.direction)
            delegation.state_label = _choice_label(Delegation.State, delegation.state)
        context["delegations"] = delegations
        context["can_edit"] = agreement_perms.can_edit_agreement(self.request.user)
        return context


class PartnerFormView(FormView):
    form_class = PartnerForm
    template_name = "partners/partner_form.html"
    partner = None

    def dispatch(self, request, *args, **kwargs):
        if not agreement_perms.can_edit_agreement(request.user):
            raise PermissionDenied
        if "pk" in kwargs:
            self.partner = get_object_or_404(Partner, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.partner}

    def get_context_data(self, **kwargs):
        return super().get_context_data(partner=self.partner, **kwargs)

    def form_valid(self, form):
        try:
            if self.partner:
                partner = services.partner_update(
                    partner=Partner.objects.get(pk=self.partner.pk),
                    user=self.request.user,
                    data=form.cleaned_data,
                )
            else:
                partner = services.partner_create(user=self.request.user, data=form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The partner has been saved."))
        return redirect(partner)
