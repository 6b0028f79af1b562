import pytest
from django.urls import reverse

from tests.caching import clear_cache
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _nav(response) -> list[str]:
    return [str(item["label"]) for item in response.context["nav_entries"]]


@pytest.mark.parametrize(
    ("user_fixture", "title", "visible", "hidden"),
    [
        (
            "official",
            "Bàn làm việc của chuyên viên",
            ["Trang chủ", "Đối tác", "Cơ quan, đơn vị"],
            ["Quản trị"],
        ),
        ("reporter", "Đơn vị của tôi", ["Trang chủ", "Đối tác"], ["Cơ quan, đơn vị", "Quản trị"]),
        (
            "leader",
            "Tổng quan dành cho lãnh đạo",
            ["Trang chủ", "Đối tác", "Cơ quan, đơn vị"],
            ["Quản trị"],
        ),
        ("administrator", "Quản trị", ["Trang chủ", "Cơ quan, đơn vị", "Quản trị"], []),
    ],
)
def test_each_role_has_its_home_page_and_navigation(
    client, request, user_fixture, title, visible, hidden
):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'data-testid="home-title">{title}</h1>' in content
    nav = _nav(response)
    for label in visible:
        assert label in nav
    for label in hidden:
        assert label not in nav


def test_reporter_home_lists_colleagues_of_own_agency_only(
    client, reporter, other_reporter, agency
):
    from tests.factories import UserFactory

    colleague = UserFactory(agency=agency, full_name="Vũ Thị Lan")
    client.force_login(reporter)
    response = client.get(reverse("home"))
    assert list(response.context["colleagues"]) == [colleague]


def test_home_shows_the_current_navigation_entry_as_active(client, official):
    client.force_login(official)
    response = client.get(reverse("partners:list"))
    active = [str(e["label"]) for e in response.context["nav_entries"] if e["active"]]
    assert active == ["Đối tác"]


@pytest.mark.parametrize("role", ["official", "leader", "administrator", "reporter"])
def test_home_query_count_is_fixed(client, request, role, django_assert_max_num_queries):
    from tests.factories import AgreementFactory, PartnerFactory

    user = request.getfixturevalue(role)
    for count in (1, 30):
        PartnerFactory.create_batch(count)
        AgreementFactory.create_batch(count, lead_agency=user.agency or AgencyFactory())
        clear_cache()  # the figures of those who see every agency are kept for a minute
        client.force_login(user)
        # The figures (agreements, alerts, partners, the delegations and reports of the
        # leaders' dashboard) are counted in one query; the dashboard adds the latest period,
        # the targets, their measurements and computed figures, the issued PDFs. The test's
        # transaction adds a savepoint around the session save.
        with django_assert_max_num_queries(11):
            client.get(reverse("home"))
