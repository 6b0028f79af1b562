import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("user_fixture", "status"),
    [("official", 200), ("leader", 200), ("administrator", 200), ("reporter", 403)],
)
def test_agency_directory_by_role(client, request, user_fixture, status):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("accounts:agency_list")).status_code == status


def test_agency_directory_anonymous_goes_to_login(client):
    assert client.get(reverse("accounts:agency_list"))["Location"].startswith("/accounts/login/")


def test_agency_directory_shows_contacts(client, official):
    AgencyFactory(name="Sở Y tế", short_name="SYT", email="soyte@example.gov.vn", phone="0207 3822")
    client.force_login(official)
    content = client.get(reverse("accounts:agency_list")).content.decode()
    assert "Sở Y tế" in content
    assert "soyte@example.gov.vn" in content


def test_agency_directory_queries_do_not_grow(client, official, django_assert_max_num_queries):
    parent = AgencyFactory(name="Ủy ban nhân dân tỉnh", short_name="UBND")
    for _ in range(60):
        UserFactory(agency=AgencyFactory(parent=parent))
    client.force_login(official)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:agency_list"))
    assert len(response.context["agencies"]) == 50


@pytest.mark.parametrize(
    ("user_fixture", "status"),
    [
        ("reporter", 200),  # own agency
        ("other_reporter", 404),  # a colleague of another agency
        ("official", 200),
        ("leader", 200),
        ("administrator", 200),
    ],
)
def test_agency_detail_by_role(client, request, agency, user_fixture, status):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("accounts:agency_detail", args=[agency.pk]))
    assert response.status_code == status
    if status == 404:
        assert "Không tìm thấy trang" in response.content.decode()


def test_agency_detail_anonymous_goes_to_login(client, agency):
    response = client.get(reverse("accounts:agency_detail", args=[agency.pk]))
    assert response["Location"].startswith("/accounts/login/")
