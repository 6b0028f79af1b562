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
