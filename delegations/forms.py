"""Forms for delegations and annual plans: they validate and render; services write."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts import permissions as roles
from accounts.models import Agency
from accounts.widgets import LookupChoiceField, PlainNumberInput, PlainSelect
from agreements.forms import DATE_WIDGET, BootstrapMixin
from agreements.models import Agreement, FieldOfCooperation
from partners.models import Partner
from reports.periods import Period, PeriodKind, current_period

from .models import Delegation, DelegationPlan, Direction, PlanItem

MONTH_CHOICES = [(m, format_lazy("{} {}", _("Month"), m)) for m in range(1, 13)]


def _country_choices() -> list[tuple[str, str]]:
    # Evaluated per form, so the names follow the active language (Vietnamese names).
    return [("", "—"), *countries]


class PlanItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanItem) -> str:
        return f"{obj.plan.year} – {obj.description}"


# ---------------------------------------------------------------------------
# Delegations
# ---------------------------------------------------------------------------
class DelegationForm(BootstrapMixin, forms.ModelForm):
    """Propose or edit a delegation. A reporter's delegation is always their agency's."""

    plan_item = PlanItemChoiceField(
        label=_("Plan item it fulfils"),
        queryset=PlanItem.objects.none(),
        required=False,
        empty_label=_("— Outside the plan —"),
        help_text=_("A delegation outside the annual plan needs its own approval decision."),
    )

    class Meta:
        model = Delegation
        fields = [
            "direction",
            "plan_item",
            "title",
            "purpose",
            "country",
            "partners",
            "places",
            "head_name",
            "head_title",
            "programme",
            "fields",
            "planned_start",
            "planned_end",
            "host_agency",
            "funding_source",
            "budget",
        ]
        widgets = {
            "planned_start": DATE_WIDGET,
            "planned_end": DATE_WIDGET,
            "programme": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.SelectMultiple(attrs={"size": 8}),
            "fields": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["country"].choices = _country_choices()
        self.fields["partners"].queryset = Partner.objects.order_by("name_vi")
        self.fields["fields"].queryset = FieldOfCooperation.objects.filter(is_active=True)
        self.fields["host_agency"].queryset = Agency.objects.active()
        this_year = timezone.localdate().year
        years = {this_year - 1, this_year, this_year + 1}
        if self.instance.pk and self.instance.planned_start:
            years.add(self.instance.planned_start.year)
        items = PlanItem.objects.filter(plan__year__in=years)
        if self.instance.plan_item_id:
            items = items | PlanItem.objects.filter(pk=self.instance.plan_item_id)
        self.fields["plan_item"].queryset = items.select_related("plan").order_by(
            "plan__year", "plan__direction", "expected_month", "id"
        )
        if roles.is_reporter(user):
            # A reporter proposes for their own agency only; the field is shown, not editable.
            field = self.fields["host_agency"]
            field.disabled = True
            field.queryset = Agency.objects.filter(pk=user.agency_id)
            if not self.instance.pk:
                field.initial = user.agency_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The end cannot be before the start."))
        item, direction = cleaned.get("plan_item"), cleaned.get("direction")
        if item is not None:
            if direction and item.plan.direction != direction:
                self.add_error("plan_item", _("This plan item is for the other direction."))
            elif start and item.plan.year != start.year:
                self.add_error(
                    "plan_item",
                    _(
                        "This plan item belongs to the %(year)s plan; the delegation starts "
                        "in %(start)s."
                    )
                    % {"year": item.plan.year, "start": start.year},
                )
        return cleaned

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"partners", "fields"}}


class MemberForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)

    def __init__(self, *args, agency_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.active()
        if agency_choices is not None:
            # One query for the whole formset rather than one per row.
            self.fields["agency"].choices = agency_choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        others = cleaned.get("title") or cleaned.get("agency") or cleaned.get("organisation")
        if not (cleaned.get("name") or "").strip() and others and not cleaned.get("DELETE"):
            self.add_error("name", _("Enter the member's name."))
        return cleaned


class BaseMemberFormSet(forms.BaseFormSet):
    # Django's own messages for a tampered or oversized formset are not in its Vietnamese
    # catalogue.
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": _("A delegation has at most %(num)d members."),
        "missing_management_form": _(
            "The list of members was not sent in full (%(field_names)s). Reload the page and "
            "try again."
        ),
    }

    def __init__(self, *args, **kwargs):
        choices = [("", "---------")] + [
            (agency.pk, str(agency)) for agency in Agency.objects.active()
        ]
        kwargs.setdefault("form_kwargs", {})["agency_choices"] = choices
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def members(self) -> list[dict[str, Any]]:
        """The rows to keep, in order, as the service expects them."""
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or not (data.get("name") or "").strip():
                continue
            rows.append(
                {
                    "name": data["name"],
                    "title": data["title"],
                    "agency": data["agency"],
                    "organisation": data["organisation"],
                }
            )
        return rows


# Far more than any delegation has; the cap also bounds the work of a tampered form (Django
# would otherwise build up to 2,000 member forms, seconds of a worker).
MAX_MEMBERS = 300
MemberFormSet = forms.formset_factory(
    MemberForm,
    formset=BaseMemberFormSet,
    extra=5,
    can_delete=True,
    max_num=MAX_MEMBERS,
    absolute_max=MAX_MEMBERS,
    validate_max=True,
)


def member_initial(delegation: Delegation) -> list[dict[str, Any]]:
    return [
        {"name": m.name, "title": m.title, "agency": m.agency_id, "organisation": m.organisation}
        for m in delegation.members.all()
    ]


class ApproveForm(BootstrapMixin, forms.Form):
    decision_number = forms.CharField(
        label=_("Decision number"),
        max_length=100,
        required=False,
        help_text=_("Required for a delegation outside the plan."),
    )
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE_WIDGET)
    decision_authority = forms.CharField(label=_("Approving authority"), max_length=200)


class SetAsideForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (Delegation.State.POSTPONED, _("Postpone")),
            (Delegation.State.CANCELLED, _("Cancel")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ResultsForm(BootstrapMixin, forms.Form):
    actual_start = forms.DateField(label=_("Actual start"), widget=DATE_WIDGET)
    actual_end = forms.DateField(label=_("Actual end"), widget=DATE_WIDGET)
    results = forms.CharField(label=_("Results"), widget=forms.Textarea(attrs={"rows": 6}))
    agreements_signed = forms.ModelMultipleChoiceField(
        label=_("Agreements signed during the visit"),
        queryset=Agreement.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Register a new agreement in the agreements registry first."),
    )
    report_received_on = forms.DateField(
        label=_("Results report received on"), required=False, widget=DATE_WIDGET
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreements_signed"].queryset = Agreement.objects.visible_to(user).order_by(
            "-signed_on", "title_vi"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("actual_start"), cleaned.get("actual_end")
        if start and end and end < start:
            self.add_error("actual_end", _("The end cannot be before the start."))
        return cleaned


class DelegationFilterForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=2000, max_value=2100, widget=PlainNumberInput
    )
    direction = forms.ChoiceField(label=_("Direction"), required=False, widget=PlainSelect)
    state = forms.ChoiceField(label=_("State"), required=False, widget=PlainSelect)
    host_agency = LookupChoiceField(
        label=_("Host agency"),
        required=False,
        queryset=Agency.objects.none(),
        lookup_url="accounts:lookup",
        label_field="name",
    )
    plan = forms.ChoiceField(
        label=_("Plan"),
        required=False,
        widget=PlainSelect,
        choices=[
            ("", _("In and outside the plan")),
            ("in", _("In the plan")),
            ("out", _("Outside the plan")),
        ],
    )
    report = forms.ChoiceField(
        label=_("Results report"),
        required=False,
        widget=PlainSelect,
        choices=[("", _("Any results report")), ("overdue", _("Results report overdue"))],
    )
    partner = LookupChoiceField(
        label=_("Partner"),
        required=False,
        queryset=Partner.objects.none(),
        lookup_url="partners:lookup",
        label_field="name_vi",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = [("", _("Both directions")), *Direction.choices]
        self.fields["state"].choices = [("", _("All states")), *Delegation.State.choices]
        self.fields["host_agency"].queryset = Agency.objects.active().only("pk", "name")
        self.fields["host_agency"].empty_label = _("All agencies")
        self.fields["partner"].queryset = Partner.objects.order_by("name_vi").only("pk", "name_vi")
        self.fields["partner"].empty_label = _("All partners")
        self.fields["year"].widget.attrs["placeholder"] = _("Year")
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )

    def filter(self, queryset, today: date):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["year"]:
            queryset = queryset.filter(planned_start__year=data["year"])
        if data["direction"]:
            queryset = queryset.filter(direction=data["direction"])
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        if data["host_agency"]:
            queryset = queryset.filter(host_agency=data["host_agency"])
        if data["plan"] == "in":
            queryset = queryset.filter(plan_item__isnull=False)
        elif data["plan"] == "out":
            queryset = queryset.filter(plan_item__isnull=True)
        if data["report"] == "overdue":
            queryset = queryset.report_overdue(today)
        if data["partner"]:
            queryset = queryset.filter(partners=data["partner"])
        return queryset


# ---------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------
class PlanForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = DelegationPlan
        fields = ["year", "direction", "title", "decision_number", "decision_date", "notes"]
        widgets = {"decision_date": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        year.initial = timezone.localdate().year + 1
        # As every year of the portal's forms: 2000–2100.
        year.max_value = 2100
        year.validators.append(MaxValueValidator(2100))


class PlanItemForm(BootstrapMixin, forms.ModelForm):
    expected_month = forms.TypedChoiceField(
        label=_("Expected month"),
        choices=[("", "—"), *MONTH_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = PlanItem
        fields = [
            "purpose",
            "description",
            "country",
            "partners",
            "fields",
            "expected_month",
            "expected_timing",
            "expected_size",
            "lead_agency",
            "funding_source",
        ]
        widgets = {
            "partners": forms.SelectMultiple(attrs={"size": 8}),
            "fields": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices()
        self.fields["partners"].queryset = Partner.objects.order_by("name_vi")
        self.fields["fields"].queryset = FieldOfCooperation.objects.filter(is_active=True)
        self.fields["lead_agency"].queryset = Agency.objects.active()

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"partners", "fields"}}


# ---------------------------------------------------------------------------
# Figures and calendar
# ---------------------------------------------------------------------------
class PlanVsActualForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        year = cleaned.get("year") or timezone.localdate().year
        cleaned["year"] = year
        cleaned["direction"] = cleaned.get("direction") or Direction.OUTBOUND
        # The default range is the report period the year is in today: the 6-month report's
        # (15/12 → 14/06) until 14/06, then the annual report's (15/12 → 14/12).
        today = timezone.localdate()
        period = (
            current_period(today)
            if current_period(today).year == year
            else Period(year, PeriodKind.ANNUAL)
        )
        cleaned["start"] = cleaned.get("start") or period.start
        cleaned["end"] = cleaned.get("end") or period.end
        if cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end cannot be before the start."))
        return cleaned
