"""Factories for targets, measurements, plans and tasks."""

import datetime

import factory

from targets.models import Measurement, Target, Task, TaskPlan, TaskProgress
from tests.factories import AgencyFactory


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9.{n}")
    text_vi = factory.Sequence(lambda n: f"Chỉ tiêu thử nghiệm số {n}")
    group = Target.Group.RELATIONS
    unit = "chương trình"
    kind = Target.Kind.CUMULATIVE
    target_min = 10
    owner_agency = factory.SubFactory(AgencyFactory)

    class Params:
        computed_partners = factory.Trait(
            source=Target.Source.COMPUTED, computed=Target.Computed.NEW_PARTNERS
        )


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    target = factory.SubFactory(TargetFactory)
    period_year = 2026
    period_kind = "semiannual"
    value = 3
    evidence = "Báo cáo số 15/BC-SVHTTDL"


class TaskPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskPlan

    kind = TaskPlan.Kind.PLAN
    # Never a number a test writes by hand (the fixtures use "15/KH-UBND"): which value the
    # sequence reaches in a test depends on the tests run before it in the same process.
    number = factory.Sequence(lambda n: f"TEST-{n}/KH-UBND")
    issued_on = datetime.date(2026, 2, 10)
    issuer = "UBND tỉnh"
    title = "Kế hoạch công tác đối ngoại năm 2026"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(TaskPlanFactory)
    text = factory.Sequence(lambda n: f"Nhiệm vụ thử nghiệm số {n}")
    lead_agency = factory.SubFactory(AgencyFactory)
    deadline = datetime.date(2026, 3, 31)
    deadline_text = "Trong tháng 3/2026"
    order = factory.Sequence(lambda n: n + 1)


class TaskProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskProgress

    task = factory.SubFactory(TaskFactory)
    noted_on = datetime.date(2026, 3, 1)
    note = "Đã dự thảo kế hoạch"
