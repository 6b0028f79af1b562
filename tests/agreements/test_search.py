"""Accent-, case- and đ-insensitive search, identical on SQLite and PostgreSQL."""

import unicodedata

import pytest
from django.urls import reverse

from accounts.text import fold
from agreements.models import Agreement
from partners.models import Partner
from tests.factories import AgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def test_fold():
    assert fold("Xiêng Khoảng") == "xieng khoang"
    assert fold("Đồng Văn") == "dong van"
    assert fold("ĐẠI HỌC") == "dai hoc"
    assert fold(unicodedata.normalize("NFD", "Phông-Sa-Lỳ")) == fold("Phông-Sa-Lỳ")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("xieng khoang", "Tỉnh Xiêng Khoảng"),
        ("XIÊNG", "Tỉnh Xiêng Khoảng"),
        ("dong van", "Công viên địa chất Đồng Văn"),
        ("DAI HOC", "Trường Đại học Quốc gia Lào"),
        ("đại học", "Trường Đại học Quốc gia Lào"),
        (unicodedata.normalize("NFD", "Khoảng"), "Tỉnh Xiêng Khoảng"),
    ],
)
def test_partner_search(query, expected):
    for name in (
        "Tỉnh Xiêng Khoảng",
        "Công viên địa chất Đồng Văn",
        "Trường Đại học Quốc gia Lào",
        "Tỉnh Vân Nam",
    ):
        PartnerFactory(name_vi=name)
    assert [p.name_vi for p in Partner.objects.search(query)] == [expected]


def test_agreement_search_by_title_number_and_partner():
    partner = PartnerFactory(name_vi="Tỉnh Phông-Sa-Lỳ")
    wanted = AgreementFactory(
        title_vi="Biên bản thỏa thuận về đào tạo", number="07/2023/BB", partners=[partner]
    )
    AgreementFactory(title_vi="Bản ghi nhớ du lịch")
    assert list(Agreement.objects.search("dao tao")) == [wanted]
    assert list(Agreement.objects.search("07/2023")) == [wanted]
    assert list(Agreement.objects.search("phong-sa-ly")) == [wanted]
    assert list(Agreement.objects.search("thoa thuan phong")) == [wanted]


def test_renaming_a_partner_reindexes_its_agreements(official):
    from partners.services import partner_update

    partner = PartnerFactory(name_vi="Tỉnh Cũ")
    agreement = AgreementFactory(partners=[partner])
    partner_update(partner=partner, user=official, data={"name_vi": "Tỉnh Hủa Phăn"})
    assert list(Agreement.objects.search("hua phan")) == [agreement]


@pytest.mark.parametrize("who", ["official", "reporter", "other_reporter", "leader"])
def test_search_page_respects_visibility(client, request, agency, who):
    partner = PartnerFactory(name_vi="Tỉnh Xiêng Khoảng")
    internal = AgreementFactory(partners=[partner], lead_agency=agency, is_public=False)
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("search"), {"q": "xieng khoang"})
    assert response.status_code == 200
    assert response.context["partners"] == [partner]
    assert (internal in response.context["agreements"]) == (who != "other_reporter")


def test_search_page_anonymous(client):
    assert client.get(reverse("search"), {"q": "x"})["Location"].startswith("/accounts/login/")


def test_search_page_queries_do_not_grow_with_the_matches(client, official):
    """Partners and agreements found, each read in one query with only what the page shows
    (no query per row, whatever the number of matches)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(official)
    url = reverse("search")
    counts = []
    for batch in (2, 30):
        for _ in range(batch):
            partner = PartnerFactory(name_vi=f"Tỉnh Hòa Bình {Agreement.objects.count()}")
            AgreementFactory(title_vi="Hợp tác Hòa Bình").partners.set([partner])
        client.get(url, {"q": "hoa binh"})  # the session's refresh, if due
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"q": "hoa binh"})
        counts.append(len(captured))
        assert len(response.context["agreements"]) == Agreement.objects.count()
        found = Partner.objects.filter(name_vi__startswith="Tỉnh Hòa Bình")
        assert len(response.context["partners"]) == found.count()
    # Session, user, partners, agreements; on SQLite each search first asks its trigram
    # index how common the words are (accounts.search).
    assert counts[0] == counts[1] <= (6 if connection.vendor == "sqlite" else 4)
    assert "Hợp tác Hòa Bình" in response.content.decode()
