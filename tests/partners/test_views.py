import pytest
from django.urls import reverse

from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

ROLES = ["official", "reporter", "other_reporter", "leader", "administrator"]


@pytest.mark.parametrize("user_fixture", ROLES)
def test_partner_list_and_detail_readable_by_every_role(client, request, user_fixture):
    parent = PartnerFactory(name_vi="Tỉnh Vân Nam", country="CN")
    partner = PartnerFactory(name_vi="Châu Văn Sơn", country="CN", parent=parent)
    client.force_login(request.getfixturevalue(user_fixture))
    listing = client.get(reverse("partners:list"))
    assert listing.status_code == 200
    assert "Châu Văn Sơn" in listing.content.decode()
    detail = client.get(partner.get_absolute_url())
    assert detail.status_code == 200
    assert "Tỉnh Vân Nam" in detail.content.decode()
    assert "Trung Quốc" in detail.content.decode()  # country name in Vietnamese


def test_partner_pages_send_anonymous_to_login(client):
    partner = PartnerFactory()
    for url in (reverse("partners:list"), partner.get_absolute_url()):
        assert client.get(url)["Location"].startswith("/accounts/login/")


def test_partner_list_query_count_is_fixed(client, official, django_assert_max_num_queries):
    parent = PartnerFactory()
    PartnerFactory.create_batch(200, parent=parent)
    client.force_login(official)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("partners:list"))
    assert len(response.context["partners"]) == 50


def test_unknown_partner_is_404(client, official):
    client.force_login(official)
    assert client.get(reverse("partners:detail", args=[999999])).status_code == 404
