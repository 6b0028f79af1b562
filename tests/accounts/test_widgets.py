"""The filter forms' agency and partner lists (accounts.widgets.LookupSelect) and the search
boxes that answer them when a register is too long to list (accounts:lookup,
partners:lookup)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from accounts.models import Agency
from accounts.views import LOOKUP_LIMIT
from accounts.widgets import (
    LookupChoiceField,
    LookupSelect,
    PlainNumberInput,
    PlainSelect,
    PlainTextInput,
)
from agreements.forms import AgreementFilterForm
from delegations.forms import DelegationFilterForm
from partners.models import Partner
from tests.factories import AgencyFactory, PartnerFactory

pytestmark = pytest.mark.django_db


class AgencyForm(forms.Form):
    agency = LookupChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label="Tất cả <cơ quan>",
        lookup_url="accounts:lookup",
        label_field="name",
    )


def _form(data=None, *, full_list_max: int | None = None) -> AgencyForm:
    form = AgencyForm(data)
    if full_list_max is not None:
        form.fields["agency"].widget.full_list_max = full_list_max
    return form


def _options(html: str) -> list[str]:
    return re.findall(r"<option[^>]*>([^<]*)</option>", html)


def test_a_short_list_is_the_same_html_as_djangos_select_selected_or_not_with_escaping():
    AgencyFactory(name='Sở "Tài chính" <&> Đắk Lắk', short_name="STC")
    AgencyFactory(name="Sở Y tế", short_name="SYT")
    chosen = AgencyFactory(name="Ban Quản lý", short_name="BQL")

    class DjangoForm(forms.Form):
        agency = forms.ModelChoiceField(
            queryset=Agency.objects.order_by("name"), required=False, empty_label="Tất cả <cơ quan>"
        )

    for value in (None, "", chosen.pk, str(chosen.pk), 999999):
        data = {"agency": value} if value is not None else None
        form, django_form = _form(data), DjangoForm(data)
        form.is_valid(), django_form.is_valid()
        expected = str(django_form["agency"])
        assert str(form["agency"]) == expected
    assert "&lt;&amp;&gt;" in expected and "&quot;Tài chính&quot;" in expected
    form = _form({"agency": chosen.pk})
    assert form.is_valid()
    assert f'<option value="{chosen.pk}" selected>Ban Quản lý</option>' in str(form["agency"])


def test_a_short_list_is_one_query_of_two_columns():
    AgencyFactory.create_batch(30)
    form = _form()
    with CaptureQueriesContext(connection) as captured:
        html = str(form["agency"])
    assert len(captured) == 1
    columns = captured[0]["sql"].split(" FROM ")[0]
    assert columns.count('"accounts_agency".') == 2 and '"accounts_agency"."name"' in columns
    assert len(_options(html)) == 31
    assert "hx-get" not in html


def test_a_long_list_holds_the_chosen_record_only_and_a_search_box():
    agencies = [AgencyFactory(name=f"Sở số {n:02}") for n in range(12)]
    chosen = agencies[-1]  # beyond the first full_list_max + 1 in name order
    form = _form({"agency": chosen.pk}, full_list_max=5)
    assert form.is_valid()
    with CaptureQueriesContext(connection) as captured:
        html = str(form["agency"])
    # The chosen record comes from the form's cleaning: one query, as for a short list.
    assert len(captured) == 1
    assert _options(html) == ["Tất cả &lt;cơ quan&gt;", "Sở số 11"]
    assert f'<option value="{chosen.pk}" selected>' in html
    assert f'hx-get="{reverse("accounts:lookup")}"' in html
    assert 'hx-target="#id_agency"' in html and 'aria-controls="id_agency"' in html
    # The search box has no form owner: its words are not sent with the filter.
    assert 'form="id_agency-lookup"' in html and 'id="id_agency-lookup"' not in html

    unfiltered = _form(full_list_max=5)
    assert _options(str(unfiltered["agency"])) == ["Tất cả &lt;cơ quan&gt;"]


def test_a_long_list_of_an_uncleaned_form_reads_the_chosen_record():
    agencies = [AgencyFactory(name=f"Sở số {n:02}") for n in range(8)]
    form = _form({"agency": agencies[-1].pk}, full_list_max=3)
    html = str(form["agency"])  # not cleaned: is_valid() not called
    assert _options(html) == ["Tất cả &lt;cơ quan&gt;", "Sở số 07"]


def test_the_filter_forms_use_it_for_agencies_and_partners():
    for form_class, names in (
        (AgreementFilterForm, ("lead_agency", "partner")),
        (DelegationFilterForm, ("host_agency", "partner")),
    ):
        form = form_class(None)
        for name in names:
            assert isinstance(form.fields[name].widget, LookupSelect)
            assert 'class="form-select form-select-sm"' in str(form[name])


def test_the_filter_still_filters_with_a_long_list(client, official):
    from agreements.models import Agreement
    from tests.factories import AgreementFactory

    agreement = AgreementFactory()
    other = AgreementFactory()
    client.force_login(official)
    url = reverse("agreements:list")
    response = client.get(url, {"lead_agency": agreement.lead_agency_id})
    numbers = {a.number for a in response.context["page_obj"]}
    assert agreement.number in numbers and other.number not in numbers
    assert Agreement.objects.count() == 2


# --- the search boxes' answers -------------------------------------------------------------


def test_agency_lookup_matches_every_word_without_accents_and_lists_active_agencies_only(
    client, reporter
):
    AgencyFactory(name="Sở Văn hóa, Thể thao và Du lịch", short_name="SVHTTDL")
    AgencyFactory(name="Sở Tài chính", short_name="STC")
    AgencyFactory(name="Sở Văn thư cũ", short_name="SVTC", is_active=False)
    client.force_login(reporter)
    response = client.get(reverse("accounts:lookup"), {"term": "van hoa du lich"})
    assert response.status_code == 200
    assert _options(response.content.decode()) == [
        "Mọi cơ quan",
        "Sở Văn hóa, Thể thao và Du lịch",
    ]
    by_short_name = client.get(reverse("accounts:lookup"), {"term": "stc"}).content.decode()
    assert "Sở Tài chính" in by_short_name
    inactive = client.get(reverse("accounts:lookup"), {"term": "van thu"}).content.decode()
    assert _options(inactive) == ["Mọi cơ quan"]


def test_partner_lookup_is_accent_insensitive_escaped_and_capped(client, leader):
    PartnerFactory(name_vi="Tỉnh Chăm-pa-sắc <Lào>")
    PartnerFactory.create_batch(LOOKUP_LIMIT + 5, name_vi=factory_names())
    client.force_login(leader)
    one = client.get(reverse("partners:lookup"), {"term": "cham pa sac"}).content.decode()
    assert _options(one) == ["Mọi đối tác", "Tỉnh Chăm-pa-sắc &lt;Lào&gt;"]
    many = client.get(reverse("partners:lookup"), {"term": "dong"}).content.decode()
    options = _options(many)
    assert len(options) == 1 + LOOKUP_LIMIT + 1
    assert options[-1] == "Còn nhiều kết quả khác: hãy gõ thêm tên."
    assert '<option value="" disabled>' in many
    assert Partner.objects.count() == LOOKUP_LIMIT + 6


def factory_names():
    import factory

    return factory.Sequence(lambda n: f"Thành phố Đông {n:03}")


def test_lookups_answer_a_nul_and_refuse_post_and_anonymous_visitors(client, official):
    client.force_login(official)
    assert client.get(reverse("partners:lookup"), {"term": "a\x00b"}).status_code == 200
    assert client.get(reverse("accounts:lookup"), {"term": "a\x00b"}).status_code == 200
    assert client.post(reverse("partners:lookup")).status_code == 405
    client.logout()
    for name in ("accounts:lookup", "partners:lookup"):
        response = client.get(reverse(name), {"term": "so"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


class DjangoWidgets(forms.Form):
    """Each field as Django writes it, next to the same field with the plain widget."""

    CHOICES = [
        ("", "Tất cả <trạng thái>"),
        ("draft", gettext_lazy("Draft")),
        ("a&b", 'Đã "ký" & có hiệu lực'),
        ("safe", mark_safe("<b>đậm</b>")),
        ("draft", "Draft, twice"),
    ]
    q = forms.CharField(required=False)
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100)
    state = forms.ChoiceField(choices=CHOICES, required=False)
    kind = forms.ChoiceField(choices=CHOICES[1:])
    organiser = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"), required=False, empty_label="Tất cả"
    )


class PlainWidgets(DjangoWidgets):
    q = forms.CharField(required=False, widget=PlainTextInput(attrs={"placeholder": "Tìm"}))
    year = forms.IntegerField(
        required=False, min_value=1990, max_value=2100, widget=PlainNumberInput
    )
    state = forms.ChoiceField(choices=DjangoWidgets.CHOICES, required=False, widget=PlainSelect)
    kind = forms.ChoiceField(choices=DjangoWidgets.CHOICES[1:], widget=PlainSelect)
    organiser = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label="Tất cả",
        widget=PlainSelect,
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"q": 'a "b" <c> & đ', "year": "2024", "state": "draft", "kind": "a&b"},
        {"q": "", "year": "", "state": "", "kind": ""},
        {"year": "nope", "state": "unknown", "kind": "safe"},
        {"year": "0", "state": "a&b"},
    ],
)
def test_plain_widgets_write_the_same_html_as_djangos(data):
    AgencyFactory(name='Sở "Tài chính" <&>')
    chosen = AgencyFactory(name="Sở Y tế")
    if data:
        data = {**data, "organiser": str(chosen.pk)}
    plain, django_form = PlainWidgets(data), DjangoWidgets(data)
    django_form.fields["q"].widget.attrs["placeholder"] = "Tìm"
    plain.is_valid(), django_form.is_valid()
    for name in DjangoWidgets.base_fields:
        assert str(plain[name]) == str(django_form[name]), name
    if data and data.get("state") == "draft":
        # The first option of the value only, as Django does.
        assert str(plain["state"]).count(" selected>") == 1
        assert '<option value="draft" selected>' in str(plain["state"])


def test_plain_select_leaves_groups_and_localized_labels_to_django():
    class Grouped(forms.Form):
        grouped = forms.ChoiceField(
            choices=[("Nhóm <1>", [("a", "A"), ("b", "B")]), ("c", "C")], widget=PlainSelect
        )
        numbers = forms.TypedChoiceField(
            choices=[(1, 2024), (2, date(2025, 6, 30))], coerce=int, widget=PlainSelect
        )

    class Django(forms.Form):
        grouped = forms.ChoiceField(choices=Grouped.base_fields["grouped"].choices)
        numbers = forms.TypedChoiceField(choices=Grouped.base_fields["numbers"].choices, coerce=int)

    with translation.override("vi"):
        data = {"grouped": "b", "numbers": "2"}
        for name in ("grouped", "numbers"):
            assert str(Grouped(data)[name]) == str(Django(data)[name])
        assert "30/06/2025" in str(Grouped(data)["numbers"])
        assert '<optgroup label="Nhóm &lt;1&gt;">' in str(Grouped(data)["grouped"])


def test_the_list_filter_forms_use_the_plain_widgets():
    from delegations.conference_forms import ConferenceFilterForm

    for form_class in (AgreementFilterForm, DelegationFilterForm, ConferenceFilterForm):
        widgets = {type(field.widget) for field in form_class().fields.values()}
        assert widgets <= {PlainTextInput, PlainNumberInput, PlainSelect, LookupSelect}, form_class
