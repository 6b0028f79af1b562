"""International conference and workshop pages (Decision 06/2020/QĐ-TTg).

Every logged-in user reads them; officials manage them; an agency reporter proposes and edits
their own agency's conferences while proposed, then records the results. Views fetch, check a
predicate of ``permissions``, call a service and redirect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, ListView

from accounts.errors import DomainError
from accounts.history import kind_for_model
from accounts.paging import KeptCountPaginator
from agreements.views import _form_error
from reports.periods import Period, PeriodKind

from . import permissions as perms
from . import services
from .conference_forms import (
    AnnualReportForm,
    ConferenceApproveForm,
    ConferenceCancelForm,
    ConferenceFilterForm,
    ConferenceForm,
    ConferenceResultsForm,
)
from .models import REPORT_DAYS, Conference

C = Conference.State
# The province's annual conference report reaches the Ministry of Foreign Affairs by 18/12.
ANNUAL_REPORT_DAY = (12, 18)


def _conference(pk: int) -> Conference:
    return get_object_or_404(Conference.objects.select_related("organiser", "created_by"), pk=pk)


@dataclass(frozen=True)
class ReportState:
    """Where the results report stands: ``due``, ``overdue`` or ``received``.

    ``results_missing`` marks an approved conference that has closed without its results
    being recorded: its report runs from the closing date all the same.
    """

    status: str
    due_on: date
    results_missing: bool = False


def report_state(conference: Conference, today: date) -> ReportState | None:
    status = conference.report_status(today)
    if status is None:
        return None
    # An approved conference that has closed is still waiting for its results.
    return ReportState(
        status, conference.report_due_on, results_missing=conference.state == C.APPROVED
    )


def lead_time_warning(conference: Conference, today: date):
    """The lead-time warning, when it means something: for a proposal, or when the
    application date is known (an old approved conference without one is not 'late')."""
    if conference.state == C.CANCELLED:
        return None
    return services.conference_lead_time_warning(conference, today)


# ---------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------
class ConferenceListView(ListView):
    template_name = "delegations/conference_list.html"
    context_object_name = "conferences"
    paginate_by = 50
    paginator_class = KeptCountPaginator

    def get_queryset(self):
        self.filter_form = ConferenceFilterForm(self.request.GET or None)
        queryset = Conference.objects.select_related("organiser")
        return self.filter_form.filter(queryset).order_by("-start_on", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for conference in context["conferences"]:
            conference.report = report_state(conference, today)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.filter_form,
            can_create=perms.can_propose(self.request.user),
            can_import=perms.can_decide(self.request.user),
            query_string=query.urlencode(),
        )
        return context


def _detail_context(request: HttpRequest, conference: Conference, **forms) -> dict:
    user, today = request.user, timezone.localdate()
    can_decide = perms.can_decide(user)
    return {
        "conference": conference,
        "today": today,
        "partners": conference.partners.order_by("name_vi"),
        "warning": lead_time_warning(conference, today),
        "days_ahead": (
            (conference.start_on - conference.application_date).days
            if conference.application_date
            else None
        ),
        "report": report_state(conference, today),
        "report_days": REPORT_DAYS,
        "can_edit": perms.can_edit_conference(user, conference),
        "can_approve": can_decide and conference.state == C.PROPOSED,
        "can_cancel": can_decide and conference.state in {C.PROPOSED, C.APPROVED},
        "can_record_results": perms.can_record_conference_results(user, conference)
        and conference.state in {C.APPROVED, C.HELD},
        "has_history": kind_for_model(Conference) is not None,
        "approve_form": forms.get("approve_form")
        or ConferenceApproveForm(prefix="approve", initial={"decision_date": today}),
        "cancel_form": forms.get("cancel_form") or ConferenceCancelForm(prefix="cancel"),
    }


@require_GET
def conference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conference = _conference(pk)
    return render(
        request, "delegations/conference_detail.html", _detail_context(request, conference)
    )


# ---------------------------------------------------------------------------
# Proposal and edits
# ---------------------------------------------------------------------------
class ConferenceCreateView(FormView):
    form_class = ConferenceForm
    template_name = "delegations/conference_form.html"
    conference: Conference | None = None

    def dispatch(self, request, *args, **kwargs):
        if not perms.can_propose(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(conference=self.conference, **kwargs)

    def save(self, form) -> Conference:
        return services.conference_save(
            user=self.request.user,
            data=form.service_data(),
            partners=form.cleaned_data["partners"],
        )

    def form_valid(self, form):
        try:
            conference = self.save(form)
        except DomainError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The conference has been saved."))
        warning = lead_time_warning(conference, timezone.localdate())
        if warning is not None:
            # A warning, not an error: the record is kept and the organiser can act on it.
            messages.warning(self.request, str(warning))
        return redirect(conference)


class ConferenceUpdateView(ConferenceCreateView):
    def dispatch(self, request, *args, **kwargs):
        self.conference = _conference(kwargs["pk"])
        if not perms.can_edit_conference(request.user, self.conference):
            raise PermissionDenied
        return FormView.dispatch(self, request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.conference}

    def save(self, form) -> Conference:
        # The form has written its values onto self.conference; the service gets a fresh
        # copy so that a refused change leaves nothing half-applied.
        return services.conference_save(
            user=self.request.user,
            data=form.service_data(),
            partners=form.cleaned_data["partners"],
            conference=Conference.objects.get(pk=self.conference.pk),
        )


# ---------------------------------------------------------------------------
# Transitions
# ---------------------------------------------------------------------------
@require_POST
def conference_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (decision number and date) or cancel (reason): officials only."""
    conference = _conference(pk)
    if not perms.can_decide(request.user):
        raise PermissionDenied
    state = request.POST.get("state")
    if state == C.APPROVED:
        form = ConferenceApproveForm(request.POST, prefix="approve")
        key, done = "approve_form", _("The conference has been approved.")
    elif state == C.CANCELLED:
        form = ConferenceCancelForm(request.POST, prefix="cancel")
        key, done = "cancel_form", _("The conference has been cancelled.")
    else:
        messages.error(request, _("Unknown state."))
        return redirect(conference)
    if form.is_valid():
        try:
            services.conference_decide(
                conference=conference, user=request.user, state=state, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, done)
            return redirect(conference)
    messages.error(request, _("The decision was not recorded: see the form below."))
    return render(
        request,
        "delegations/conference_detail.html",
        _detail_context(request, conference, **{key: form}),
    )


class ConferenceResultsView(FormView):
    """After the closing: the results, the foreign participants, the report's arrival."""

    form_class = ConferenceResultsForm
    template_name = "delegations/conference_results.html"

    def dispatch(self, request, *args, **kwargs):
        self.conference = _conference(kwargs["pk"])
        if not perms.can_record_conference_results(request.user, self.conference):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        conference = self.conference
        return {
            "results": conference.results,
            "foreign_participants": conference.foreign_participants,
            "report_received_on": conference.report_received_on,
        }

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            conference=self.conference,
            closed=self.conference.end_on <= today,
            can_record=self.conference.state in {C.APPROVED, C.HELD},
            report_due_on=self.conference.end_on + timedelta(days=REPORT_DAYS),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.conference_record_results(
                conference=self.conference, user=self.request.user, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The results have been recorded."))
        return redirect(self.conference)


# ---------------------------------------------------------------------------
# The province's annual conference report
# ---------------------------------------------------------------------------
@require_GET
def conference_annual_report(request: HttpRequest) -> HttpResponse:
    """Conferences held from 15/12 of the previous year to 14/12, for the report that
    reaches the Ministry of Foreign Affairs by 18 December (Decision 06/2020/QĐ-TTg)."""
    today = timezone.localdate()
    form = AnnualReportForm(request.GET if "year" in request.GET else None)
    year = form.cleaned_data["year"] if form.is_valid() else today.year
    period = Period(year, PeriodKind.ANNUAL)
    due_on = date(year, *ANNUAL_REPORT_DAY)
    held = list(
        Conference.objects.filter(state=C.HELD)
        .between(period.start, period.end)
        .select_related("organiser")
        .prefetch_related("partners")
        .order_by("start_on", "id")
    )
    unreported = list(
        Conference.objects.filter(state=C.APPROVED)
        .between(period.start, period.end)
        .select_related("organiser")
        .order_by("start_on", "id")
    )
    by_format = {value: 0 for value in Conference.Format.values}
    for conference in held:
        by_format[conference.format] += 1
    return render(
        request,
        "delegations/conference_annual_report.html",
        {
            "form": form if form.is_bound else AnnualReportForm(initial={"year": year}),
            "year": year,
            "period": period,
            "due_on": due_on,
            "is_past": today > due_on,
            "days_left": (due_on - today).days,
            "conferences": held,
            "unreported": unreported,
            "total": services.conference_totals(start=period.start, end=period.end),
            "foreign_participants": sum(c.foreign_participants for c in held),
            "by_format": [(label, by_format[value]) for value, label in Conference.Format.choices],
        },
    )
