import pytest
from django.urls import reverse

from partners.models import Partner
from tests.factories import AgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "status"),
    [("official", 200), ("reporter", 403), ("leader", 403), ("administrator", 403)],
)
def test_partner_forms_are_for_officials(client, request, who, status):
    partner = PartnerFactory()
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("partners:create")).status_code == status
    assert client.get(reverse("partners:update", args=[partner.pk])).status_code == status


def test_partner_forms_anonymous(client):
    assert client.get(reverse("partners:create"))["Location"].startswith("/accounts/login/")


def test_official_creates_a_partner_with_a_parent(client, official):
    parent = PartnerFactory(name_vi="Tỉnh Gyeonggi", country="KR")
    client.force_login(official)
    response = client.post(
        reverse("partners:create"),
        {
            "name_vi": "Thành phố Anseong",
            "kind": "city",
            "country": "KR",
            "parent": parent.pk,
            "relation_status": "established",
            "relation_established_on": "24/08/2017",
            "is_twinned": "on",
        },
    )
    partner = Partner.objects.get(name_vi="Thành phố Anseong")
    assert response["Location"] == partner.get_absolute_url()
    assert partner.parent == parent
    assert partner.relation_established_on.year == 2017


def test_duplicate_partner_is_a_field_error(client, official):
    PartnerFactory(name_vi="Tỉnh Vân Nam", country="CN")
    client.force_login(official)
    response = client.post(
        reverse("partners:create"),
        {
            "name_vi": "tỉnh vân nam",
            "kind": "province_state",
            "country": "CN",
            "relation_status": "new",
        },
    )
    assert response.status_code == 200
    assert "name_vi" in response.context["form"].errors
    assert Partner.objects.count() == 1


def test_partner_page_shows_visible_agreements_newest_first(client, reporter, agency):
    from datetime import date

    partner = PartnerFactory()
    old = AgreementFactory(partners=[partner], signed_on=date(2019, 1, 1))
    new = AgreementFactory(partners=[partner], signed_on=date(2025, 1, 1))
    hidden = AgreementFactory(partners=[partner], is_public=False)
    client.force_login(reporter)
    response = client.get(partner.get_absolute_url())
    assert list(response.context["agreements"]) == [new, old]
    assert hidden not in response.context["agreements"]
