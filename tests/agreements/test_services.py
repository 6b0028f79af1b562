"""Lifecycle, legal clocks, outputs, reviews and the review KPI."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.errors import DomainError
from agreements import services
from agreements.models import Agreement, AgreementEvent, LegalNotice, Review
from reports.periods import Period, PeriodKind, current_period
from tests.factories import AgreementFactory, OutputFactory, PartnerFactory

pytestmark = pytest.mark.django_db
E = AgreementEvent.Kind
TODAY = date(2026, 6, 20)


def _proposal(agency):
    return services.agreement_create(
        user=None,
        data={
            "kind": Agreement.Kind.MOU,
            "number": "01/2026/BGN",
            "title_vi": "Bản ghi nhớ hợp tác với tỉnh Xiêng Khoảng",
            "signing_level": Agreement.SigningLevel.PROVINCE,
            "lead_agency": agency,
            "objectives": "Hợp tác giáo dục",
        },
        partners=[PartnerFactory(name_vi="Tỉnh Xiêng Khoảng")],
    )


def _event(agreement, kind, day, **kwargs):
    return services.agreement_record_event(
        agreement=agreement, kind=kind, occurred_on=day, user=None, today=TODAY, **kwargs
    )


def test_full_lifecycle_with_legal_clocks(agency):
    agreement = _proposal(agency)
    assert agreement.state == Agreement.State.PROPOSED
    _event(agreement, E.CONSULTATION, date(2026, 1, 5))
    _event(agreement, E.APPROVAL, date(2026, 1, 20), decision_number="12/QĐ-UBND")
    signing = _event(
        agreement,
        E.SIGNING,
        date(2026, 2, 3),
        details={"signer_vn_name": "Nguyễn Văn Sơn", "signer_partner_name": "Bounmy"},
    )
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.SIGNED
    assert agreement.signed_on == date(2026, 2, 3)
    # Report to the Chairman within 15 days of signing.
    assert signing.notice.kind == LegalNotice.Kind.SIGNING_REPORT
    assert signing.notice.due_on == date(2026, 2, 18)

    _event(agreement, E.ENTRY_INTO_FORCE, date(2026, 2, 10))
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.IN_FORCE
    assert agreement.effective_on == date(2026, 2, 10)

    extension = _event(agreement, E.EXTENSION, date(2026, 5, 1), new_end_on=date(2031, 2, 10))
    agreement.refresh_from_db()
    assert agreement.end_on == date(2031, 2, 10)
    assert extension.notice.kind == LegalNotice.Kind.CHANGE_NOTICE
    assert extension.notice.due_on == date(2026, 5, 16)

    _event(agreement, E.SUSPENSION, date(2026, 5, 10))
    _event(agreement, E.RESUMPTION, date(2026, 5, 20))
    termination = _event(agreement, E.TERMINATION, date(2026, 6, 1))
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.TERMINATED
    assert termination.notice.due_on == date(2026, 6, 16)
    assert list(agreement.events.values_list("kind", flat=True).order_by("id")) == [
        E.CONSULTATION,
        E.APPROVAL,
        E.SIGNING,
        E.ENTRY_INTO_FORCE,
        E.EXTENSION,
        E.SUSPENSION,
        E.RESUMPTION,
        E.TERMINATION,
    ]


def test_notice_status_due_overdue_done(agency):
    agreement = AgreementFactory(state="approved", signed_on=None, lead_agency=agency)
    event = _event(agreement, E.SIGNING, date(2026, 6, 1))
    notice = event.notice
    assert notice.status(date(2026, 6, 16)) == "due"
    assert notice.status(date(2026, 6, 17)) == "overdue"
    with time_machine.travel(date(2026, 6, 20)):
        services.notice_mark_done(
            notice=notice, done_on=date(2026, 6, 18), reference="5/BC", user=None
        )
    assert notice.status(date(2026, 7, 1)) == "done"
    assert LegalNotice.objects.overdue(date(2026, 7, 1)).count() == 0


@pytest.mark.parametrize(
    ("state", "kind"),
    [
        ("proposed", E.SIGNING),
        ("proposed", E.ENTRY_INTO_FORCE),
        ("in_force", E.APPROVAL),
        ("terminated", E.AMENDMENT),
        ("expired", E.SUSPENSION),
        ("suspended", E.SUSPENSION),
    ],
)
def test_invalid_transitions_are_refused_with_a_clear_message(state, kind):
    agreement = AgreementFactory(state=state)
    with pytest.raises(DomainError) as error:
        _event(agreement, kind, date(2026, 6, 1))
    assert "không thể" in error.value.messages[0]
    agreement.refresh_from_db()
    assert agreement.state == state
    assert not agreement.events.exists()


def test_extension_needs_a_later_end_date():
    agreement = AgreementFactory(end_on=date(2029, 3, 15))
    with pytest.raises(DomainError) as error:
        _event(agreement, E.EXTENSION, date(2026, 6, 1), new_end_on=date(2028, 1, 1))
    assert "new_end_on" in error.value.message_dict
    assert not LegalNotice.objects.exists()


def test_signing_date_cannot_be_in_the_future():
    agreement = AgreementFactory(state="approved", signed_on=None)
    with pytest.raises(DomainError):
        _event(agreement, E.SIGNING, TODAY + timedelta(days=1))


def test_expiry_job_moves_past_end_dates(agency):
    ended = AgreementFactory(end_on=date(2026, 6, 1))
    renewing = AgreementFactory(end_on=date(2026, 6, 1), auto_renewal=True)
    running = AgreementFactory(end_on=date(2027, 1, 1))
    assert services.agreements_expire_due(today=TODAY) == 1
    states = dict(Agreement.objects.values_list("pk", "state"))
    assert states == {ended.pk: "expired", renewing.pk: "in_force", running.pk: "in_force"}
    assert services.agreements_expire_due(today=TODAY) == 0


def test_duplicate_number_is_refused(agency):
    AgreementFactory(number="09/2025/BGN")
    with pytest.raises(DomainError) as error:
        services.agreement_create(
            user=None,
            data={
                "kind": "mou",
                "number": "09/2025/BGN",
                "title_vi": "X",
                "signing_level": "province",
                "lead_agency": agency,
                "objectives": "Y",
            },
            partners=[PartnerFactory()],
        )
    assert "09/2025/BGN" in error.value.message_dict["number"][0]
    assert Agreement.objects.count() == 1


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 6, 14), Period(2026, PeriodKind.SEMIANNUAL)),
        (date(2026, 6, 15), Period(2026, PeriodKind.ANNUAL)),
        (date(2026, 12, 14), Period(2026, PeriodKind.ANNUAL)),
        (date(2026, 12, 15), Period(2027, PeriodKind.SEMIANNUAL)),
        (date(2027, 1, 1), Period(2027, PeriodKind.SEMIANNUAL)),
    ],
)
def test_current_period_boundaries(day, expected):
    assert current_period(day) == expected
    assert current_period(day).contains(day)


def test_review_kpi_around_the_period_boundary(reporter):
    reviewed, not_reviewed = AgreementFactory(), AgreementFactory()
    AgreementFactory(state="expired")  # not counted: not in force
    OutputFactory(agreement=reviewed, current_value=4)
    with time_machine.travel(date(2026, 6, 10)):
        services.review_record(
            agreement=reviewed,
            user=reporter,
            period=current_period(date(2026, 6, 10)),
            reviewed_on=date(2026, 6, 10),
            overall=Review.Overall.ON_TRACK,
            achievements="Đã làm",
        )
        coverage = services.review_coverage(today=date(2026, 6, 14))
    assert (coverage.in_force, coverage.reviewed, coverage.percent) == (2, 1, 50)
    assert list(Agreement.objects.in_force().not_reviewed_in(coverage.period)) == [not_reviewed]
    # The next day opens a new period: nobody has been reviewed in it yet.
    coverage = services.review_coverage(today=date(2026, 6, 15))
    assert (coverage.reviewed, coverage.percent) == (0, 0)
    review = Review.objects.get()
    assert review.output_values.get().value == 4


def test_a_second_review_in_the_same_period_is_refused(reporter):
    agreement = AgreementFactory()
    kwargs = dict(
        agreement=agreement,
        user=reporter,
        period=Period(2026, PeriodKind.SEMIANNUAL),
        reviewed_on=date(2026, 5, 1),
        overall=Review.Overall.MET,
        achievements="Xong",
    )
    with time_machine.travel(date(2026, 6, 1)):
        services.review_record(**kwargs)
        with pytest.raises(DomainError):
            services.review_record(**kwargs)
    assert Review.objects.count() == 1


def test_review_score_out_of_range_saves_nothing(reporter):
    from agreements.models import EvaluationCriterion

    criterion = EvaluationCriterion.objects.order_by("pk").first()
    agreement = AgreementFactory()
    with time_machine.travel(date(2026, 6, 1)), pytest.raises(DomainError):
        services.review_record(
            agreement=agreement,
            user=reporter,
            period=Period(2026, PeriodKind.SEMIANNUAL),
            reviewed_on=date(2026, 5, 1),
            overall=Review.Overall.MET,
            achievements="Xong",
            scores={criterion.pk: criterion.max_score + 1},
        )
    assert not Review.objects.exists()


def test_stale_agreements(reporter):
    with time_machine.travel(date(2025, 1, 1)):
        stale = AgreementFactory()
        fresh = AgreementFactory()
    with time_machine.travel(date(2025, 12, 1)):
        services.review_record(
            agreement=fresh,
            user=reporter,
            period=Period(2025, PeriodKind.ANNUAL),
            reviewed_on=date(2025, 12, 1),
            overall=Review.Overall.MET,
            achievements="Xong",
        )
    assert list(Agreement.objects.stale(date(2026, 3, 1))) == [stale]


@pytest.mark.parametrize(
    ("content", "ok"),
    [
        (b"%PDF-1.7\n...", True),
        (b"\xff\xd8\xff\xe0JFIF", True),
        (b"\x89PNG\r\n\x1a\n....", True),
        (b"MZ\x90\x00 not a pdf", False),
        (b"<html><script>alert(1)</script>", False),
    ],
)
def test_upload_checks_the_content_not_the_name(content, ok, official, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agreement = AgreementFactory()
    upload = SimpleUploadedFile("van-ban.pdf", content, content_type="application/pdf")
    if ok:
        document = services.document_upload(
            agreement=agreement, user=official, uploaded_file=upload, kind="signed_text"
        )
        assert document.size == len(content)
        assert document.file.path.startswith(str(tmp_path))
    else:
        with pytest.raises(DomainError):
            services.document_upload(
                agreement=agreement, user=official, uploaded_file=upload, kind="signed_text"
            )
        assert not agreement.documents.exists()


def test_oversized_upload_is_refused(official, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (services.MAX_UPLOAD_BYTES + 1))
    with pytest.raises(DomainError):
        services.document_upload(
            agreement=AgreementFactory(), user=official, uploaded_file=upload, kind="scan"
        )


@pytest.mark.parametrize(("days_ago", "notices"), [(10, 1), (200, 0)])
def test_registering_a_signed_agreement_opens_its_report_only_when_recent(
    agency, days_ago, notices
):
    with time_machine.travel(TODAY):
        agreement = services.agreement_create(
            user=None,
            data={
                "kind": "mou",
                "title_vi": "X",
                "signing_level": "province",
                "state": "in_force",
                "signed_on": TODAY - timedelta(days=days_ago),
                "lead_agency": agency,
                "objectives": "Y",
            },
            partners=[PartnerFactory()],
        )
    assert agreement.notices.count() == notices
