import datetime

import factory
from django.conf import settings

from accounts.models import Agency, Role, User
from partners.models import Partner

PASSWORD = "correct-horse-battery"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("short_name",)

    name = factory.Sequence(lambda n: f"Sở thử nghiệm số {n}")
    short_name = factory.Sequence(lambda n: f"STN{n}")
    kind = Agency.Kind.DEPARTMENT

    class Params:
        owner = factory.Trait(
            short_name=factory.LazyFunction(lambda: settings.PORTAL["DEPARTMENT_ABBR"]),
            name=factory.LazyFunction(lambda: settings.PORTAL["DEPARTMENT_NAME"]),
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    agency = factory.SubFactory(AgencyFactory)
    role = Role.REPORTER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        official = factory.Trait(
            role=Role.OFFICIAL, agency=factory.SubFactory(AgencyFactory, owner=True)
        )
        leader = factory.Trait(role=Role.LEADER)
        administrator = factory.Trait(
            role=Role.ADMIN, agency=factory.SubFactory(AgencyFactory, owner=True)
        )


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name_vi = factory.Sequence(lambda n: f"Tỉnh Đối tác {n}")
    name_native = factory.Sequence(lambda n: f"Partner province {n}")
    kind = Partner.Kind.PROVINCE_STATE
    country = "LA"


class AgreementFactory(factory.django.DjangoModelFactory):
    """An in-force agreement with one partner, led by a fresh agency unless given."""

    class Meta:
        model = "agreements.Agreement"
        skip_postgeneration_save = True

    kind = "mou"
    number = factory.Sequence(lambda n: f"{n:03d}/BGN-TEST")
    title_vi = factory.Sequence(lambda n: f"Bản ghi nhớ hợp tác số {n}")
    signing_level = "province"
    state = "in_force"
    signed_on = factory.LazyFunction(lambda: datetime.date(2024, 3, 1))
    effective_on = factory.LazyFunction(lambda: datetime.date(2024, 3, 15))
    end_on = factory.LazyFunction(lambda: datetime.date(2029, 3, 15))
    lead_agency = factory.SubFactory(AgencyFactory)
    objectives = "Tăng cường hợp tác."
    evaluation_mechanism = "Đánh giá 6 tháng và hằng năm."
    signer_vn_name = "Nguyễn Văn A"
    signer_partner_name = "Kim B"

    @factory.post_generation
    def partners(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.partners.set(extracted if extracted is not None else [PartnerFactory()])
        from agreements.services import agreement_refresh_search

        agreement_refresh_search(obj)

    class Params:
        proposed = factory.Trait(state="proposed", signed_on=None, effective_on=None, end_on=None)
        internal = factory.Trait(is_public=False)


class OutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agreements.Output"

    agreement = factory.SubFactory(AgreementFactory)
    description = factory.Sequence(lambda n: f"Sản phẩm đầu ra {n}")
    unit = "lượt"
    target_value = 10
    due_on = factory.LazyFunction(lambda: datetime.date(2026, 12, 31))
    responsible_agency = factory.SelfAttribute("agreement.lead_agency")
