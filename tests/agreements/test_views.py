"""Every agreement view for the official, the lead agency's reporter, another agency's
reporter, a leader and an anonymous visitor; fixed query counts."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from agreements.models import Agreement, AgreementDocument, Output, Review
from tests.factories import AgreementFactory, OutputFactory, PartnerFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


@pytest.fixture
def agreement(agency):
    """An internal agreement led by the reporter's agency (SVHTTDL)."""
    return AgreementFactory(lead_agency=agency, internal=True, title_vi="Thỏa thuận nội bộ")


@pytest.fixture
def output(agreement, agency):
    return OutputFactory(agreement=agreement, responsible_agency=agency)


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


READ_CASES = [
    ("official", 200),
    ("reporter", 200),
    ("other_reporter", 404),  # internal agreement of another agency
    ("leader", 200),
    ("administrator", 200),
]


@pytest.mark.parametrize(("who", "status"), READ_CASES)
def test_detail(client, request, agreement, output, who, status):
    response = _get(client, request.getfixturevalue(who), agreement.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert "Thỏa thuận nội bộ" in response.content.decode()


def test_detail_anonymous(client, agreement):
    assert client.get(agreement.get_absolute_url())["Location"].startswith(LOGIN)


def test_public_agreement_of_another_agency_is_readable(client, other_reporter):
    public = AgreementFactory(is_public=True)
    assert _get(client, other_reporter, public.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("who", ["official", "reporter", "other_reporter", "leader"])
def test_list_shows_only_visible_agreements(client, request, agreement, who):
    public = AgreementFactory(is_public=True, title_vi="Bản ghi nhớ công khai")
    response = _get(client, request.getfixturevalue(who), reverse("agreements:list"))
    assert response.status_code == 200
    listed = set(response.context["agreements"])
    assert public in listed
    assert (agreement in listed) == (who != "other_reporter")


def test_list_anonymous(client):
    assert client.get(reverse("agreements:list"))["Location"].startswith(LOGIN)


def test_list_and_detail_query_counts_do_not_grow(client, official, django_assert_max_num_queries):
    partners = [PartnerFactory() for _ in range(3)]
    for _ in range(200):
        AgreementFactory(partners=partners)
    detail = Agreement.objects.first()
    for _ in range(20):
        OutputFactory(agreement=detail)
    client.force_login(official)
    client.get(reverse("agreements:list"))  # the session's first request also writes it
    with django_assert_max_num_queries(7):
        response = client.get(reverse("agreements:list"))
    assert len(response.context["agreements"]) == 50
    # On SQLite a search first asks the trigram index how common its words are.
    with django_assert_max_num_queries(8 if connection.vendor == "sqlite" else 7):
        client.get(reverse("agreements:list") + "?q=hop+tac&state=in_force")
    with django_assert_max_num_queries(9):
        assert client.get(detail.get_absolute_url()).status_code == 200


def test_list_rows_show_partners_kind_and_state(client, official):
    AgreementFactory(
        partners=[PartnerFactory(name_vi="Tỉnh Bê"), PartnerFactory(name_vi="Tỉnh A")],
        kind="mou",
        state="in_force",
    )
    client.force_login(official)
    page = client.get(reverse("agreements:list")).content.decode()
    assert '<td class="small">Tỉnh A; Tỉnh Bê</td>' in page
    assert '<div class="small text-body-secondary">Bản ghi nhớ</div>' in page
    assert '<span class="badge state-in_force">Còn hiệu lực</span>' in page


def test_list_filters(client, official, agency):
    mine = AgreementFactory(lead_agency=agency, signed_on=date(2022, 5, 1))
    AgreementFactory(signed_on=date(2023, 5, 1))
    client.force_login(official)
    response = client.get(reverse("agreements:list"), {"lead_agency": agency.pk, "year": 2022})
    assert list(response.context["agreements"]) == [mine]


WRITE_CASES = [
    ("official", 200),
    ("reporter", 403),
    ("leader", 403),
    ("administrator", 403),
]


@pytest.mark.parametrize(("who", "status"), WRITE_CASES)
def test_official_only_pages(client, request, agreement, output, who, status):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for url in (
        reverse("agreements:create"),
        reverse("agreements:update", args=[agreement.pk]),
        reverse("agreements:event_create", args=[agreement.pk, "amendment"]),
        reverse("agreements:output_create", args=[agreement.pk]),
        reverse("agreements:output_update", args=[agreement.pk, output.pk]),
        reverse("agreements:document_upload", args=[agreement.pk]),
    ):
        assert client.get(url).status_code == status, url


def test_official_only_pages_hide_other_agencies_internal_agreements(
    client, other_reporter, agreement
):
    client.force_login(other_reporter)
    url = reverse("agreements:update", args=[agreement.pk])
    assert client.get(url).status_code == 404


def test_official_registers_an_agreement(client, official, agency):
    partner = PartnerFactory(name_vi="Tỉnh Xiêng Khoảng")
    client.force_login(official)
    response = client.post(
        reverse("agreements:create"),
        {
            "kind": "mou",
            "number": "05/2026/BGN",
            "title_vi": "Bản ghi nhớ giáo dục",
            "partners": [partner.pk],
            "signing_level": "province",
            "state": "proposed",
            "lead_agency": agency.pk,
            "objectives": "Trao đổi học sinh",
            "evaluation_mechanism": "Hằng năm",
            "is_public": "on",
        },
    )
    agreement = Agreement.objects.get(number="05/2026/BGN")
    assert response["Location"] == agreement.get_absolute_url()
    latest = agreement.history.first()
    assert latest.history_user == official
    assert [p.partner_id for p in latest.partners.all()] == [partner.pk]
    assert "xieng khoang" in agreement.search_text


def test_bad_dates_give_field_errors_and_save_nothing(client, official, agency):
    client.force_login(official)
    response = client.post(
        reverse("agreements:create"),
        {
            "kind": "mou",
            "title_vi": "X",
            "partners": [PartnerFactory().pk],
            "signing_level": "province",
            "state": "in_force",
            "signed_on": "31/02/2025",
            "effective_on": "10/03/2025",
            "end_on": "01/01/2025",
            "lead_agency": agency.pk,
            "objectives": "Y",
            "evaluation_mechanism": "Z",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "signed_on" in errors
    assert "end_on" in errors
    assert not Agreement.objects.exists()


def test_official_records_an_event_and_marks_the_notice(client, official):
    agreement = AgreementFactory(state="approved", signed_on=None, effective_on=None)
    client.force_login(official)
    response = client.post(
        reverse("agreements:event_create", args=[agreement.pk, "signing"]),
        {"occurred_on": "02/02/2026", "signer_vn_name": "A", "signer_partner_name": "B"},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.state == "signed"
    notice = agreement.notices.get()
    assert notice.due_on == date(2026, 2, 17)
    client.post(
        reverse("agreements:notice_done", args=[agreement.pk, notice.pk]),
        {"done_on": "10/02/2026", "reference": "03/BC-SNgV"},
    )
    notice.refresh_from_db()
    assert notice.done_on == date(2026, 2, 10)


def test_refused_transition_shows_the_message(client, official):
    agreement = AgreementFactory(state="expired")
    client.force_login(official)
    response = client.post(
        reverse("agreements:event_create", args=[agreement.pk, "suspension"]),
        {"occurred_on": "02/02/2026"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not agreement.events.exists()


def test_notice_done_by_leader_is_forbidden(client, leader):
    agreement = AgreementFactory(state="approved", signed_on=None)
    from agreements import services

    event = services.agreement_record_event(
        agreement=agreement,
        kind="signing",
        occurred_on=date(2026, 1, 1),
        user=None,
        details={"signer_vn_name": "A", "signer_partner_name": "B"},
    )
    client.force_login(leader)
    url = reverse("agreements:notice_done", args=[agreement.pk, event.notice.pk])
    assert client.post(url, {"done_on": "05/01/2026"}).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [("official", 200), ("reporter", 200), ("other_reporter", 404), ("leader", 403)],
)
def test_output_progress_page(client, request, agreement, output, who, status):
    client.force_login(request.getfixturevalue(who))
    url = reverse("agreements:output_progress", args=[agreement.pk, output.pk])
    assert client.get(url).status_code == status


def test_reporter_of_another_agency_cannot_update_an_output_of_a_public_agreement(
    client, other_reporter, agency
):
    public = AgreementFactory(is_public=True, lead_agency=agency)
    output = OutputFactory(agreement=public, responsible_agency=agency)
    client.force_login(other_reporter)
    url = reverse("agreements:output_progress", args=[public.pk, output.pk])
    assert client.post(url, {"current_value": "5", "status": "in_progress"}).status_code == 403


def test_reporter_updates_progress(client, reporter, agreement, output):
    client.force_login(reporter)
    url = reverse("agreements:output_progress", args=[agreement.pk, output.pk])
    response = client.post(
        url, {"current_value": "7,5", "status": "in_progress", "progress_note": "Đã tổ chức 2 lớp"}
    )
    assert response.status_code == 302
    output.refresh_from_db()
    assert str(output.current_value) == "7.50"
    assert output.history.first().history_user == reporter


def test_negative_progress_is_a_field_error(client, reporter, agreement, output):
    client.force_login(reporter)
    url = reverse("agreements:output_progress", args=[agreement.pk, output.pk])
    response = client.post(url, {"current_value": "-1", "status": "in_progress"})
    assert response.status_code == 200
    assert "current_value" in response.context["form"].errors
    output.refresh_from_db()
    assert output.current_value is None


@pytest.mark.parametrize(
    ("who", "status"),
    [("official", 200), ("reporter", 200), ("other_reporter", 404), ("leader", 403)],
)
def test_review_page(client, request, agreement, who, status):
    client.force_login(request.getfixturevalue(who))
    assert (
        client.get(reverse("agreements:review_create", args=[agreement.pk])).status_code == status
    )


def test_reporter_of_lead_agency_records_a_review(client, reporter, agreement, output):
    from django.utils import timezone

    from agreements.forms import period_choices

    client.force_login(reporter)
    data = {
        "period": period_choices(timezone.localdate())[0][0],
        "reviewed_on": timezone.localdate().strftime("%d/%m/%Y"),
        "overall": "on_track",
        "achievements": "Đã tổ chức đoàn trao đổi",
    }
    from agreements.models import EvaluationCriterion

    for criterion in EvaluationCriterion.objects.filter(is_active=True):
        data[f"score_{criterion.pk}"] = 4
    response = client.post(reverse("agreements:review_create", args=[agreement.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    review = Review.objects.get()
    assert review.agency == reporter.agency
    assert review.scores.count() == EvaluationCriterion.objects.filter(is_active=True).count()


def test_documents_upload_and_permission_checked_download(
    client, official, reporter, other_reporter, agreement, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(official)
    response = client.post(
        reverse("agreements:document_upload", args=[agreement.pk]),
        {
            "kind": "signed_text",
            "title": "Văn bản ký",
            "file": SimpleUploadedFile("ky.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    document = AgreementDocument.objects.get()
    client.force_login(reporter)
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    client.force_login(other_reporter)
    assert client.get(document.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(document.get_absolute_url())["Location"].startswith(LOGIN)


def test_executable_renamed_pdf_is_refused(client, official, agreement, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(official)
    response = client.post(
        reverse("agreements:document_upload", args=[agreement.pk]),
        {"kind": "scan", "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00binary")},
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not AgreementDocument.objects.exists()


@pytest.mark.parametrize("who", ["official", "reporter", "other_reporter", "leader"])
def test_review_coverage_page(client, request, agreement, who, django_assert_max_num_queries):
    for _ in range(30):
        AgreementFactory()
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("agreements:review_coverage"))
    assert response.status_code == 200
    coverage = response.context["coverage"]
    assert coverage.in_force == (30 if who == "other_reporter" else 31)


def test_review_coverage_anonymous(client):
    assert client.get(reverse("agreements:review_coverage"))["Location"].startswith(LOGIN)


def test_output_model_progress():
    output = Output(target_value=10, current_value=4)
    assert output.progress_percent == 40


@pytest.mark.parametrize(
    ("who", "get_status", "post_status"),
    [
        ("official", 200, 302),
        ("administrator", 200, 302),
        ("reporter", 200, 403),
        ("leader", 200, 403),
    ],
)
def test_reference_lists(client, request, who, get_status, post_status):
    from agreements.models import EvaluationCriterion

    client.force_login(request.getfixturevalue(who))
    url = reverse("agreements:reference_lists")
    assert client.get(url).status_code == get_status
    criteria = list(EvaluationCriterion.objects.order_by("order", "name"))
    from agreements.models import FieldOfCooperation

    fields = list(FieldOfCooperation.objects.order_by("name"))
    data = {
        "criteria-TOTAL_FORMS": len(criteria) + 1,
        "criteria-INITIAL_FORMS": len(criteria),
        "fields-TOTAL_FORMS": len(fields),
        "fields-INITIAL_FORMS": len(fields),
    }
    for i, c in enumerate(criteria):
        data.update(
            {
                f"criteria-{i}-id": c.pk,
                f"criteria-{i}-name": c.name,
                f"criteria-{i}-max_score": c.max_score,
                f"criteria-{i}-order": c.order,
                f"criteria-{i}-is_active": "on",
            }
        )
    new = len(criteria)
    data.update(
        {
            f"criteria-{new}-name": "Mức độ lan tỏa",
            f"criteria-{new}-max_score": 10,
            f"criteria-{new}-order": 9,
            f"criteria-{new}-is_active": "on",
        }
    )
    for i, f in enumerate(fields):
        data.update(
            {f"fields-{i}-id": f.pk, f"fields-{i}-name": f.name, f"fields-{i}-is_active": "on"}
        )
    response = client.post(url, data)
    assert response.status_code == post_status
    assert EvaluationCriterion.objects.filter(name="Mức độ lan tỏa").exists() == (
        post_status == 302
    )


def test_reference_lists_anonymous(client):
    assert client.get(reverse("agreements:reference_lists"))["Location"].startswith(LOGIN)
