"""Forms for international conferences and workshops (Decision 06/2020/QĐ-TTg)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import permissions as role
from accounts.models import Agency
from accounts.widgets import PlainNumberInput, PlainSelect
from agreements.forms import DATE_WIDGET, BootstrapMixin
from partners.models import Partner

from .models import Conference

C = Conference.State


class ConferenceFilterForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=2000, max_value=2100, widget=PlainNumberInput
    )
    state = forms.ChoiceField(label=_("State"), required=False, widget=PlainSelect)
    organiser = forms.ModelChoiceField(
        label=_("Organiser"), required=False, queryset=Agency.objects.none(), widget=PlainSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *C.choices]
        # Inactive agencies keep their past conferences: they stay selectable here.
        self.fields["organiser"].queryset = Agency.objects.order_by("name")
        self.fields["organiser"].empty_label = _("All organisers")
        self.fields["year"].widget.attrs["placeholder"] = _("Year")
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs["aria-label"] = field.label

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["year"]:
            queryset = queryset.filter(start_on__year=data["year"])
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        if data["organiser"]:
            queryset = queryset.filter(organiser=data["organiser"])
        return queryset


class ConferenceForm(BootstrapMixin, forms.ModelForm):
    """The record an organiser proposes; officials may also correct the approval decision
    of a conference that is already approved."""

    class Meta:
        model = Conference
        fields = [
            "title",
            "purpose",
            "organiser",
            "start_on",
            "end_on",
            "place",
            "format",
            "partners",
            "foreign_participants",
            "participants_note",
            "approval_authority",
            "application_date",
            "decision_number",
            "decision_date",
        ]
        widgets = {
            "start_on": DATE_WIDGET,
            "end_on": DATE_WIDGET,
            "application_date": DATE_WIDGET,
            "decision_date": DATE_WIDGET,
            "partners": forms.SelectMultiple(attrs={"size": 8}),
            "participants_note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "title": _("Title of the conference or workshop"),
            "approval_authority": _("Approving authority"),
            "start_on": _("Opening date"),
            "end_on": _("Closing date"),
            "foreign_participants": _("Foreign participants (expected)"),
        }
        help_texts = {
            "approval_authority": _(
                "The Prime Minister approves some conferences (Decision 06/2020/QĐ-TTg); the "
                "application is then due 40 days before the opening instead of 30."
            ),
            "application_date": _(
                "The date the application was filed for approval. Leave it empty if it has not "
                "been filed yet: the lead time is then checked against today."
            ),
            "participants_note": _("Foreign delegations and guests expected."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Partner.objects.order_by("name_vi")
        if role.is_official(user):
            # An organiser that has since been deactivated stays valid on its own record.
            self.fields["organiser"].queryset = Agency.objects.filter(
                Q(is_active=True) | Q(pk=self.instance.organiser_id)
            ).order_by("name")
        else:
            # A reporter proposes for their own agency only.
            self.fields["organiser"].queryset = Agency.objects.filter(pk=user.agency_id)
            self.fields["organiser"].empty_label = None
            self.fields["organiser"].initial = user.agency_id
        if role.is_official(user) and self.instance.state in {C.APPROVED, C.HELD}:
            # Only an official corrects the decision of an approved conference; it stays set.
            self.fields["decision_number"].required = True
            self.fields["decision_date"].required = True
        else:
            # The decision is entered when approving (conference_decide).
            del self.fields["decision_number"]
            del self.fields["decision_date"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_on"), cleaned.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", _("The closing date cannot be before the opening date."))
        applied = cleaned.get("application_date")
        if applied and start and applied > start:
            self.add_error(
                "application_date", _("The application cannot be filed after the opening.")
            )
        return cleaned

    def service_data(self) -> dict:
        """The cleaned values for services.conference_save (the partners go separately)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "partners"}


class ConferenceApproveForm(BootstrapMixin, forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE_WIDGET)


class ConferenceCancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ConferenceResultsForm(BootstrapMixin, forms.Form):
    results = forms.CharField(
        label=_("Results"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the conference achieved: outcomes, documents signed, follow-up."),
    )
    foreign_participants = forms.IntegerField(
        label=_("Number of foreign participants"), min_value=0
    )
    report_received_on = forms.DateField(
        label=_("Results report received on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty until the organiser's results report has arrived."),
    )


class AnnualReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update(
            {"class": "form-control form-control-sm", "aria-label": _("Year")}
        )
