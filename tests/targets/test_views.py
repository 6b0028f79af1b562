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
