from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from targets.models import Measurement, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    call_command("load_demo", stdout=StringIO())
    return Target.objects.all()


@pytest.mark.parametrize(
    "who", ["official", "reporter", "other_reporter", "leader", "administrator"]
)
def test_overview_and_detail_for_every_role(client, request, catalogue, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("targets:overview"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Chỉ số đánh giá kết quả thực hiện các Hiệp định thương mại tự do" in content
    target = catalogue.get(code="2.1")
    assert client.get(target.get_absolute_url()).status_code == 200


def test_targets_anonymous(client, catalogue):
    for url in (reverse("targets:overview"), catalogue.first().get_absolute_url()):
        assert client.get(url)["Location"].startswith("/accounts/login/")


def test_overview_query_count_with_five_years_of_data(
    client, leader, catalogue, django_assert_max_num_queries
):
    for target in catalogue.filter(source="entered"):
        for year in range(2026, 2031):
            for kind in ("semiannual", "annual"):
                Measurement.objects.update_or_create(
                    target=target, period_year=year, period_kind=kind, defaults={"value": 1}
                )
    client.force_login(leader)
    # Fixed: session, user, targets, measurements, plus the five computed figures.
    with django_assert_max_num_queries(20):
        assert client.get(reverse("targets:overview")).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner_reporter", 200), ("official", 200), ("other_reporter", 403), ("leader", 403)],
)
def test_measurement_entry_permissions(client, request, catalogue, agency, who, status):
    from tests.factories import UserFactory

    target = catalogue.get(code="4.1")  # owned by SVHTTDL
    user = (
        UserFactory(agency=target.owner_agency)
        if who == "owner_reporter"
        else request.getfixturevalue(who)
    )
    client.force_login(user)
    url = reverse("targets:measurement_enter", args=[target.pk])
    assert client.get(url).status_code == status


def test_owner_enters_a_value_with_evidence(client, catalogue):
    import time_machine

    from tests.factories import UserFactory

    target = catalogue.get(code="4.1")
    client.force_login(UserFactory(agency=target.owner_agency))
    with time_machine.travel("2026-07-01"):
        response = client.post(
            reverse("targets:measurement_enter", args=[target.pk]),
            {"period": "2026-annual", "value": "11,5", "evidence": "Thống kê của Sở"},
        )
    assert response.status_code == 302
    assert Measurement.objects.get(target=target, period_year=2026, period_kind="annual").value == (
        __import__("decimal").Decimal("11.5")
    )


def test_computed_target_has_no_entry(client, official, catalogue):
    target = catalogue.get(code="3.2")
    client.force_login(official)
    url = reverse("targets:measurement_enter", args=[target.pk])
    assert client.get(url).status_code == 403


def test_measurement_entry_anonymous(client, catalogue):
    url = reverse("targets:measurement_enter", args=[catalogue.first().pk])
    assert client.get(url)["Location"].startswith("/accounts/login/")
