"""The agreement's page: what it shows of its partners, fields, coordinating agencies and
review scores, and a query count that stays the same however much the agreement holds,
for every role (the coordinating agency's reporter included)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import (
    AgreementDocument,
    AgreementEvent,
    EvaluationCriterion,
    FieldOfCooperation,
    LegalNotice,
    Review,
    ReviewScore,
    agreement_links,
    reviews_with_scores,
)
from tests.factories import AgencyFactory, AgreementFactory, OutputFactory, PartnerFactory

pytestmark = pytest.mark.django_db

# Every role's page: session, user, agreement, its partners/fields/coordinating agencies
# (one UNION), outputs, notices, reviews with their scores, events, documents. (The session
# is written at most once a minute: not on these requests.)
MAX_QUERIES = 9


def _fill(agreement, n: int, tag: str) -> None:
    """``n`` of everything the page lists, on ``agreement``."""
    partners = [
        PartnerFactory(name_vi=f"Đối tác {tag}{i}", country=("LA", "CN", "KH")[i % 3])
        for i in range(n)
    ]
    agreement.partners.add(*partners)
    agreement.fields.add(
        *[FieldOfCooperation.objects.create(name=f"Lĩnh vực {tag}{i}") for i in range(n)]
    )
    agreement.coordinating_agencies.add(
        *[AgencyFactory(name=f"Cơ quan {tag}{i}", short_name=f"CQ{tag}{i}") for i in range(n)]
    )
    criteria = [
        EvaluationCriterion.objects.create(name=f"Tiêu chí {tag}{i}", max_score=5) for i in range(n)
    ]
    for i in range(n):
        OutputFactory(agreement=agreement, responsible_agency=agreement.lead_agency)
        review = Review.objects.create(
            agreement=agreement,
            period_year=2000 + i + (0 if tag == "a" else 50),
            period_kind="annual",
            reviewed_on=date(2024, 1, 1),
            agency=agreement.lead_agency,
            overall="on_track",
            achievements=f"Kết quả {tag}{i}",
        )
        for criterion in criteria:
            ReviewScore.objects.create(review=review, criterion=criterion, score=3)
        event = AgreementEvent.objects.create(
            agreement=agreement, kind="amendment", occurred_on=date(2024, 6, 1 + i)
        )
        LegalNotice.objects.create(
            agreement=agreement, event=event, kind="change_notice", due_on=date(2024, 6, 16)
        )
        AgreementDocument.objects.create(
            agreement=agreement,
            title=f"Văn bản {tag}{i}",
            file=f"agreements/{agreement.pk}/van-ban-{tag}{i}.pdf",
            content_type="application/pdf",
            size=1000,
        )
    LegalNotice.objects.create(agreement=agreement, kind="signing_report", due_on=date(2024, 3, 16))


@pytest.fixture
def internal(agency, other_agency):
    """An internal agreement led by another agency, coordinated by the reporter's."""
    agreement = AgreementFactory(lead_agency=other_agency, internal=True, partners=[])
    agreement.coordinating_agencies.add(agency)
    return agreement


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["official", "reporter", "leader", "administrator"])
def test_query_count_does_not_grow(client, request, internal, who):
    client.force_login(request.getfixturevalue(who))
    url = internal.get_absolute_url()
    _fill(internal, 1, "a")
    client.get(url)  # the first request of a session does more (the user's last login...)
    small = _count(client, url)
    _fill(internal, 4, "b")
    assert _count(client, url) == small <= MAX_QUERIES


def test_another_agency_reporter_gets_404(client, other_reporter, agency):
    """Led by the reporter's agency and coordinated by others only: another agency's
    reporter does not see it (the coordinating agencies loaded for the page decide)."""
    agreement = AgreementFactory(lead_agency=agency, internal=True)
    agreement.coordinating_agencies.add(AgencyFactory())
    client.force_login(other_reporter)
    assert client.get(agreement.get_absolute_url()).status_code == 404


def test_links_in_each_models_order(internal, agency):
    internal.partners.add(
        PartnerFactory(name_vi="Tỉnh Viêng Chăn", country="LA"),
        PartnerFactory(name_vi="Tỉnh Bắc Giang", country="CN"),
    )
    internal.fields.add(
        FieldOfCooperation.objects.create(name="Văn hóa - Thử"),
        FieldOfCooperation.objects.create(name="Giáo dục - Thử"),
    )
    # Agencies in the order of their names, whatever their short names.
    internal.coordinating_agencies.add(AgencyFactory(name="Ban Quản lý", short_name="ZZ"))

    links = agreement_links(internal)

    assert links.partners == list(internal.partners.all())
    assert [p.country.name for p in links.partners] == [
        p.country.name for p in internal.partners.all()
    ]
    assert links.fields == list(internal.fields.all())
    assert links.coordinating == list(internal.coordinating_agencies.all())
    assert [a.short_name for a in links.coordinating] == ["ZZ", "SVHTTDL"]


def test_reviews_carry_their_own_scores(internal):
    _fill(internal, 2, "a")
    bare = Review.objects.create(
        agreement=internal,
        period_year=1990,
        period_kind="annual",
        reviewed_on=date(1990, 12, 1),
        agency=internal.lead_agency,
        overall="met",
        achievements="Không chấm điểm",
    )

    reviews = reviews_with_scores(internal)

    assert reviews == list(internal.reviews.all())
    assert reviews[-1] == bare and reviews[-1].score_list == []
    for review in reviews[:-1]:
        assert [(s.criterion, s.score, s.max_score) for s in review.score_list] == [
            (s.criterion.name, s.score, s.criterion.max_score)
            for s in review.scores.select_related("criterion").order_by("id")
        ]


def test_page_shows_links_and_scores(client, reporter, internal):
    _fill(internal, 2, "a")
    client.force_login(reporter)
    page = client.get(internal.get_absolute_url()).content.decode()
    for text in [
        "Đối tác a0</a> (Lào)",
        "Đối tác a1</a> (Trung Quốc)",
        '<span class="badge text-bg-light">Lĩnh vực a0</span>',
        "CQa0, CQa1, SVHTTDL",
        "Tiêu chí a0: 3/5",
        "Tiêu chí a1: 3/5",
        "Đúng tiến độ",
    ]:
        assert text in page
