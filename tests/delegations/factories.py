"""Factories for delegations, plans and conferences."""

import datetime

import factory

from delegations.models import (
    Conference,
    Delegation,
    DelegationMember,
    DelegationPlan,
    Direction,
    PlanItem,
    Purpose,
)
from tests.factories import AgencyFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelegationPlan
        django_get_or_create = ("year", "direction")

    year = 2024
    direction = Direction.OUTBOUND
    title = factory.LazyAttribute(lambda o: f"Kế hoạch đoàn ra năm {o.year}")


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(PlanFactory)
    purpose = Purpose.INVESTMENT
    description = factory.Sequence(lambda n: f"Xúc tiến đầu tư nông nghiệp số {n}")
    country = "KR"
    expected_month = 6
    expected_size = 5
    lead_agency = factory.SubFactory(AgencyFactory)


class DelegationFactory(factory.django.DjangoModelFactory):
    """A proposed outbound delegation outside the plan."""

    class Meta:
        model = Delegation

    direction = Direction.OUTBOUND
    title = factory.Sequence(lambda n: f"Đoàn công tác số {n}")
    purpose = Purpose.INVESTMENT
    head_name = factory.Sequence(lambda n: f"Nguyễn Văn Trưởng {n}")
    head_title = "Phó Chủ tịch UBND tỉnh"
    country = "KR"
    planned_start = factory.LazyFunction(lambda: datetime.date(2024, 6, 10))
    planned_end = factory.LazyAttribute(lambda o: o.planned_start + datetime.timedelta(days=5))
    host_agency = factory.SubFactory(AgencyFactory)
    state = Delegation.State.PROPOSED

    class Params:
        approved = factory.Trait(
            state=Delegation.State.APPROVED,
            decision_number="123/QĐ-UBND",
            decision_date=datetime.date(2024, 5, 1),
            decision_authority="UBND tỉnh",
        )
        done = factory.Trait(
            state=Delegation.State.DONE,
            decision_number="123/QĐ-UBND",
            decision_date=datetime.date(2024, 5, 1),
            decision_authority="UBND tỉnh",
            actual_start=factory.SelfAttribute("planned_start"),
            actual_end=factory.SelfAttribute("planned_end"),
            results="Ký kết biên bản hợp tác.",
        )


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelegationMember

    delegation = factory.SubFactory(DelegationFactory)
    name = factory.Sequence(lambda n: f"Trần Thị Thành Viên {n}")
    title = "Chuyên viên"


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference

    title = factory.Sequence(lambda n: f"Hội thảo quốc tế số {n}")
    purpose = Purpose.INVESTMENT
    organiser = factory.SubFactory(AgencyFactory)
    start_on = factory.LazyFunction(lambda: datetime.date(2026, 6, 10))
    end_on = factory.LazyAttribute(lambda o: o.start_on + datetime.timedelta(days=1))
    place = "Tuyên Quang"
