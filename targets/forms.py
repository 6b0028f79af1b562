from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from agreements.forms import DATE_WIDGET, BootstrapMixin, period_choices
from reports.periods import Period, PeriodKind

from .models import Task, TaskPlan


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


class TaskPlanForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = TaskPlan
        fields = ["kind", "number", "issued_on", "issuer", "title"]
        widgets = {"issued_on": DATE_WIDGET, "title": forms.Textarea(attrs={"rows": 2})}


class TaskForm(BootstrapMixin, forms.ModelForm):
    """A row of a plan's task-assignment table (its state is reported with the progress)."""

    class Meta:
        model = Task
        fields = [
            "text",
            "lead_agency",
            "coordinating_agencies",
            "deadline",
            "deadline_text",
            "order",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "coordinating_agencies": forms.SelectMultiple(attrs={"size": 8}),
            "deadline": DATE_WIDGET,
        }
        help_texts = {"order": _("Empty: after the plan's last task.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An agency closed since the task was assigned stays choosable on that task.
        current = [self.instance.lead_agency_id] if self.instance.lead_agency_id else []
        agencies = Agency.objects.filter(Q(is_active=True) | Q(pk__in=current))
        self.fields["lead_agency"].queryset = agencies
        if self.instance.pk:
            current += list(self.instance.coordinating_agencies.values_list("pk", flat=True))
        self.fields["coordinating_agencies"].queryset = Agency.objects.filter(
            Q(is_active=True) | Q(pk__in=current)
        )
        self.fields["order"].required = False
        if not self.instance.pk:
            self.initial["order"] = None

    def service_data(self) -> dict:
        names = [name for name in self.Meta.fields if name != "coordinating_agencies"]
        return {name: self.cleaned_data[name] for name in names}
