"""Writes to the agreements registry. Views, forms, importers and tasks all come here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.errors import DomainError
from accounts.text import nfc
from reports.periods import Period, current_period

from .models import (
    NOTICE_DAYS,
    Agreement,
    AgreementDocument,
    AgreementEvent,
    EvaluationCriterion,
    LegalNotice,
    Output,
    Review,
    ReviewOutputValue,
    ReviewScore,
)

S = Agreement.State
E = AgreementEvent.Kind

# event -> (states it may happen in, state it leads to or None for "unchanged")
TRANSITIONS: dict[str, tuple[set[str], str | None]] = {
    E.CONSULTATION: ({S.PROPOSED}, S.CONSULTATION),
    E.APPROVAL: ({S.PROPOSED, S.CONSULTATION}, S.APPROVED),
    E.SIGNING: ({S.APPROVED}, S.SIGNED),
    E.ENTRY_INTO_FORCE: ({S.SIGNED}, S.IN_FORCE),
    E.AMENDMENT: ({S.SIGNED, S.IN_FORCE, S.SUSPENDED}, None),
    E.EXTENSION: ({S.SIGNED, S.IN_FORCE, S.SUSPENDED}, None),
    E.SUSPENSION: ({S.IN_FORCE}, S.SUSPENDED),
    E.RESUMPTION: ({S.SUSPENDED}, S.IN_FORCE),
    E.TERMINATION: ({S.SIGNED, S.IN_FORCE, S.SUSPENDED}, S.TERMINATED),
    E.WITHDRAWAL: ({S.SIGNED, S.IN_FORCE, S.SUSPENDED}, S.TERMINATED),
    E.EXPIRY: ({S.IN_FORCE, S.SUSPENDED}, S.EXPIRED),
}

# The legal clock each event starts (Decree 64/2021: within 15 days).
NOTICES: dict[str, str] = {
    E.SIGNING: LegalNotice.Kind.SIGNING_REPORT,
    E.AMENDMENT: LegalNotice.Kind.CHANGE_NOTICE,
    E.EXTENSION: LegalNotice.Kind.CHANGE_NOTICE,
    E.SUSPENSION: LegalNotice.Kind.CHANGE_NOTICE,
    E.TERMINATION: LegalNotice.Kind.CHANGE_NOTICE,
    E.WITHDRAWAL: LegalNotice.Kind.CHANGE_NOTICE,
}

ALLOWED_UPLOADS: dict[bytes, str] = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"II*\x00": "image/tiff",
    b"MM\x00*": "image/tiff",
}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Registering an agreement signed within this many days opens its signing report.
BACKFILL_NOTICE_DAYS = 90

TEXT_FIELDS = (
    "number",
    "title_vi",
    "title_en",
    "signed_place",
    "languages",
    "signer_vn_name",
    "signer_vn_title",
    "signer_partner_name",
    "signer_partner_title",
    "term_text",
    "objectives",
    "evaluation_mechanism",
    "notes",
)


def allowed_events(agreement: Agreement) -> list[str]:
    """The events that may be recorded on the agreement in its current state."""
    return [kind for kind, (sources, _target) in TRANSITIONS.items() if agreement.state in sources]


def _save(obj, **kwargs) -> None:
    obj.full_clean(**kwargs)
    obj.save()


def agreement_refresh_search(agreement: Agreement) -> None:
    """Recompute the accent-free search text (title, number, partners' names)."""
    names = []
    for partner in agreement.partners.all():
        names += [partner.name_vi, partner.name_native, partner.abbreviation]
    agreement.search_text = agreement.build_search_text(names)
    Agreement.objects.filter(pk=agreement.pk).update(search_text=agreement.search_text)


def agreement_check_number_free(agreement: Agreement) -> None:
    if agreement.number and (
        Agreement.objects.filter(number=agreement.number).exclude(pk=agreement.pk).exists()
    ):
        raise DomainError(
            {
                "number": _("Another agreement already has the number %(number)s.")
                % {"number": agreement.number}
            }
        )


@transaction.atomic
def agreement_create(
    *,
    user,
    data: dict[str, Any],
    partners,
    fields=(),
    coordinating_agencies=(),
) -> Agreement:
    """Register an agreement (a proposal, or an existing agreement with its current state)."""
    agreement = Agreement(**{k: nfc(v) if k in TEXT_FIELDS else v for k, v in data.items()})
    if not partners:
        raise DomainError({"partners": _("Choose at least one partner.")})
    agreement_check_number_free(agreement)
    _save(agreement)
    agreement.partners.set(partners)
    agreement.fields.set(fields)
    agreement.coordinating_agencies.set(coordinating_agencies)
    agreement_refresh_search(agreement)
    if (
        agreement.state in {S.SIGNED, S.IN_FORCE}
        and agreement.signed_on
        and agreement.signed_on >= timezone.localdate() - timedelta(days=BACKFILL_NOTICE_DAYS)
    ):
        # A recently signed agreement registered after the fact still owes its report; for
        # older ones (back-filling the registry) the clock is long past and not tracked.
        _open_notice(agreement, None, LegalNotice.Kind.SIGNING_REPORT, agreement.signed_on)
    return agreement


@transaction.atomic
def agreement_update(
    *,
    agreement: Agreement,
    user,
    data: dict[str, Any],
    partners=None,
    fields=None,
    coordinating_agencies=None,
) -> Agreement:
    """Edit an agreement's record. The state only changes through agreement_record_event."""
    data = {k: v for k, v in data.items() if k != "state"}
    for name, value in data.items():
        setattr(agreement, name, nfc(value) if name in TEXT_FIELDS else value)
    if partners is not None and not partners:
        raise DomainError({"partners": _("Choose at least one partner.")})
    agreement_check_number_free(agreement)
    _save(agreement)
    if partners is not None:
        agreement.partners.set(partners)
    if fields is not None:
        agreement.fields.set(fields)
    if coordinating_agencies is not None:
        agreement.coordinating_agencies.set(coordinating_agencies)
    agreement_refresh_search(agreement)
    return agreement


def _open_notice(agreement, event, kind, occurred_on: date) -> LegalNotice:
    notice = LegalNotice(
        agreement=agreement,
        event=event,
        kind=kind,
        due_on=occurred_on + timedelta(days=NOTICE_DAYS),
    )
    _save(notice)
    return notice


@transaction.atomic
def agreement_record_event(
    *,
    agreement: Agreement,
    kind: str,
    occurred_on: date,
    user,
    decision_number: str = "",
    note: str = "",
    new_end_on: date | None = None,
    details: dict[str, Any] | None = None,
    today: date | None = None,
) -> AgreementEvent:
    """Record a dated step (a state change or an event on a signed agreement).

    Refuses steps the current state does not allow; opens the 15-day legal notice the step
    requires. ``details`` carries the signing particulars (place, languages, signers).
    """
    today = today or timezone.localdate()
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if kind not in TRANSITIONS:
        raise DomainError(_("Unknown event."))
    sources, target = TRANSITIONS[kind]
    if agreement.state not in sources:
        raise DomainError(
            _("An agreement that is “%(state)s” cannot be “%(event)s”.")
            % {"state": agreement.get_state_display(), "event": E(kind).label}
        )
    if kind == E.SIGNING and occurred_on > today:
        raise DomainError({"occurred_on": _("The signing date cannot be in the future.")})
    if agreement.signed_on and kind not in {E.SIGNING} and occurred_on < agreement.signed_on:
        raise DomainError(
            {
                "occurred_on": _("The date cannot be before the signing date (%(date)s).")
                % {"date": agreement.signed_on.strftime("%d/%m/%Y")}
            }
        )
    if kind == E.EXTENSION:
        if not new_end_on:
            raise DomainError({"new_end_on": _("An extension needs the new end date.")})
        if agreement.end_on and new_end_on <= agreement.end_on:
            raise DomainError(
                {
                    "new_end_on": _("The new end date must be after the current one (%(date)s).")
                    % {"date": agreement.end_on.strftime("%d/%m/%Y")}
                }
            )
        agreement.end_on = new_end_on
    if kind == E.SIGNING:
        for name, value in (details or {}).items():
            setattr(agreement, name, nfc(value) if isinstance(value, str) else value)
        agreement.signed_on = occurred_on
        if not agreement.signer_vn_name or not agreement.signer_partner_name:
            raise DomainError(_("Enter the signers of both sides."))
    if kind == E.ENTRY_INTO_FORCE:
        agreement.effective_on = occurred_on
    if target:
        agreement.state = target
    try:
        _save(agreement)
    except ValidationError as error:
        raise DomainError(error.message_dict) from error

    event = AgreementEvent(
        agreement=agreement,
        kind=kind,
        occurred_on=occurred_on,
        decision_number=decision_number,
        note=nfc(note),
        new_end_on=new_end_on,
        recorded_by=user,
    )
    _save(event)
    if kind in NOTICES:
        _open_notice(agreement, event, NOTICES[kind], occurred_on)
    return event


@transaction.atomic
def notice_mark_done(*, notice: LegalNotice, done_on: date, reference: str, user) -> LegalNotice:
    if notice.done_on:
        raise DomainError(_("This notice has already been recorded as sent."))
    if done_on > timezone.localdate():
        raise DomainError({"done_on": _("The date sent cannot be in the future.")})
    notice.done_on = done_on
    notice.reference = nfc(reference)
    _save(notice)
    return notice


@transaction.atomic
def output_create(*, agreement: Agreement, user, data: dict[str, Any]) -> Output:
    output = Output(agreement=agreement, **data)
    output.description = nfc(output.description)
    _save(output)
    return output


@transaction.atomic
def output_update(*, output: Output, user, data: dict[str, Any]) -> Output:
    for name, value in data.items():
        setattr(output, name, value)
    _save(output)
    return output


@transaction.atomic
def output_report_progress(
    *, output: Output, user, current_value: Decimal | None, status: str, progress_note: str = ""
) -> Output:
    """What an agency reporter may change on an output assigned to their agency."""
    if current_value is not None and current_value < 0:
        raise DomainError({"current_value": _("The value cannot be negative.")})
    output.current_value = current_value
    output.status = status
    output.progress_note = nfc(progress_note)
    _save(output)
    return output


@transaction.atomic
def review_record(
    *,
    agreement: Agreement,
    user,
    period: Period,
    reviewed_on: date,
    overall: str,
    achievements: str,
    difficulties: str = "",
    proposals: str = "",
    scores: dict[int, int] | None = None,
) -> Review:
    """Record the periodic review of an agreement, with its scores and a snapshot of the
    outputs' values on that day."""
    if not agreement.is_signed:
        raise DomainError(_("Only signed agreements are reviewed."))
    if Review.objects.filter(
        agreement=agreement, period_year=period.year, period_kind=period.kind
    ).exists():
        raise DomainError(
            _("This agreement already has a review for %(period)s.") % {"period": period.label}
        )
    if reviewed_on > timezone.localdate():
        raise DomainError({"reviewed_on": _("The review date cannot be in the future.")})
    review = Review(
        agreement=agreement,
        period_year=period.year,
        period_kind=period.kind,
        reviewed_on=reviewed_on,
        reviewer=user,
        agency=user.agency,
        overall=overall,
        achievements=nfc(achievements),
        difficulties=nfc(difficulties),
        proposals=nfc(proposals),
    )
    _save(review)
    criteria = {c.pk: c for c in EvaluationCriterion.objects.filter(is_active=True)}
    for criterion_id, score in (scores or {}).items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            raise DomainError(_("Unknown evaluation criterion."))
        if not 0 <= int(score) <= criterion.max_score:
            raise DomainError(
                _("The score for “%(criterion)s” must be between 0 and %(max)s.")
                % {"criterion": criterion.name, "max": criterion.max_score}
            )
        ReviewScore.objects.create(review=review, criterion=criterion, score=int(score))
    bulk_create_with_history(
        [
            ReviewOutputValue(review=review, output=o, value=o.current_value, status=o.status)
            for o in agreement.outputs.all()
        ],
        ReviewOutputValue,
        default_user=user,
    )
    # A review counts as an update: the agreement is no longer stale.
    Agreement.objects.filter(pk=agreement.pk).update(updated_at=timezone.now())
    return review


def _sniff_content_type(head: bytes) -> str | None:
    for magic, content_type in ALLOWED_UPLOADS.items():
        if head.startswith(magic):
            return content_type
    return None


@transaction.atomic
def document_upload(*, agreement: Agreement, user, uploaded_file, kind: str, title: str = ""):
    """Attach a signed text or scan: PDF, JPEG, PNG or TIFF by content, at most 20 MB."""
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise DomainError({"file": _("The file is larger than 20 MB.")})
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    content_type = _sniff_content_type(head)
    if content_type is None:
        raise DomainError(
            {"file": _("Only PDF files or scanned images (JPEG, PNG, TIFF) can be attached.")}
        )
    document = AgreementDocument(
        agreement=agreement,
        kind=kind,
        title=nfc(title) or uploaded_file.name,
        file=uploaded_file,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=user,
    )
    document.full_clean(exclude=["file"])
    document.save()
    return document


@dataclass(frozen=True)
class ReviewCoverage:
    period: Period
    in_force: int
    reviewed: int

    @property
    def share(self) -> float | None:
        return self.reviewed / self.in_force if self.in_force else None

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(100 * self.share)


def review_coverage(*, queryset=None, period: Period | None = None, today: date | None = None):
    """The share of in-force agreements reviewed in the period (target: 100%)."""
    period = period or current_period(today or timezone.localdate())
    in_force = (queryset if queryset is not None else Agreement.objects.all()).in_force()
    return ReviewCoverage(
        period=period, in_force=in_force.count(), reviewed=in_force.reviewed_in(period).count()
    )


def agreements_expire_due(*, today: date | None = None) -> int:
    """Move in-force agreements whose end date has passed to "expired" (daily beat job)."""
    today = today or timezone.localdate()
    count = 0
    due = Agreement.objects.filter(
        state__in=[S.IN_FORCE, S.SUSPENDED], end_on__lt=today, auto_renewal=False
    )
    for agreement in due.only("pk", "end_on"):
        agreement_record_event(
            agreement=agreement,
            kind=E.EXPIRY,
            occurred_on=agreement.end_on or today,
            user=None,
            note=_("Expired on its end date."),
            today=today,
        )
        count += 1
    return count


@transaction.atomic
def reference_lists_save(*, formsets, user) -> None:
    """Save the edited evaluation criteria and fields of cooperation (validated formsets).

    Entries are deactivated rather than deleted: past reviews keep their scores.
    """
    for formset in formsets:
        for instance in formset.save(commit=False):
            instance.name = nfc(instance.name)
            _save(instance)
