"""accounts.paging: the list pages' counts kept for a minute, and forgotten on every write."""

import pytest
from django.urls import reverse

from accounts.paging import KeptCountPaginator, list_counts_forget
from agreements.models import Agreement
from agreements.resources import agreements_bulk_create
from tests.factories import AgencyFactory, AgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def shown(client, url="agreements:list") -> int:
    return client.get(reverse(url)).context["paginator"].count


def test_the_second_look_at_a_list_reads_its_count_from_the_cache(
    client, official, django_assert_num_queries
):
    for _ in range(3):
        AgreementFactory()
    client.force_login(official)
    url = reverse("agreements:list")
    client.get(url)  # the session's first request also writes it; the count is kept
    with django_assert_num_queries(6):
        second = client.get(url)
    list_counts_forget()
    with django_assert_num_queries(7):  # … SELECT COUNT(*) FROM agreements_agreement …
        first = client.get(url)
    assert first.context["paginator"].count == second.context["paginator"].count == 3
    assert "3" in second.content.decode()


def test_each_list_and_each_view_of_it_is_counted_apart(client, official, reporter):
    AgreementFactory(lead_agency=reporter.agency)
    AgreementFactory(is_public=False)
    AgreementFactory(is_public=False, state="expired")
    client.force_login(official)
    assert shown(client) == 3
    assert (
        client.get(reverse("agreements:list"), {"state": "expired"}).context["paginator"].count == 1
    )
    client.force_login(reporter)
    assert shown(client) == 1  # their agency's and the public ones


def test_a_write_through_the_orm_is_counted_at_once(client, official, reporter):
    client.force_login(reporter)
    hidden = AgreementFactory(is_public=False)
    assert shown(client) == 0
    hidden.coordinating_agencies.add(reporter.agency)  # a many-to-many change
    assert shown(client) == 1
    AgreementFactory(lead_agency=reporter.agency)  # a save
    assert shown(client) == 2
    hidden.delete()  # a delete
    assert shown(client) == 1
    client.force_login(official)
    assert shown(client, "partners:list") == 2
    PartnerFactory()  # another app's register
    assert shown(client, "partners:list") == 3


def test_a_bulk_import_is_counted_at_once(client, official):
    client.force_login(official)
    assert shown(client) == 0
    agreements_bulk_create(
        user=official,
        agreements=[AgreementFactory.build(lead_agency=AgencyFactory(), number="1/2024/BULK")],
    )
    assert Agreement.objects.count() == 1
    assert shown(client) == 1


def test_a_write_behind_the_orms_back_waits_for_the_forget(client, official):
    client.force_login(official)
    assert shown(client) == 0
    Agreement.objects.bulk_create([AgreementFactory.build(lead_agency=AgencyFactory())])
    assert shown(client) == 0  # no signal: the kept count, for at most COUNT_SECONDS
    list_counts_forget()
    assert shown(client) == 1


def test_a_count_kept_before_a_commit_is_forgotten_by_it(
    client, official, django_capture_on_commit_callbacks
):
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        AgreementFactory()
    assert callbacks, "a second forget is queued for the commit"
    # A page counting before the commit (without the new row) keeps its count …
    paginator = KeptCountPaginator(Agreement.objects.none(), 50)
    assert paginator.count == 0
    for callback in callbacks:
        callback()
    # … and the commit's forget starts a new generation: the list is counted again.
    assert shown(client) == 1


def test_a_plain_list_is_counted_as_django_does():
    assert KeptCountPaginator([1, 2, 3], 2).count == 3


def test_shared_figures_are_counted_once_a_generation(django_assert_num_queries):
    from django.db.models import Q

    from accounts.paging import kept_count_each

    AgreementFactory()
    AgreementFactory(is_public=False)
    counted = {
        "all": Agreement.objects.all(),
        "public": (Agreement.objects.all(), Q(is_public=True)),
        "none": Agreement.objects.none(),
    }
    with django_assert_num_queries(1):
        assert kept_count_each(counted) == {"all": 2, "public": 1, "none": 0}
    with django_assert_num_queries(0):
        assert kept_count_each(counted) == {"all": 2, "public": 1, "none": 0}
    # Other figures, or the same querysets under other conditions, are counted apart.
    with django_assert_num_queries(1):
        assert kept_count_each({"all": (Agreement.objects.all(), Q(is_public=False))}) == {"all": 1}
    AgreementFactory()  # a write: a new generation
    with django_assert_num_queries(1):
        assert kept_count_each(counted) == {"all": 3, "public": 2, "none": 0}
    with django_assert_num_queries(0):
        assert kept_count_each({"none": Agreement.objects.none()}) == {"none": 0}
