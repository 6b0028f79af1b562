from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from accounts.text import nfc
from accounts.widgets import LookupChoiceField, PlainNumberInput, PlainSelect, PlainTextInput
from partners.models import Partner
from reports.periods import Period, PeriodKind, current_period

from .models import (
    Agreement,
    AgreementDocument,
    AgreementEvent,
    EvaluationCriterion,
    FieldOfCooperation,
    Output,
    Review,
)

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
# The years a date of the registers may have. dd/mm/yyyy parses 01/01/0001 and 31/12/9999
# too, and a deadline computed from those (a date minus 30 days) does not exist.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def validate_date_range(value) -> None:
    if value and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(first)s and %(last)s."),
            code="date_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


# The smallest integer column of the databases the portal runs on (PostgreSQL's integer): a
# larger whole number is refused on the form rather than failing when it is saved.
MAX_INTEGER = 2_147_483_647


def bound_dates(form: forms.BaseForm) -> None:
    """Every date field of ``form`` refuses dates outside FIRST_YEAR–LAST_YEAR, and every
    whole-number field without an upper bound gets MAX_INTEGER."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and validate_date_range not in field.validators:
            field.validators.append(validate_date_range)
        whole = isinstance(field, forms.IntegerField) and not isinstance(
            field, forms.DecimalField | forms.FloatField
        )
        if whole and field.max_value is None:
            field.max_value = MAX_INTEGER
            field.validators.append(MaxValueValidator(MAX_INTEGER))


class BootstrapMixin:
    """Adds Bootstrap classes to every widget; numbers accept the decimal comma; dates are
    kept within the years 1900–2100."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_dates(self)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField):
                field.localize = True
                field.widget.is_localized = True
                field.widget.input_type = "text"
                field.widget.attrs.pop("step", None)
                field.widget.attrs.setdefault("inputmode", "decimal")
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class AgreementForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "kind",
            "number",
            "title_vi",
            "title_en",
            "partners",
            "signing_level",
            "state",
            "signed_on",
            "signed_place",
            "languages",
            "signer_vn_name",
            "signer_vn_title",
            "signer_partner_name",
            "signer_partner_title",
            "effective_on",
            "end_on",
            "term_text",
            "auto_renewal",
            "fields",
            "lead_agency",
            "coordinating_agencies",
            "objectives",
            "evaluation_mechanism",
            "is_public",
            "notes",
        ]
        widgets = {
            "signed_on": DATE_WIDGET,
            "effective_on": DATE_WIDGET,
            "end_on": DATE_WIDGET,
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "evaluation_mechanism": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "partners": forms.SelectMultiple(attrs={"size": 8}),
            "fields": forms.SelectMultiple(attrs={"size": 6}),
            "coordinating_agencies": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "state": _(
                "For a new proposal keep “Proposed”. To register an agreement signed earlier, "
                "choose its current state; later changes are recorded as events."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Partner.objects.order_by("name_vi")
        self.fields["lead_agency"].queryset = Agency.objects.active()
        self.fields["coordinating_agencies"].queryset = Agency.objects.active()
        self.fields["evaluation_mechanism"].required = True
        if self.instance.pk:
            # The state of a registered agreement changes only through its events.
            del self.fields["state"]
        else:
            allowed = {
                Agreement.State.PROPOSED,
                Agreement.State.SIGNED,
                Agreement.State.IN_FORCE,
                Agreement.State.EXPIRED,
                Agreement.State.TERMINATED,
            }
            self.fields["state"].choices = [
                (value, label) for value, label in Agreement.State.choices if value in allowed
            ]

    def clean_number(self) -> str:
        # The register's rule (agreement_check_number_free), on the field: the database
        # constraint behind it would only say, in English, that a constraint is violated.
        number = nfc(self.cleaned_data.get("number") or "").strip()
        if number and Agreement.objects.filter(number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Another agreement already has the number %(number)s."),
                code="duplicate",
                params={"number": number},
            )
        return number

    def clean(self):
        cleaned = super().clean()
        state = cleaned.get("state")
        signed_on = cleaned.get("signed_on")
        if state and state != Agreement.State.PROPOSED and not signed_on:
            self.add_error("signed_on", _("A signed agreement needs its signing date."))
        if signed_on and signed_on > timezone.localdate():
            self.add_error("signed_on", _("The signing date cannot be in the future."))
        effective_on, end_on = cleaned.get("effective_on"), cleaned.get("end_on")
        if effective_on and end_on and end_on < effective_on:
            self.add_error("end_on", _("The end date cannot be before the entry into force."))
        if signed_on and effective_on and effective_on < signed_on:
            self.add_error("effective_on", _("Entry into force cannot be before signing."))
        return cleaned


class EventForm(BootstrapMixin, forms.Form):
    occurred_on = forms.DateField(label=_("Date (takes effect)"), widget=DATE_WIDGET)
    decision_number = forms.CharField(label=_("Document number"), required=False, max_length=100)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    new_end_on = forms.DateField(label=_("New end date"), required=False, widget=DATE_WIDGET)
    # Signing particulars
    signed_place = forms.CharField(label=_("Place of signing"), required=False, max_length=200)
    languages = forms.CharField(label=_("Languages"), required=False, max_length=200)
    signer_vn_name = forms.CharField(label=_("Vietnamese signer"), required=False, max_length=200)
    signer_vn_title = forms.CharField(label=_("Title"), required=False, max_length=200)
    signer_partner_name = forms.CharField(
        label=_("Partner's signer"), required=False, max_length=200
    )
    signer_partner_title = forms.CharField(label=_("Title"), required=False, max_length=200)

    SIGNING_FIELDS = (
        "signed_place",
        "languages",
        "signer_vn_name",
        "signer_vn_title",
        "signer_partner_name",
        "signer_partner_title",
    )

    def __init__(self, *args, kind: str, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != AgreementEvent.Kind.EXTENSION:
            del self.fields["new_end_on"]
        else:
            self.fields["new_end_on"].required = True
        if kind != AgreementEvent.Kind.SIGNING:
            for name in self.SIGNING_FIELDS:
                del self.fields[name]
        else:
            for name in self.SIGNING_FIELDS:
                self.fields[name].initial = getattr(agreement, name)
            self.fields["signer_vn_name"].required = True
            self.fields["signer_partner_name"].required = True

    def details(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in self.SIGNING_FIELDS if name in self.fields
        }


class NoticeDoneForm(BootstrapMixin, forms.Form):
    done_on = forms.DateField(label=_("Sent on"), widget=DATE_WIDGET)
    reference = forms.CharField(label=_("Document number"), required=False, max_length=100)


class OutputForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Output
        fields = [
            "description",
            "indicator",
            "unit",
            "target_value",
            "due_on",
            "responsible_agency",
            "current_value",
            "status",
            "progress_note",
        ]
        widgets = {"due_on": DATE_WIDGET, "progress_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_agency"].queryset = Agency.objects.active()


class OutputProgressForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Output
        fields = ["current_value", "status", "progress_note"]
        widgets = {"progress_note": forms.Textarea(attrs={"rows": 3})}


def period_choices(today) -> list[tuple[str, str]]:
    current = current_period(today)
    periods = [current, current.previous(), current.previous().previous()]
    return [(f"{p.year}-{p.kind}", p.label) for p in periods]


class ReviewForm(BootstrapMixin, forms.ModelForm):
    period = forms.ChoiceField(label=_("Reporting period"))
    field_order = ["period", "reviewed_on", "overall", "achievements", "difficulties", "proposals"]

    class Meta:
        model = Review
        fields = ["reviewed_on", "overall", "achievements", "difficulties", "proposals"]
        widgets = {
            "reviewed_on": DATE_WIDGET,
            "achievements": forms.Textarea(attrs={"rows": 4}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "proposals": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["period"].choices = period_choices(today)
        self.fields["period"].initial = period_choices(today)[0][0]
        self.fields["reviewed_on"].initial = today
        self.criteria = list(EvaluationCriterion.objects.filter(is_active=True))
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=criterion.max_score,
                help_text=_("0 to %(max)s") % {"max": criterion.max_score},
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )

    def clean_period(self) -> Period:
        year, kind = self.cleaned_data["period"].split("-", 1)
        if kind not in PeriodKind.values:
            raise forms.ValidationError(_("Choose a reporting period."))
        return Period(int(year), kind)

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}

    def score_fields(self):
        return [self[f"score_{c.pk}"] for c in self.criteria]


class DocumentForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = AgreementDocument
        fields = ["kind", "title", "file"]
        widgets = {
            "file": forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff"})
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False


class AgreementFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=PlainTextInput)
    state = forms.ChoiceField(label=_("State"), required=False, widget=PlainSelect)
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=PlainSelect)
    lead_agency = LookupChoiceField(
        label=_("Lead agency"),
        required=False,
        queryset=Agency.objects.none(),
        lookup_url="accounts:lookup",
        label_field="name",
    )
    partner = LookupChoiceField(
        label=_("Partner"),
        required=False,
        queryset=Partner.objects.none(),
        lookup_url="partners:lookup",
        label_field="name_vi",
    )
    year = forms.IntegerField(
        label=_("Year signed"),
        required=False,
        min_value=1990,
        max_value=2100,
        widget=PlainNumberInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *Agreement.State.choices]
        self.fields["kind"].choices = [("", _("All kinds")), *Agreement.Kind.choices]
        self.fields["lead_agency"].queryset = Agency.objects.active().only("pk", "name")
        self.fields["lead_agency"].empty_label = _("All agencies")
        self.fields["partner"].queryset = Partner.objects.order_by("name_vi").only("pk", "name_vi")
        self.fields["partner"].empty_label = _("All partners")
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.search(data["q"])
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["lead_agency"]:
            queryset = queryset.filter(lead_agency=data["lead_agency"])
        if data["partner"]:
            queryset = queryset.filter(partners=data["partner"])
        if data["year"]:
            queryset = queryset.filter(signed_on__year=data["year"])
        return queryset


class CriterionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = EvaluationCriterion
        fields = ["name", "description", "max_score", "order", "is_active"]
        widgets = {"description": forms.TextInput()}


class FieldOfCooperationForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = FieldOfCooperation
        fields = ["name", "name_en", "is_active"]


CriterionFormSet = forms.modelformset_factory(
    EvaluationCriterion, form=CriterionForm, extra=1, can_delete=False
)
FieldFormSet = forms.modelformset_factory(
    FieldOfCooperation, form=FieldOfCooperationForm, extra=2, can_delete=False
)
