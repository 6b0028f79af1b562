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


def _partner_page_data(partner, n: int, tag: str) -> None:
    from datetime import date

    from agreements.models import Review
    from tests.delegations.factories import DelegationFactory
    from tests.factories import AgreementFactory

    for i in range(n):
        agreement = AgreementFactory(partners=[partner], title_vi=f"Thỏa thuận {tag}{i}")
        Review.objects.create(
            agreement=agreement,
            period_year=2024,
            period_kind="annual",
            reviewed_on=date(2024, 12, 1),
            agency=agreement.lead_agency,
            overall="constrained",
            achievements="Đã thực hiện",
        )
        DelegationFactory(approved=True, title=f"Đoàn {tag}{i}").partners.add(partner)


@pytest.mark.parametrize("user_fixture", ROLES)
def test_partner_page_query_count_is_fixed(client, request, user_fixture):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    partner = PartnerFactory()
    _partner_page_data(partner, 1, "a")
    client.force_login(request.getfixturevalue(user_fixture))
    client.get(partner.get_absolute_url())  # the session's first request also writes it

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(partner.get_absolute_url()).status_code == 200
        return len(captured.captured_queries)

    small = count()
    _partner_page_data(partner, 5, "b")
    # session, user, partner, children, agreements, delegations, reviews
    assert count() == small <= 7


def test_partner_page_shows_labels(client, official):
    partner = PartnerFactory()
    _partner_page_data(partner, 1, "a")
    client.force_login(official)
    page = client.get(partner.get_absolute_url()).content.decode()
    assert "Thỏa thuận a0" in page
    assert '<span class="badge state-in_force">Còn hiệu lực</span>' in page
    assert "Đoàn a0" in page and "Đoàn ra · Đã phê duyệt" in page
    assert "· Gặp khó khăn</li>" in page
