from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.forms import DATE_WIDGET, BootstrapMixin, period_choices
from reports.periods import Period, PeriodKind

from .models import Task


class MeasurementForm(BootstrapMixin, forms.Form):
    period = forms.ChoiceField(label=_("Reporting period"))
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2, min_value=0)
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence_file = forms.FileField(label=_("Evidence file (PDF)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = period_choices(timezone.localdate())
        self.fields["period"].choices = choices
        self.fields["period"].initial = choices[0][0]

    def clean_period(self) -> Period:
        year, kind = self.cleaned_data["period"].split("-", 1)
        if kind not in PeriodKind.values:
            raise forms.ValidationError(_("Choose a reporting period."))
        return Period(int(year), kind)

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload is None:
            return None
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("The evidence file must be a PDF."))
        return upload


class TaskProgressForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=Task.State.choices)
    noted_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
