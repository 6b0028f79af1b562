import datetime
from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, timezone, translation

pytestmark = pytest.mark.django_db


def test_interface_is_vietnamese_by_default_and_switches_to_english(client, official):
    client.force_login(official)
    assert "Bàn làm việc của chuyên viên" in client.get(reverse("home")).content.decode()

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    content = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in content
    assert "Official's workspace" in content

    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Bàn làm việc của chuyên viên" in client.get(reverse("home")).content.decode()


def test_language_switch_works_before_login(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert "User name" in client.get("/accounts/login/").content.decode()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_dd_mm_yyyy(language):
    with translation.override(language):
        assert formats.date_format(datetime.date(2026, 2, 5), "SHORT_DATE_FORMAT") == "05/02/2026"
        rendered = Template("{{ d|date:'SHORT_DATE_FORMAT' }}").render(
            Context({"d": datetime.date(2026, 6, 14)})
        )
        assert rendered == "14/06/2026"


def test_date_input_accepts_dd_mm_yyyy():
    from django import forms

    class DateForm(forms.Form):
        day = forms.DateField()

    with translation.override("vi"):
        form = DateForm({"day": "15/12/2025"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2025, 12, 15)


def test_vietnamese_number_formatting():
    with translation.override("vi"):
        assert intcomma(15000) == "15.000"
        assert formats.localize(Decimal("12.5")) == "12,5"
    with translation.override("en"):
        assert intcomma(15000) == "15,000"


def test_timezone_is_ho_chi_minh_city():
    assert str(timezone.get_current_timezone()) == "Asia/Ho_Chi_Minh"
    moment = datetime.datetime(2026, 6, 14, 17, 30, tzinfo=datetime.UTC)
    assert timezone.localtime(moment).hour == 0  # 00:30 on 15/06 in Viet Nam


def test_header_comes_from_province_settings(client, official, settings):
    client.force_login(official)
    content = client.get(reverse("home")).content.decode()
    assert "UBND TỈNH TUYÊN QUANG" in content

    settings.PORTAL = {
        **settings.PORTAL,
        "PROVINCE_NAME": "Khánh Hòa",
        "PARENT_BODY": "UBND TỈNH KHÁNH HÒA",
    }
    content = client.get(reverse("home")).content.decode()
    assert "UBND TỈNH KHÁNH HÒA" in content
    assert "Sở Ngoại vụ Khánh Hòa" in content
    assert "TUYÊN QUANG" not in content
