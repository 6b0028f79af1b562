from django import forms
from django_countries import countries

from agreements.forms import DATE_WIDGET, BootstrapMixin

from .models import Partner


class PartnerForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Partner
        fields = [
            "name_vi",
            "name_native",
            "abbreviation",
            "kind",
            "country",
            "parent",
            "relation_status",
            "relation_established_on",
            "is_twinned",
            "contacts",
            "notes",
        ]
        widgets = {
            "relation_established_on": DATE_WIDGET,
            "contacts": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Country names follow the active language (Vietnamese names from django-countries).
        self.fields["country"].choices = [("", "—"), *countries]
        parents = Partner.objects.localities().order_by("name_vi")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
