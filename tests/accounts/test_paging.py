"""accounts.paging: the list pages' counts kept for a minute, and forgotten on every write."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.paging import KeptCountPaginator, list_counts_forget
from agreements.models import Agreement
from agreements.resources import agreements_bulk_create
from tests.factories import AgencyFactory, AgreementFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def shown(client, url="agreements:list") -> int:
    return client.get(reverse(url)).context["paginator"].count


def test_the_second_look_at_a_list_reads_its_count_and_page_from_the_cache(
    client, official, django_assert_num_queries
):
    for _ in range(3):
        AgreementFactory()
    client.force_login(official)
    url = reverse("agreements:list")
    client.get(url)  # the session's first request also writes it; the count is kept
    with django_assert_num_queries(2):  # the session and the user: the page is kept
        second = client.get(url)
    list_counts_forget()
    with django_assert_num_queries(7):  # … SELECT COUNT(*) FROM agreements_agreement …
        first = client.get(url)
    assert first.context["paginator"].count == second.context["paginator"].count == 3
    assert "3" in second.content.decode()


def rows(response) -> str:
    return response.content.decode()


def test_a_kept_page_shows_every_write_at_once(client, official):
    client.force_login(official)
    url = reverse("agreements:list")
    agreement = AgreementFactory(title_vi="Thỏa thuận hợp tác giáo dục")
    assert "Thỏa thuận hợp tác giáo dục" in rows(client.get(url))
    agreement.title_vi = "Thỏa thuận hợp tác du lịch"
    agreement.save()
    assert "Thỏa thuận hợp tác du lịch" in rows(client.get(url))
    agreement.lead_agency.short_name = "Sở Du lịch"  # another register shown in the rows
    agreement.lead_agency.save()
    assert "Sở Du lịch" in rows(client.get(url))
    partner = PartnerFactory(name_vi="Đại học Quốc gia Lào")
    agreement.partners.add(partner)
    assert "Đại học Quốc gia Lào" in rows(client.get(url))
    partner.name_vi = "Đại học Chiêm Pa Sắc"
    partner.save()
    assert "Đại học Chiêm Pa Sắc" in rows(client.get(url))
    agreement.delete()
    assert "Thỏa thuận hợp tác du lịch" not in rows(client.get(url))


def test_a_kept_page_is_only_shown_to_who_sees_the_same_agreements(client, official, reporter):
    AgreementFactory(title_vi="Biên bản nội bộ của sở khác", is_public=False)
    AgreementFactory(title_vi="Thỏa thuận của sở", lead_agency=reporter.agency, is_public=False)
    url = reverse("agreements:list")
    client.force_login(official)
    assert "Biên bản nội bộ của sở khác" in rows(client.get(url))
    client.force_login(reporter)
    page = rows(client.get(url))
    assert "Biên bản nội bộ của sở khác" not in page
    assert "Thỏa thuận của sở" in page
    other = UserFactory(role=reporter.role, agency=AgencyFactory())
    client.force_login(other)
    assert "Thỏa thuận của sở" not in rows(client.get(url))


def test_each_page_filter_and_language_of_a_list_is_kept_apart(client, official):
    agency = AgencyFactory()
    oldest = date(2010, 1, 4)
    AgreementFactory(title_vi="Thỏa thuận ký sớm nhất", signed_on=oldest, lead_agency=agency)
    AgreementFactory.create_batch(50, lead_agency=agency, signed_on=date(2024, 5, 2))
    AgreementFactory(title_vi="Thỏa thuận hết hiệu lực", state="expired", lead_agency=agency)
    client.force_login(official)
    url = reverse("agreements:list")
    first = rows(client.get(url))
    assert "Thỏa thuận hết hiệu lực" not in first  # the oldest two are on page 2
    second = rows(client.get(url, {"page": 2}))
    assert "Thỏa thuận ký sớm nhất" in second
    assert "Thỏa thuận hết hiệu lực" not in rows(client.get(url))
    filtered = rows(client.get(url, {"state": "expired"}))
    assert "Thỏa thuận hết hiệu lực" in filtered
    assert "Thỏa thuận ký sớm nhất" not in filtered
    assert '<option value="expired" selected>' in filtered  # the filter as chosen
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert "Signed on" in rows(client.get(url))
    client.post(reverse("set_language"), {"language": "vi", "next": url})
    assert "Ngày ký" in rows(client.get(url))


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
    agency = AgencyFactory()
    assert shown(client) == 0
    Agreement.objects.bulk_create([AgreementFactory.build(lead_agency=agency)])
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
