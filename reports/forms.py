from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from agreements.forms import DATE_WIDGET, BootstrapMixin

from .models import ConsolidatedReport
from .periods import PeriodKind
from .sections import PERIOD_SECTIONS


class PeriodForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=PeriodKind.choices)
    deadline = forms.DateField(
        label=_("Submission deadline"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Left empty: a few working days after the data cut-off."),
    )
    expected_agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies expected to report"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Left empty: every active agency but the department."),
    )


class AgencyReportForm(BootstrapMixin, forms.Form):
    """One text area per section of the report (reports.sections.PERIOD_SECTIONS)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section in PERIOD_SECTIONS:
            self.fields[section.key] = forms.CharField(
                label=section.title,
                required=False,
                max_length=20_000,
                widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
            )

    def grouped(self) -> list[dict]:
        from .sections import numbered

        groups = numbered(PERIOD_SECTIONS)
        for group in groups:
            group["fields"] = [(s, self[s.key]) for s in group["sections"]]
        return groups


class ReturnForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AcceptForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConsolidatedStartForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ConsolidatedReport.Kind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class SectionForm(BootstrapMixin, forms.Form):
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("One paragraph per line."),
    )


class SubjectForm(BootstrapMixin, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=500)


class IssueForm(BootstrapMixin, forms.Form):
    number = forms.IntegerField(
        label=_("Number"),
        min_value=1,
        required=False,
        help_text=_("Left empty: the next number of the year."),
    )
    issued_on = forms.DateField(label=_("Date of issue"), widget=DATE_WIDGET)
    signer_authority = forms.CharField(
        label=_("Signing authority"),
        required=False,
        max_length=100,
        help_text=_("For example KT. GIÁM ĐỐC (signing on behalf); empty if the head signs."),
    )
    signer_title = forms.CharField(label=_("Signer's title"), max_length=100)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=150)
    recipients = forms.CharField(
        label=_("Recipients"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line; the last one is the archive."),
    )

    @classmethod
    def initial_for(cls, report: ConsolidatedReport) -> dict:
        from .services import default_recipients

        last = report.issues.order_by("-version").first()
        portal = settings.PORTAL
        return {
            "issued_on": timezone.localdate(),
            "signer_authority": last.signer_authority if last else portal["SIGNER_AUTHORITY"],
            "signer_title": last.signer_title if last else portal["SIGNER_TITLE"],
            "signer_name": last.signer_name if last else portal["SIGNER_NAME"],
            "recipients": last.recipients if last else default_recipients(report.kind),
        }
