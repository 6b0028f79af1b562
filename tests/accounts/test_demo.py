from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from partners.models import Partner

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, int]:
    """Row counts of every table the demo command may touch, history included."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "partners"}
    }


def test_demo_command_is_idempotent():
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = _snapshot()
    passwords = dict(User.objects.values_list("username", "password"))

    call_command("load_demo", stdout=StringIO())

    assert _snapshot() == first
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert first["partners.Partner"] >= 24
    assert first["partners.HistoricalPartner"] == first["partners.Partner"]


def test_demo_prints_the_logins_and_they_work(client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    assert DEMO_PASSWORD in printed
    for username in ("chuyenvien", "baocao.vhttdl", "lanhdao", "quantri"):
        assert username in printed
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        client.post("/accounts/logout/")


def test_demo_partners_have_correct_diacritics_and_parents():
    call_command("load_demo", stdout=StringIO())
    names = set(Partner.objects.values_list("name_vi", flat=True))
    for expected in (
        "Tỉnh Vân Nam",
        "Khu tự trị dân tộc Choang Quảng Tây",
        "Châu Văn Sơn",
        "Tỉnh Xiêng Khoảng",
        "Tỉnh Phông-Sa-Lỳ",
        "Thành phố Anseong",
        "Huyện Imsil",
        "Quận Boeun",
        "Thành phố Moriya",
        "Bang Mecklenburg-Vorpommern",
        "Bang Hessen",
        "Tỉnh Benguet",
        "Mạng lưới Công viên địa chất toàn cầu UNESCO",
    ):
        assert expected in names
    abbreviations = set(Partner.objects.values_list("abbreviation", flat=True))
    assert {
        "KOICA",
        "JICA",
        "KOVECA",
        "KBIZ",
        "WB",
        "ADB",
        "UNESCO",
        "ILO",
        "WHO",
        "UNDP",
        "GMS",
    } <= abbreviations
    assert Partner.objects.get(name_vi="Thành phố Anseong").parent.name_vi == "Tỉnh Gyeonggi"
    assert Partner.objects.get(name_vi="Châu Văn Sơn").parent.name_vi == "Tỉnh Vân Nam"
    assert Partner.objects.get(name_vi="Thành phố Moriya").parent.name_vi == "Tỉnh Ibaraki"
    assert Partner.objects.get(name_vi="Tỉnh Xiêng Khoảng").country.code == "LA"


def test_demo_uses_the_configured_province(settings):
    settings.PORTAL = {
        **settings.PORTAL,
        "PROVINCE_NAME": "Khánh Hòa",
        "DEPARTMENT_ABBR": "SNgV-KH",
    }
    call_command("load_demo", stdout=StringIO())
    official = User.objects.get(username="chuyenvien")
    assert official.agency.short_name == "SNgV-KH"
    assert User.objects.get(username="lanhdao").agency.name == "Ủy ban nhân dân tỉnh Khánh Hòa"
