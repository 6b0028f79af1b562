"""FastSelect writes the same HTML as Django's Select templates."""

from __future__ import annotations

import pytest
from django import forms

from accounts.models import Agency
from accounts.widgets import FastSelect
from agreements.forms import AgreementFilterForm
from delegations.forms import DelegationFilterForm
from tests.factories import AgencyFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def _both(**kwargs) -> tuple[forms.Field, forms.Field]:
    return (
        forms.ModelChoiceField(widget=forms.Select, **kwargs),
        forms.ModelChoiceField(widget=FastSelect, **kwargs),
    )


def test_same_html_as_the_templates_selected_or_not_with_escaping():
    AgencyFactory(name='Sở "Tài chính" <&> Đắk Lắk', short_name="STC")
    AgencyFactory(name="Sở Y tế", short_name="SYT")
    chosen = AgencyFactory(name="Ban Quản lý", short_name="BQL")
    queryset = Agency.objects.order_by("name")
    slow, fast = _both(queryset=queryset, required=False, empty_label="Tất cả <cơ quan>")
    attrs = {"id": "id_agency", "class": "form-select", "required": True, "disabled": False}
    for value in (None, "", chosen.pk, str(chosen.pk), 999999):
        expected = slow.widget.render("agency", value, attrs)
        assert fast.widget.render("agency", value, attrs) == expected
    assert "&lt;&amp;&gt;" in expected and "&quot;Tài chính&quot;" in expected
    assert f'<option value="{chosen.pk}" selected>' in fast.widget.render("a", chosen.pk)


def test_option_groups_fall_back_to_the_templates():
    choices = [("", "—"), ("Miền Bắc", [("1", "Hà Nội"), ("2", "Hải Phòng")]), ("3", "Huế")]
    slow = forms.Select(choices=choices)
    fast = FastSelect(choices=choices)
    assert fast.render("city", "2") == slow.render("city", "2")
    assert "<optgroup" in fast.render("city", "2")


def test_filter_forms_render_their_agency_and_partner_lists_the_same():
    AgencyFactory(name="Sở Ngoại vụ <test>")
    PartnerFactory(name_vi="Tỉnh Chăm-pa-sắc & Lào")
    for form_class, names in (
        (AgreementFilterForm, ("lead_agency", "partner")),
        (DelegationFilterForm, ("host_agency", "partner")),
    ):
        form = form_class(None)
        for name in names:
            field = form.fields[name]
            assert isinstance(field.widget, FastSelect)
            expected = forms.Select.render(field.widget, name, "", {"id": f"id_{name}"})
            assert str(form[name]) == expected
