"""Per-record history pages and restoring an earlier version (accounts/history.py)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from simple_history.models import HistoricalRecords

from accounts.errors import DomainError
from accounts.history import history_page, history_restore, registry
from agreements import services as agreement_services
from agreements.models import Agreement, FieldOfCooperation, Output
from partners import services as partner_services
from partners.models import Partner
from tests.factories import AgencyFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@contextmanager
def acting_as(user):
    """Attribute the history rows written inside the block to ``user``, as a request would."""
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def make_agreement(user, lead_agency, partners, **data) -> Agreement:
    values = {
        "kind": Agreement.Kind.MOU,
        "title_vi": "Biên bản ghi nhớ hợp tác du lịch",
        "signing_level": Agreement.SigningLevel.PROVINCE,
        "lead_agency": lead_agency,
        "objectives": "Phát triển du lịch bền vững",
        **data,
    }
    with acting_as(user):
        return agreement_services.agreement_create(user=user, data=values, partners=partners)


def edit_agreement(user, agreement: Agreement, partners=None, **data) -> Agreement:
    agreement = Agreement.objects.get(pk=agreement.pk)
    with acting_as(user):
        return agreement_services.agreement_update(
            agreement=agreement, user=user, data=data, partners=partners
        )


@pytest.fixture
def yunnan():
    return PartnerFactory(name_vi="Tỉnh Vân Nam", name_native="Yunnan", country="CN")


@pytest.fixture
def guangxi():
    return PartnerFactory(name_vi="Khu tự trị dân tộc Choang Quảng Tây", country="CN")


@pytest.fixture
def internal_agreement(official, agency, yunnan):
    """An internal agreement led by the reporter's agency (SVHTTDL), edited once."""
    agreement = make_agreement(official, agency, [yunnan], number="01/2024/TTQT", is_public=False)
    return edit_agreement(official, agreement, title_vi="Biên bản ghi nhớ về du lịch")


def url(slug: str, obj) -> str:
    return reverse("history:object", args=[slug, obj.pk])


def restore_url(slug: str, obj, history_id: int) -> str:
    return reverse("history:restore", args=[slug, obj.pk, history_id])


def creation_id(obj) -> int:
    """The version right after creation: the creation row and the sets written with it."""
    _page, entries = history_page(instance=obj)
    return entries[-1].history_id


# ---------------------------------------------------------------------------
# The page: what changed, in Vietnamese, newest first
# ---------------------------------------------------------------------------
def test_agreement_history_shows_each_change_in_vietnamese(
    client, official, agency, other_agency, yunnan, guangxi
):
    agreement = make_agreement(
        official, agency, [yunnan], number="02/2024/TTQT", signed_on=date(2024, 3, 5)
    )
    edit_agreement(
        official,
        agreement,
        partners=[guangxi],
        kind=Agreement.Kind.PROGRAMME,
        lead_agency=other_agency,
        is_public=False,
        signed_on=date(2024, 4, 9),
    )
    client.force_login(official)
    response = client.get(url("agreement", agreement))
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("vi"):
        kind_label = str(Agreement._meta.get_field("kind").verbose_name)
        programme = str(Agreement.Kind.PROGRAMME.label)
        mou = str(Agreement.Kind.MOU.label)
    assert "Lịch sử thay đổi" in html
    assert "Tạo mới" in html and "Cập nhật" in html
    # Choice labels, not codes; dates dd/mm/yyyy; foreign keys and sets by name; booleans.
    assert kind_label.capitalize() in html
    assert programme in html and mou in html
    assert ">programme<" not in html and ">mou<" not in html
    assert "05/03/2024" in html and "09/04/2024" in html
    assert "Sở Công Thương" in html and "Sở Văn hóa, Thể thao và Du lịch" in html
    assert "Thêm: Khu tự trị dân tộc Choang Quảng Tây" in html
    assert "Bỏ: Tỉnh Vân Nam" in html
    assert "Có" in html and "Không" in html
    assert official.full_name in html
    # Newest first: the edit comes before the creation.
    assert html.index("Cập nhật") < html.index("Tạo mới")


def test_entries_are_grouped_per_edit_and_diffed(official, agency, yunnan, guangxi):
    agreement = make_agreement(official, agency, [yunnan])
    edit_agreement(official, agreement, partners=[yunnan, guangxi], title_en="Tourism MOU")
    _page, entries = history_page(instance=agreement)
    # Creation writes a row for the record and one for its partners; the edit a row for the
    # fields and one for the added partner: two entries.
    assert len(entries) == 2
    edit, creation = entries
    assert creation.is_creation and not edit.is_creation
    assert edit.is_current and not creation.is_current
    assert edit.user == official
    assert [(c.old, c.new) for c in edit.changes] == [(None, "Tourism MOU")]
    assert [(s.added, s.removed) for s in edit.set_changes] == [
        (["Khu tự trị dân tộc Choang Quảng Tây"], [])
    ]
    assert [s.added for s in creation.set_changes] == [["Tỉnh Vân Nam"]]
    assert {"Biên bản ghi nhớ hợp tác du lịch"} <= {c.new for c in creation.changes}


def test_an_unchanged_save_is_listed_without_changes(client, official, agency, yunnan):
    agreement = make_agreement(official, agency, [yunnan])
    edit_agreement(official, agreement)
    client.force_login(official)
    html = client.get(url("agreement", agreement)).content.decode()
    assert "Không có trường thông tin nào thay đổi." in html


def test_partner_history_shows_parent_country_and_twinning(client, reporter):
    parent = PartnerFactory(name_vi="Tỉnh Gyeonggi", country="KR")
    partner = PartnerFactory(name_vi="Thành phố Anseong", country="KR")
    with acting_as(reporter):
        partner_services.partner_update(
            partner=partner,
            user=reporter,
            data={"parent": parent, "is_twinned": True, "country": "JP"},
        )
    client.force_login(reporter)
    html = client.get(url("partner", partner)).content.decode()
    assert "Tỉnh Gyeonggi" in html
    assert "Hàn Quốc" in html and "Nhật Bản" in html
    assert "Không" in html and "Có" in html


def test_output_history_shows_status_labels_and_numbers(client, official, agency, yunnan):
    agreement = make_agreement(official, agency, [yunnan])
    output = agreement_services.output_create(
        agreement=agreement,
        user=official,
        data={
            "description": "Đón 3 đoàn du lịch",
            "responsible_agency": agency,
            "target_value": Decimal("3"),
            "due_on": date(2025, 12, 31),
        },
    )
    agreement_services.output_report_progress(
        output=output, user=official, current_value=Decimal("1.5"), status="in_progress"
    )
    client.force_login(official)
    html = client.get(url("output", output)).content.decode()
    with translation.override("vi"):
        in_progress = str(Output.Status.IN_PROGRESS.label)
        not_started = str(Output.Status.NOT_STARTED.label)
    assert in_progress in html and not_started in html
    assert "1,5" in html  # decimal comma
    assert "31/12/2025" in html


def test_history_page_query_count_is_fixed(
    client, official, agency, yunnan, guangxi, django_assert_max_num_queries
):
    field = FieldOfCooperation.objects.create(name="Du lịch thử nghiệm")

    def agreement_with(edits: int) -> Agreement:
        agreement = make_agreement(official, agency, [yunnan])
        for i in range(edits):
            edit_agreement(
                official,
                agreement,
                partners=[yunnan] if i % 2 else [guangxi],
                title_en=f"Version {i}",
                lead_agency=AgencyFactory() if i % 10 == 0 else agency,
            )
        Agreement.objects.get(pk=agreement.pk).fields.set([field])
        return agreement

    small, large = agreement_with(2), agreement_with(70)
    client.force_login(official)
    client.get(url("agreement", small))  # warm the session
    with CaptureQueriesContext(connection) as few_versions:
        client.get(url("agreement", small))
    with django_assert_max_num_queries(len(few_versions)):
        response = client.get(url("agreement", large))
    assert len(few_versions) <= 16
    assert len(response.context["entries"]) == 50
    assert response.context["page_obj"].paginator.count == 72
    second = client.get(url("agreement", large) + "?page=2")
    assert len(second.context["entries"]) == 22
    assert second.context["entries"][-1].is_creation


# ---------------------------------------------------------------------------
# Who may see the history
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("user_fixture", "status"),
    [
        ("official", 200),
        ("reporter", 200),  # their agency leads it
        ("other_reporter", 404),  # internal agreement of another agency
        ("leader", 200),
        ("administrator", 200),
    ],
)
def test_agreement_and_output_history_follow_agreement_visibility(
    client, request, internal_agreement, agency, user_fixture, status
):
    output = Output.objects.create(
        agreement=internal_agreement, description="Hội chợ du lịch", responsible_agency=agency
    )
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(url("agreement", internal_agreement)).status_code == status
    assert client.get(url("output", output)).status_code == status


def test_public_agreement_history_is_open_to_other_agencies(
    client, official, agency, other_reporter, yunnan
):
    agreement = make_agreement(official, agency, [yunnan], is_public=True)
    client.force_login(other_reporter)
    assert client.get(url("agreement", agreement)).status_code == 200


@pytest.mark.parametrize(
    "user_fixture", ["official", "reporter", "other_reporter", "leader", "administrator"]
)
def test_partner_history_is_open_to_every_logged_in_user(client, request, user_fixture):
    partner = PartnerFactory()
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(url("partner", partner)).status_code == 200


def test_history_sends_anonymous_to_login(client, internal_agreement):
    partner = PartnerFactory()
    for target in (
        url("agreement", internal_agreement),
        url("partner", partner),
        restore_url("agreement", internal_agreement, creation_id(internal_agreement)),
    ):
        response = client.post(target) if "restore" in target else client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_unknown_kind_or_record_is_404(client, official):
    client.force_login(official)
    assert client.get(reverse("history:object", args=["user", official.pk])).status_code == 404
    assert client.get(reverse("history:object", args=["agreement", 999999])).status_code == 404


def test_restore_button_only_for_officials(client, official, leader, reporter, internal_agreement):
    client.force_login(official)
    assert (
        "Khôi phục phiên bản này"
        in client.get(url("agreement", internal_agreement)).content.decode()
    )
    for user in (leader, reporter):
        client.force_login(user)
        html = client.get(url("agreement", internal_agreement)).content.decode()
        assert "Khôi phục phiên bản này" not in html


# ---------------------------------------------------------------------------
# Restore through the page
# ---------------------------------------------------------------------------
def test_official_restores_an_agreement_version(client, official, agency, yunnan, guangxi):
    field = FieldOfCooperation.objects.create(name="Văn hóa thử nghiệm")
    agreement = make_agreement(official, agency, [yunnan], number="03/2024/TTQT")
    Agreement.objects.get(pk=agreement.pk).fields.set([field])
    version = history_page(instance=agreement)[1][0].history_id
    edit_agreement(
        official, agreement, partners=[guangxi], title_vi="Tên đã sửa", number="04/2024/TTQT"
    )
    Agreement.objects.get(pk=agreement.pk).fields.clear()
    assert Agreement.objects.search("Van Nam").count() == 0

    client.force_login(official)
    response = client.post(restore_url("agreement", agreement, version))
    assert response.status_code == 302
    assert response["Location"] == url("agreement", agreement)

    agreement.refresh_from_db()
    assert agreement.title_vi == "Biên bản ghi nhớ hợp tác du lịch"
    assert agreement.number == "03/2024/TTQT"
    assert list(agreement.partners.all()) == [yunnan]
    assert list(agreement.fields.all()) == [field]
    # The search text follows the restored partners.
    assert list(Agreement.objects.search("Van Nam")) == [agreement]

    latest = agreement.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == official
    assert re.fullmatch(
        r"Khôi phục phiên bản ngày \d\d/\d\d/\d{4} \d\d:\d\d", latest.history_change_reason
    )
    page = client.get(url("agreement", agreement))
    html = page.content.decode()
    assert latest.history_change_reason in html
    assert "Đã khôi phục phiên bản ngày" in html
    assert page.context["entries"][0].reason == latest.history_change_reason


@pytest.mark.parametrize("user_fixture", ["leader", "reporter", "administrator"])
def test_only_officials_may_restore(client, request, internal_agreement, user_fixture):
    version = creation_id(internal_agreement)
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.post(restore_url("agreement", internal_agreement, version)).status_code == 403
    internal_agreement.refresh_from_db()
    assert internal_agreement.title_vi == "Biên bản ghi nhớ về du lịch"


def test_restore_by_an_outsider_is_404(client, other_reporter, internal_agreement):
    client.force_login(other_reporter)
    version = creation_id(internal_agreement)
    assert client.post(restore_url("agreement", internal_agreement, version)).status_code == 404


def test_restore_needs_post(client, official, internal_agreement):
    client.force_login(official)
    version = creation_id(internal_agreement)
    assert client.get(restore_url("agreement", internal_agreement, version)).status_code == 405


def test_restore_of_another_records_version_is_refused(
    client, official, agency, yunnan, internal_agreement
):
    other = make_agreement(official, agency, [yunnan], title_vi="Thỏa thuận khác")
    client.force_login(official)
    response = client.post(
        restore_url("agreement", internal_agreement, creation_id(other)), follow=True
    )
    assert "Phiên bản này không thuộc bản ghi này." in response.content.decode()
    internal_agreement.refresh_from_db()
    assert internal_agreement.title_vi == "Biên bản ghi nhớ về du lịch"


def test_restore_page_message_for_a_duplicate_number(client, official, agency, yunnan):
    agreement = make_agreement(official, agency, [yunnan], number="05/2024/TTQT")
    version = creation_id(agreement)
    edit_agreement(official, agreement, number="06/2024/TTQT")
    make_agreement(official, agency, [yunnan], number="05/2024/TTQT", title_vi="Khác")
    client.force_login(official)
    response = client.post(restore_url("agreement", agreement, version), follow=True)
    with translation.override("vi"):
        expected = agreement_services._("Another agreement already has the number %(number)s.") % {
            "number": "05/2024/TTQT"
        }
    assert expected in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.number == "06/2024/TTQT"


# ---------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------
def test_restore_keeps_the_agreement_state(official, agency, yunnan):
    agreement = make_agreement(official, agency, [yunnan])
    version = creation_id(agreement)
    agreement_services.agreement_record_event(
        agreement=agreement, kind="consultation", occurred_on=timezone.localdate(), user=official
    )
    edit_agreement(official, agreement, notes="Ghi chú mới")
    restored = history_restore(instance=agreement, history_id=version, user=official)
    assert restored.notes == ""
    assert restored.state == Agreement.State.CONSULTATION


def test_restore_to_the_current_state_is_refused(official, agency, yunnan):
    agreement = make_agreement(official, agency, [yunnan])
    with translation.override("en"), pytest.raises(DomainError, match="already"):
        history_restore(instance=agreement, history_id=creation_id(agreement), user=official)


def test_restore_refused_when_no_partner_would_remain(official, agency, yunnan, guangxi):
    agreement = make_agreement(official, agency, [yunnan])
    version = creation_id(agreement)
    edit_agreement(official, agreement, partners=[guangxi], notes="Đổi đối tác")
    yunnan.delete()
    with pytest.raises(DomainError) as error:
        history_restore(instance=agreement, history_id=version, user=official)
    assert "partners" in error.value.message_dict
    agreement.refresh_from_db()
    assert agreement.notes == "Đổi đối tác"
    assert list(agreement.partners.all()) == [guangxi]


def test_failed_restore_leaves_no_trace(official, agency, yunnan, guangxi):
    agreement = make_agreement(official, agency, [yunnan], number="07/2024/TTQT")
    version = creation_id(agreement)
    edit_agreement(official, agreement, partners=[guangxi], number="08/2024/TTQT")
    make_agreement(official, agency, [yunnan], number="07/2024/TTQT", title_vi="Khác")
    rows = agreement.history.count()
    with pytest.raises(DomainError):
        history_restore(instance=agreement, history_id=version, user=official)
    assert agreement.history.count() == rows
    assert list(Agreement.objects.get(pk=agreement.pk).partners.all()) == [guangxi]


def test_restore_a_partner_refreshes_its_agreements_search(official, agency):
    partner = PartnerFactory(name_vi="Huyện Imsil", country="KR")
    agreement = make_agreement(official, agency, [partner])
    version = partner.history.order_by("history_date").first().history_id
    partner_services.partner_update(partner=partner, user=official, data={"name_vi": "Quận Imsil"})
    assert Agreement.objects.search("Huyen Imsil").count() == 0
    restored = history_restore(instance=partner, history_id=version, user=official)
    assert restored.name_vi == "Huyện Imsil"
    assert list(Partner.objects.search("huyen imsil")) == [restored]
    assert list(Agreement.objects.search("Huyen Imsil")) == [agreement]


def test_restoring_a_partner_parent_that_makes_a_loop_is_refused(official):
    province = PartnerFactory(name_vi="Tỉnh Ibaraki", country="JP")
    city = PartnerFactory(name_vi="Thành phố Moriya", country="JP", parent=province)
    version = city.history.order_by("-history_date").first().history_id
    partner_services.partner_update(partner=city, user=official, data={"parent": None})
    partner_services.partner_update(partner=province, user=official, data={"parent": city})
    with pytest.raises(DomainError) as error:
        history_restore(instance=city, history_id=version, user=official)
    assert "parent" in error.value.message_dict
    city.refresh_from_db()
    assert city.parent is None


def test_output_restore_by_an_official(client, official, reporter, agency, yunnan):
    agreement = make_agreement(official, agency, [yunnan])
    output = agreement_services.output_create(
        agreement=agreement,
        user=official,
        data={"description": "Trao đổi 2 đoàn nghệ thuật", "responsible_agency": agency},
    )
    version = output.history.get().history_id
    agreement_services.output_report_progress(
        output=output, user=reporter, current_value=Decimal("2"), status="achieved"
    )
    client.force_login(reporter)
    assert client.post(restore_url("output", output, version)).status_code == 403
    client.force_login(official)
    assert client.post(restore_url("output", output, version)).status_code == 302
    output.refresh_from_db()
    assert output.status == Output.Status.NOT_STARTED
    assert output.current_value is None
    assert output.agreement == agreement


def test_registry_covers_every_kind():
    from delegations.models import Conference, Delegation

    assert {slug: kind.model for slug, kind in registry().items()} == {
        "partner": Partner,
        "agreement": Agreement,
        "output": Output,
        "delegation": Delegation,
        "conference": Conference,
    }
