"""accounts.counting.count_each: several counts in one query, each what ``.count()`` gives."""

from __future__ import annotations

import pytest
from django.db.models import Q

from accounts.counting import count_each
from accounts.models import Agency, User
from partners.models import Partner
from tests.factories import AgencyFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_counts_in_one_query(django_assert_num_queries):
    agencies = AgencyFactory.create_batch(3)
    for index, agency in enumerate(agencies):
        UserFactory.create_batch(index + 1, agency=agency, is_agency_head=index == 1)
    PartnerFactory.create_batch(2, relation_status="new")
    PartnerFactory(relation_status="traditional", is_twinned=True)
    users = User.objects.filter(agency__in=agencies)
    partners = Partner.objects.all()
    with django_assert_num_queries(1):
        counts = count_each(
            {
                "users": users,
                "heads": (users, Q(is_agency_head=True)),
                "in_first": (users, Q(agency=agencies[0])),
                "partners": partners,
                "new": (partners, Q(relation_status="new")),
                "twinned": partners.filter(is_twinned=True),
                "by_join": Agency.objects.filter(users__in=users),  # one row per user
                "none": Partner.objects.none(),
                "empty_list": Partner.objects.filter(pk__in=[]),
                "no_match": (partners, Q(relation_status="prospective")),
            }
        )
    assert counts == {
        "users": users.count(),
        "heads": 2,
        "in_first": 1,
        "partners": 3,
        "new": 2,
        "twinned": 1,
        "by_join": 6,
        "none": 0,
        "empty_list": 0,
        "no_match": 0,
    }
    assert list(counts) == [
        "users",
        "heads",
        "in_first",
        "partners",
        "new",
        "twinned",
        "by_join",
        "none",
        "empty_list",
        "no_match",
    ]


def test_nothing_to_count_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert count_each({"none": Partner.objects.none()}) == {"none": 0}
    with django_assert_num_queries(0):
        assert count_each({}) == {}
