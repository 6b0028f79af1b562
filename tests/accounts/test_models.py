import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import Role, User
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_official_must_belong_to_the_owning_department(agency):
    user = User(username="x", agency=agency, role=Role.OFFICIAL)
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "Chuyên viên đối ngoại phải thuộc Sở Ngoại vụ." in error.value.message_dict["role"]


def test_user_without_agency_is_refused_unless_administrator():
    with pytest.raises(ValidationError) as error:
        User(username="x", role=Role.REPORTER).full_clean()
    assert "agency" in error.value.message_dict
    User(username="admin2", role=Role.ADMIN).full_clean(exclude=["password"])


def test_database_refuses_user_without_agency():
    with pytest.raises(IntegrityError):
        User.objects.create(username="orphan", role=Role.REPORTER)


def test_only_administrators_are_staff(official, administrator):
    assert administrator.is_staff
    assert not official.is_staff


def test_owner_agency_follows_settings(settings):
    AgencyFactory(short_name="SNgV", name="Sở Ngoại vụ")
    khanh_hoa = AgencyFactory(short_name="SNgV-KH", name="Sở Ngoại vụ Khánh Hòa")
    settings.PORTAL = {**settings.PORTAL, "DEPARTMENT_ABBR": "SNgV-KH"}
    from accounts.models import Agency

    assert list(Agency.objects.owner()) == [khanh_hoa]
    assert khanh_hoa.is_owner
