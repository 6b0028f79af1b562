"""Delegation and plan pages: fetch, check permission, call a service, redirect."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView
from django_countries import countries

from accounts.errors import DomainError
from accounts.paging import KeptCountPaginator
from agreements.models import Agreement
from agreements.views import _form_error

from . import permissions as perms
from . import services
from .forms import (
    ApproveForm,
    DelegationFilterForm,
    DelegationForm,
    MemberFormSet,
    PlanForm,
    PlanItemForm,
    PlanVsActualForm,
    ResultsForm,
    SetAsideForm,
    member_initial,
)
from .models import Conference, Delegation, DelegationPlan, Direction, PlanItem, Purpose
from .templatetags import delegation_badges as badges

D = Delegation.State
APPROVABLE = {D.PROPOSED, D.POSTPONED}
SETTLED = {D.DONE, D.CANCELLED}
WITH_RESULTS = {D.APPROVED, D.DONE}


def visible_delegation(request: HttpRequest, pk: int) -> Delegation:
    """The delegation if the user may see it; a 404 otherwise."""
    queryset = Delegation.objects.visible_to(request.user).select_related(
        "host_agency", "plan_item__plan", "plan_item__lead_agency", "created_by"
    )
    return get_object_or_404(queryset, pk=pk)


class PermissionMixin:
    """Checks ``has_permission()`` before anything else: 403 for a user who may read only."""

    def has_permission(self) -> bool:  # pragma: no cover - every view overrides it
        return False

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# ---------------------------------------------------------------------------
# Delegations: list and detail
# ---------------------------------------------------------------------------
# The list's columns: the page's delegations load only these (not the programme, results and
# reasons, long texts the list does not show).
LIST_FIELDS = (
    "direction",
    "plan_item_id",
    "title",
    "purpose",
    "head_name",
    "head_title",
    "country",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "state",
    "report_received_on",
    "host_agency__short_name",
)


class DelegationListView(ListView):
    template_name = "delegations/delegation_list.html"
    context_object_name = "delegations"
    paginate_by = 50
    paginator_class = KeptCountPaginator

    def get_queryset(self):
        self.today = timezone.localdate()
        self.filter_form = DelegationFilterForm(self.request.GET or None)
        queryset = (
            Delegation.objects.visible_to(self.request.user)
            .with_people()
            .select_related("host_agency")
            .only(*LIST_FIELDS)
        )
        return self.filter_form.filter(queryset, self.today).order_by("-planned_start", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _list_rows(context["delegations"], self.today)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.filter_form,
            can_create=perms.can_propose(self.request.user),
            can_import=perms.can_decide(self.request.user),
            query_string=query.urlencode(),
        )
        return context


def _list_rows(delegations, today: date) -> None:
    """Sets on each delegation of the list's page what its row prints, worked out once per
    page rather than by template lookups and filters in every row: the purpose and country
    names (translated once per value), the state and report badges (rendered once per
    value), the partners' names (one query for the page), the dates and the results
    report's status and due date."""
    delegations = list(delegations)

    def short_date(value: date) -> str:
        return formats.date_format(value, "SHORT_DATE_FORMAT")

    purposes = {value: str(label) for value, label in Purpose.choices}
    state_badges = {value: badges.state_badge(value, label) for value, label in D.choices}
    report_badges = {report: badges.report_badge(report) for report in badges.REPORT_BADGES}
    country_names: dict[str, str] = {}
    partner_names = _partner_names([delegation.pk for delegation in delegations])
    for delegation in delegations:
        code = delegation.country.code
        if code not in country_names:
            country_names[code] = countries.name(code)
        delegation.purpose_label = purposes.get(delegation.purpose, delegation.purpose)
        delegation.state_badge = state_badges.get(delegation.state) or badges.state_badge(
            delegation.state, delegation.state
        )
        delegation.country_name = country_names[code]
        delegation.partner_names = "; ".join(partner_names.get(delegation.pk, ()))
        delegation.dates = f"{short_date(delegation.start)} – {short_date(delegation.end)}"
        delegation.size = delegation.member_count + 1
        delegation.report = delegation.report_status(today)
        delegation.report_badge = report_badges.get(delegation.report, "")
        # Set on every row: a failed template lookup on a model instance costs a dir().
        delegation.report_due = (
            short_date(delegation.report_due_on) if delegation.report in {"due", "overdue"} else ""
        )


def _partner_names(delegation_ids: list[int]) -> dict[int, list[str]]:
    """The partners' Vietnamese names of each delegation, in name order, read from the
    many-to-many table in one query (no Partner instances)."""
    if not delegation_ids:
        return {}
    rows = (
        Delegation.partners.through.objects.filter(delegation_id__in=delegation_ids)
        .order_by("partner__name_vi")
        .values_list("delegation_id", "partner__name_vi")
    )
    names: dict[int, list[str]] = {}
    for delegation_id, name in rows:
        names.setdefault(delegation_id, []).append(name)
    return names


def _render_detail(
    request: HttpRequest,
    delegation: Delegation,
    *,
    approve_form: ApproveForm | None = None,
    set_aside_form: SetAsideForm | None = None,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    can_decide = perms.can_decide(user)
    signed = delegation.agreements_signed.all()
    visible_signed = list(
        Agreement.objects.visible_to(user).filter(delegations=delegation).order_by("-signed_on")
    )
    context = {
        "delegation": delegation,
        "today": today,
        "partners": delegation.partners.select_related("parent"),
        "cooperation_fields": delegation.fields.all(),
        "members": delegation.members.select_related("agency"),
        "agreements": visible_signed,
        "hidden_agreements": signed.count() - len(visible_signed),
        "report": delegation.report_status(today),
        "can_edit": perms.can_edit_delegation(user, delegation),
        "can_record_results": perms.can_record_results(user, delegation)
        and delegation.state in WITH_RESULTS,
        "can_approve": can_decide and delegation.state in APPROVABLE,
        "can_set_aside": can_decide and delegation.state not in SETTLED,
    }
    if context["can_approve"]:
        context["approve_form"] = approve_form or ApproveForm(
            prefix="approve",
            initial={
                "decision_date": today,
                "decision_number": delegation.decision_number,
                "decision_authority": delegation.decision_authority,
            },
        )
    if context["can_set_aside"]:
        context["set_aside_form"] = set_aside_form or SetAsideForm(prefix="aside")
    return render(request, "delegations/delegation_detail.html", context)


@require_GET
def delegation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, visible_delegation(request, pk))


# ---------------------------------------------------------------------------
# Delegations: propose and edit, with the members
# ---------------------------------------------------------------------------
class DelegationFormView(PermissionMixin, View):
    template_name = "delegations/delegation_form.html"
    delegation: Delegation | None = None

    def get_form(self, data=None) -> DelegationForm:
        return DelegationForm(data, user=self.request.user, initial=self.get_initial())

    def get_initial(self) -> dict:
        return {}

    def get_formset(self, data=None):
        initial = member_initial(self.delegation) if self.delegation else None
        return MemberFormSet(data, prefix="members", initial=initial)

    def render_form(self, form, formset) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"form": form, "formset": formset, "delegation": self.delegation},
        )

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form(), self.get_formset())

    def post(self, request, *args, **kwargs):
        form, formset = self.get_form(request.POST), self.get_formset(request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                delegation = self.save(form, formset.members())
            except DomainError as error:
                _form_error(form, error)
            else:
                return redirect(delegation)
        return self.render_form(form, formset)

    def save(self, form: DelegationForm, members: list[dict]) -> Delegation:
        raise NotImplementedError


class DelegationCreateView(DelegationFormView):
    def has_permission(self) -> bool:
        return perms.can_propose(self.request.user)

    def get_initial(self) -> dict:
        """Proposing from the plan (``?plan_item=``) starts from the planned delegation."""
        try:
            pk = int(self.request.GET.get("plan_item", ""))
        except ValueError:
            return {}
        item = PlanItem.objects.select_related("plan").filter(pk=pk).first()
        if item is None:
            return {}
        initial = {
            "plan_item": item.pk,
            "direction": item.plan.direction,
            "title": item.description,
            "purpose": item.purpose,
            "country": item.country,
            "partners": list(item.partners.values_list("pk", flat=True)),
            "fields": list(item.fields.values_list("pk", flat=True)),
            "funding_source": item.funding_source,
        }
        if perms.can_decide(self.request.user):
            initial["host_agency"] = item.lead_agency_id
        return initial

    def save(self, form: DelegationForm, members: list[dict]) -> Delegation:
        delegation = services.delegation_propose(
            user=self.request.user,
            data=form.service_data(),
            partners=form.cleaned_data["partners"],
            fields=form.cleaned_data["fields"],
            members=members,
        )
        messages.success(self.request, _("The delegation has been proposed."))
        return delegation


class DelegationUpdateView(DelegationFormView):
    def dispatch(self, request, *args, **kwargs):
        self.delegation = visible_delegation(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self) -> bool:
        return perms.can_edit_delegation(self.request.user, self.delegation)

    def get_form(self, data=None) -> DelegationForm:
        return DelegationForm(data, user=self.request.user, instance=self.delegation)

    def save(self, form: DelegationForm, members: list[dict]) -> Delegation:
        # The form has written its values onto the instance; the service applies them to a
        # fresh copy, so that a refused change leaves nothing half-applied.
        delegation = Delegation.objects.get(pk=self.delegation.pk)
        services.delegation_update(
            delegation=delegation,
            user=self.request.user,
            data=form.service_data(),
            partners=form.cleaned_data["partners"],
            fields=form.cleaned_data["fields"],
            members=members,
        )
        messages.success(self.request, _("The delegation has been saved."))
        return delegation


# ---------------------------------------------------------------------------
# Delegations: transitions
# ---------------------------------------------------------------------------
@require_POST
def delegation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = visible_delegation(request, pk)
    if not perms.can_decide(request.user):
        raise PermissionDenied
    form = ApproveForm(request.POST, prefix="approve")
    if form.is_valid():
        try:
            services.delegation_approve(
                delegation=delegation, user=request.user, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The delegation has been approved."))
            return redirect(delegation)
    return _render_detail(request, delegation, approve_form=form)


@require_POST
def delegation_set_aside(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = visible_delegation(request, pk)
    if not perms.can_decide(request.user):
        raise PermissionDenied
    form = SetAsideForm(request.POST, prefix="aside")
    if form.is_valid():
        try:
            updated = services.delegation_set_aside(
                delegation=delegation, user=request.user, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("The delegation is now “%(state)s”.") % {"state": updated.get_state_display()},
            )
            return redirect(delegation)
    return _render_detail(request, delegation, set_aside_form=form)


class DelegationResultsView(PermissionMixin, View):
    """After the trip: actual dates, results, agreements signed, the report's arrival."""

    template_name = "delegations/delegation_results.html"

    def dispatch(self, request, *args, **kwargs):
        self.delegation = visible_delegation(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self) -> bool:
        return perms.can_record_results(self.request.user, self.delegation)

    def get(self, request, *args, **kwargs):
        delegation = self.delegation
        if delegation.state not in WITH_RESULTS:
            messages.error(request, _("Only an approved delegation can record results."))
            return redirect(delegation)
        form = ResultsForm(
            user=request.user,
            initial={
                "actual_start": delegation.actual_start or delegation.planned_start,
                "actual_end": delegation.actual_end or delegation.planned_end,
                "results": delegation.results,
                "agreements_signed": list(
                    delegation.agreements_signed.values_list("pk", flat=True)
                ),
                "report_received_on": delegation.report_received_on,
            },
        )
        return self.render_form(form)

    def post(self, request, *args, **kwargs):
        form = ResultsForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            # Agreements the user cannot see stay linked: the form could not offer them.
            hidden = self.delegation.agreements_signed.exclude(
                pk__in=Agreement.objects.visible_to(request.user).values("pk")
            )
            try:
                services.delegation_record_results(
                    delegation=self.delegation,
                    user=request.user,
                    actual_start=data["actual_start"],
                    actual_end=data["actual_end"],
                    results=data["results"],
                    agreements_signed=[*data["agreements_signed"], *hidden],
                    report_received_on=data["report_received_on"],
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The delegation's results have been recorded."))
                return redirect(self.delegation)
        return self.render_form(form)

    def render_form(self, form) -> HttpResponse:
        return render(
            self.request, self.template_name, {"form": form, "delegation": self.delegation}
        )


# ---------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------
class PlanListView(ListView):
    template_name = "delegations/plan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        return DelegationPlan.objects.annotate(
            item_count=Count("items", distinct=True),
            delegation_count=Count("items__delegations", distinct=True),
        ).order_by("-year", "direction")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_manage=perms.can_manage_plans(self.request.user), **kwargs
        )


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(DelegationPlan, pk=pk)
    items = plan.items.select_related("lead_agency").prefetch_related(
        "partners",
        "fields",
        Prefetch(
            "delegations",
            queryset=Delegation.objects.select_related("host_agency").order_by(
                "planned_start", "id"
            ),
        ),
    )
    outside = urlencode({"year": plan.year, "direction": plan.direction, "plan": "out"})
    return render(
        request,
        "delegations/plan_detail.html",
        {
            "plan": plan,
            "items": items,
            "can_manage": perms.can_manage_plans(request.user),
            "can_propose": perms.can_propose(request.user),
            "outside_url": f"{reverse('delegations:list')}?{outside}",
        },
    )


class PlanCreateView(PermissionMixin, View):
    template_name = "delegations/plan_form.html"

    def has_permission(self) -> bool:
        return perms.can_manage_plans(self.request.user)

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"form": PlanForm()})

    def post(self, request, *args, **kwargs):
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                plan = services.plan_create(user=request.user, data=form.cleaned_data)
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The plan has been created."))
                return redirect(plan)
        return render(request, self.template_name, {"form": form})


class PlanItemFormView(PermissionMixin, View):
    template_name = "delegations/plan_item_form.html"
    item: PlanItem | None = None

    def dispatch(self, request, *args, **kwargs):
        self.plan = get_object_or_404(DelegationPlan, pk=kwargs["pk"])
        if "item_pk" in kwargs:
            self.item = get_object_or_404(PlanItem, pk=kwargs["item_pk"], plan=self.plan)
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self) -> bool:
        return perms.can_manage_plans(self.request.user)

    def render_form(self, form) -> HttpResponse:
        return render(
            self.request, self.template_name, {"form": form, "plan": self.plan, "item": self.item}
        )

    def get(self, request, *args, **kwargs):
        return self.render_form(PlanItemForm(instance=self.item))

    def post(self, request, *args, **kwargs):
        form = PlanItemForm(request.POST, instance=self.item)
        if form.is_valid():
            item = PlanItem.objects.get(pk=self.item.pk) if self.item else None
            try:
                services.plan_item_save(
                    user=request.user,
                    plan=self.plan,
                    data=form.service_data(),
                    partners=form.cleaned_data["partners"],
                    fields=form.cleaned_data["fields"],
                    item=item,
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The planned delegation has been saved."))
                return redirect(self.plan)
        return self.render_form(form)


# ---------------------------------------------------------------------------
# Plan against what happened; delegations and person-trips over a date range
# ---------------------------------------------------------------------------
@require_GET
def plan_vs_actual(request: HttpRequest) -> HttpResponse:
    form = PlanVsActualForm(request.GET)
    if form.is_valid():
        params = form.cleaned_data
        form = PlanVsActualForm(initial=params)
    else:
        fallback = PlanVsActualForm({})
        fallback.is_valid()
        params = fallback.cleaned_data
    year, direction = params["year"], params["direction"]
    figures = services.plan_vs_actual(year=year, direction=direction)
    states = [
        {
            "value": state,
            "label": label,
            "in_plan": figures.in_plan.get(state, 0),
            "outside": figures.outside_plan.get(state, 0),
        }
        for state, label in D.choices
    ]
    done_in_plan = figures.in_plan.get(D.DONE, 0)
    totals = services.delegation_totals(start=params["start"], end=params["end"])
    base_query = {"year": year, "direction": direction}
    return render(
        request,
        "delegations/plan_vs_actual.html",
        {
            "form": form,
            "year": year,
            "direction": direction,
            "direction_label": Direction(direction).label,
            "plan": DelegationPlan.objects.filter(year=year, direction=direction).first(),
            "figures": figures,
            "states": states,
            "in_plan_total": sum(figures.in_plan.values()),
            "outside_total": sum(figures.outside_plan.values()),
            "done_in_plan": done_in_plan,
            "done_percent": round(100 * done_in_plan / figures.planned)
            if figures.planned
            else None,
            "by_country": [
                (countries.name(code) if code else "—", planned, done)
                for code, planned, done in figures.by_country
            ],
            "by_purpose": [
                (Purpose(purpose).label, planned, done)
                for purpose, planned, done in figures.by_purpose
            ],
            "list_query": urlencode(base_query),
            "start": params["start"],
            "end": params["end"],
            "totals": [(Direction(d).label, tally) for d, tally in totals.items()],
            "total_delegations": sum(t.delegations for t in totals.values()),
            "total_people": sum(t.people for t in totals.values()),
            "conferences": services.conference_totals(start=params["start"], end=params["end"]),
        },
    )


# ---------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------
def _month(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
    except ValueError:
        raise Http404 from None
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    return year, month


@require_GET
def delegation_calendar(request: HttpRequest) -> HttpResponse:
    """The month's delegations and conferences, by day, each on every day it runs."""
    year, month = _month(request)
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    delegations = list(
        Delegation.objects.visible_to(request.user)
        .annotate(
            first_day=Coalesce("actual_start", "planned_start"),
            last_day=Coalesce("actual_end", "planned_end"),
        )
        .filter(first_day__lte=last, last_day__gte=first)
        .select_related("host_agency")
        .order_by("first_day", "id")
    )
    conferences = list(
        Conference.objects.filter(start_on__lte=last, end_on__gte=first)
        .select_related("organiser")
        .order_by("start_on", "id")
    )
    days = []
    for number in range(1, last.day + 1):
        day = date(year, month, number)
        days.append(
            {
                "date": day,
                "weekend": day.weekday() >= 5,
                "delegations": [d for d in delegations if d.first_day <= day <= d.last_day],
                "conferences": [c for c in conferences if c.start_on <= day <= c.end_on],
            }
        )
    previous_month = first - timedelta(days=1)
    next_month = last + timedelta(days=1)
    return render(
        request,
        "delegations/calendar.html",
        {
            "year": year,
            "month": month,
            "days": days,
            "today": timezone.localdate(),
            "delegations": delegations,
            "conferences": conferences,
            "previous": {"year": previous_month.year, "month": previous_month.month},
            "next": {"year": next_month.year, "month": next_month.month},
        },
    )
