"""The agreements registry: agreements, their events and legal notices, outputs, reviews, files.

Law on International Agreements 2020 and Decree 64/2021/NĐ-CP: what an agreement states, who
signs it, and the 15-day reports after signing and after any change.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar, NamedTuple

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Agency
from accounts.search import matching_every_word
from accounts.text import file_stem, fold
from partners.models import Partner
from reports.periods import Period, PeriodKind

NOTICE_DAYS = 15  # Decree 64/2021, art. 7 and 8: report within 15 days.


class FieldOfCooperation(models.Model):
    """A managed list of cooperation fields (education, tourism, agriculture…)."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("field of cooperation")
        verbose_name_plural = _("fields of cooperation")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EvaluationCriterion(models.Model):
    """One criterion of the evaluation set that Sở Ngoại vụ maintains."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=5)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_score__gte=1), name="criterion_max_score_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


def agreement_visibility(user, prefix: str = "", *, public: bool = True) -> Q | bool:
    """Which agreements the user may see: ``True`` for all (officials, leaders and
    administrators), ``False`` for none (no agency), else the condition an agreement meets
    (public, or led or coordinated by the user's agency; without ``public``, the latter
    two only), on the agreement reached through ``prefix`` (e.g. ``"agreement__"`` from an
    output)."""
    from accounts import permissions as perms

    if perms.is_official(user) or perms.is_leader(user) or perms.is_administrator(user):
        return True
    if not user.is_authenticated or not user.agency_id:
        return False
    # "id IN (the agreements the agency coordinates)" rather than a correlated EXISTS:
    # PostgreSQL hashes the few ids once, and costs the plan for what it is (an EXISTS in an
    # OR is costed per row: a whole-registry COUNT then looked expensive enough to be
    # JIT-compiled, +0.4 s at national scale).
    coordinated = Agreement.coordinating_agencies.through.objects.filter(
        agency_id=user.agency_id
    ).values("agreement_id")
    if public:
        return (
            Q(**{f"{prefix}is_public": True})
            | Q(**{f"{prefix}lead_agency_id": user.agency_id})
            | Q(**{f"{prefix}pk__in": coordinated})
        )
    # The agency's own, as one list of ids (led, or coordinated): PostgreSQL then expects
    # the few agreements they are, where for an OR with a subquery it guessed thousands.
    led = Agreement.objects.filter(lead_agency_id=user.agency_id).order_by().values("pk")
    return Q(**{f"{prefix}pk__in": led.union(coordinated)})


def _visible(queryset, user, prefix: str = ""):
    condition = agreement_visibility(user, prefix)
    if condition is True:
        return queryset
    return queryset.filter(condition) if condition else queryset.none()


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user) -> AgreementQuerySet:
        """Officials, leaders and administrators see everything; an agency reporter sees the
        agreements their agency leads or coordinates, and the public ones."""
        return _visible(self, user)

    def visible_parts(self, user) -> tuple[AgreementQuerySet, AgreementQuerySet]:
        """``visible_to(user)`` as two disjoint parts: the public agreements when the user
        sees them as every agency's reporter does (the same rows for all of them, so their
        figures can be shared), and the rest of what the user sees."""
        condition = agreement_visibility(user, public=False)
        if isinstance(condition, bool):  # sees everything, or nothing
            return self.none(), _visible(self, user)
        # The user's own part without "or public": the planner then expects the agency's
        # few agreements, not thousands (and joins them to the reviews row by row).
        return self.filter(is_public=True), self.filter(condition, is_public=False)

    def in_force(self) -> AgreementQuerySet:
        return self.filter(state=Agreement.State.IN_FORCE)

    def signed_between(self, start: date, end: date) -> AgreementQuerySet:
        return self.filter(signed_on__range=(start, end))

    def expiring(self, today: date, within: int) -> AgreementQuerySet:
        return self.in_force().filter(end_on__gte=today, end_on__lte=today + timedelta(days=within))

    def reviewed_in(self, period: Period) -> AgreementQuerySet:
        return self.filter(
            Exists(
                Review.objects.filter(
                    agreement_id=OuterRef("pk"), period_year=period.year, period_kind=period.kind
                )
            )
        )

    def not_reviewed_in(self, period: Period) -> AgreementQuerySet:
        return self.exclude(
            Exists(
                Review.objects.filter(
                    agreement_id=OuterRef("pk"), period_year=period.year, period_kind=period.kind
                )
            )
        )

    def stale(self, today: date, months: int = 12) -> AgreementQuerySet:
        """In force, with neither an edit nor a review for ``months`` months."""
        cutoff = today - timedelta(days=round(months * 30.44))
        recent_review = Review.objects.filter(agreement_id=OuterRef("pk"), reviewed_on__gte=cutoff)
        return self.in_force().filter(updated_at__date__lt=cutoff).exclude(Exists(recent_review))

    def search(self, query: str) -> AgreementQuerySet:
        """Every word of ``query`` in the search text, with or without accents."""
        return matching_every_word(self, query)

    def for_list(self) -> AgreementQuerySet:
        """What a row of a list shows: the lead agency, and the partners' names as a plain
        list in ``partner_list`` (no related manager built per row)."""
        return self.select_related("lead_agency").prefetch_related(
            Prefetch(
                "partners", queryset=Partner.objects.only("id", "name_vi"), to_attr="partner_list"
            )
        )


class Agreement(models.Model):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement (thỏa thuận)")
        MOU = "mou", _("Memorandum of understanding")
        MINUTES = "minutes", _("Minutes of agreement")
        EXCHANGE_MINUTES = "exchange_minutes", _("Minutes of exchange")
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        STATEMENT = "statement", _("Statement / communiqué")
        PROGRAMME = "programme", _("Cooperation programme")
        PLAN = "plan", _("Cooperation plan")
        PROJECT = "project", _("Cooperation project")

    class SigningLevel(models.TextChoices):
        PROVINCE = "province", _("Province (People's Council / People's Committee)")
        DEPARTMENT = "department", _("Provincial department")
        COMMUNE = "commune", _("Border commune")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONSULTATION = "consultation", _("In consultation")
        APPROVED = "approved", _("Approved for signing")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("In force")
        SUSPENDED = "suspended", _("Suspended")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=64, blank=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    partners = models.ManyToManyField(
        "partners.Partner", verbose_name=_("partners"), related_name="agreements"
    )
    signing_level = models.CharField(
        _("signing level"), max_length=16, choices=SigningLevel.choices
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_place = models.CharField(_("place of signing"), max_length=200, blank=True)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("e.g. Vietnamese, Lao")
    )
    signer_vn_name = models.CharField(_("Vietnamese signer"), max_length=200, blank=True)
    signer_vn_title = models.CharField(_("Vietnamese signer's title"), max_length=200, blank=True)
    signer_partner_name = models.CharField(_("partner's signer"), max_length=200, blank=True)
    signer_partner_title = models.CharField(
        _("partner's signer's title"), max_length=200, blank=True
    )
    effective_on = models.DateField(_("entry into force"), null=True, blank=True)
    end_on = models.DateField(_("end date"), null=True, blank=True)
    term_text = models.CharField(
        _("term"), max_length=200, blank=True, help_text=_("e.g. 5 years, renewed automatically")
    )
    auto_renewal = models.BooleanField(_("renewed automatically"), default=False)
    fields = models.ManyToManyField(
        FieldOfCooperation, verbose_name=_("fields of cooperation"), blank=True
    )
    lead_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        related_name="led_agreements",
    )
    coordinating_agencies = models.ManyToManyField(
        "accounts.Agency",
        verbose_name=_("coordinating agencies"),
        related_name="coordinated_agreements",
        blank=True,
    )
    objectives = models.TextField(_("objectives"))
    evaluation_mechanism = models.TextField(
        _("evaluation mechanism"),
        blank=True,
        help_text=_("How and how often the results are monitored and evaluated."),
    )
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Internal agreements are visible only to the agencies involved."),
    )
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[partners, fields, coordinating_agencies])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="agreement_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True)
                | Q(effective_on__isnull=True)
                | Q(end_on__gte=models.F("effective_on")),
                name="agreement_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "end_on"], name="agreement_state_end_idx"),
            models.Index(fields=["lead_agency", "state"], name="agreement_lead_state_idx"),
            # The lists' order (newest signature first): the first page is read from the
            # index, however many agreements have no signature date yet (they all tie).
            models.Index(fields=["-signed_on", "-id"], name="agreement_list_order_idx"),
            # What an agency reporter may see (public, led, coordinated): the list's COUNT
            # reads this index alone instead of the whole table.
            models.Index(
                fields=["is_public", "lead_agency", "id"], name="agreement_visibility_idx"
            ),
            # The agreements in force that a user may see, counted on every home page (of a
            # reporter: public, led or coordinated), and the dates that the review and stale
            # alerts test: read from this index alone (PostgreSQL), not from the table's heap.
            # At national scale: in force 130 → 4 ms, reviews overdue 160 → 100 ms, stale
            # agreements 94 → 20 ms.
            models.Index(
                fields=["state", "is_public", "lead_agency", "id"],
                include=["effective_on", "signed_on", "updated_at"],
                name="agreement_state_visible_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.title_vi}" if self.number else self.title_vi

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.pk])

    # get_state_display() and get_kind_display() build and hash the whole dict of lazy
    # choice labels on every call (a translation each): too slow for a 50-row table.
    @property
    def state_label(self) -> str:
        try:
            return str(self.State(self.state).label)
        except ValueError:
            return self.state

    @property
    def kind_label(self) -> str:
        try:
            return str(self.Kind(self.kind).label)
        except ValueError:
            return self.kind

    @property
    def is_signed(self) -> bool:
        return self.state in {
            self.State.SIGNED,
            self.State.IN_FORCE,
            self.State.SUSPENDED,
            self.State.EXPIRED,
            self.State.TERMINATED,
        }

    def days_to_end(self, today: date) -> int | None:
        return (self.end_on - today).days if self.end_on else None

    def build_search_text(self, partner_names: list[str]) -> str:
        return fold(" ".join([self.number, self.title_vi, self.title_en, *partner_names]))


class AgreementEvent(models.Model):
    """A dated step in an agreement's life: a state change or an event on a signed agreement."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Sent for consultation")
        APPROVAL = "approval", _("Approved by the Chairman")
        SIGNING = "signing", _("Signed")
        ENTRY_INTO_FORCE = "entry_into_force", _("Entered into force")
        AMENDMENT = "amendment", _("Amended")
        EXTENSION = "extension", _("Extended")
        SUSPENSION = "suspension", _("Suspended")
        RESUMPTION = "resumption", _("Resumed")
        TERMINATION = "termination", _("Terminated")
        WITHDRAWAL = "withdrawal", _("Withdrawn")
        EXPIRY = "expiry", _("Expired")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    occurred_on = models.DateField(_("date (takes effect)"))
    decision_number = models.CharField(_("document number"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    new_end_on = models.DateField(_("new end date"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d/%m/%Y}"


class LegalNoticeQuerySet(models.QuerySet):
    def pending(self) -> LegalNoticeQuerySet:
        return self.filter(done_on__isnull=True)

    def overdue(self, today: date) -> LegalNoticeQuerySet:
        return self.pending().filter(due_on__lt=today)


class LegalNotice(models.Model):
    """The report the law requires within 15 days of signing or of a change taking effect."""

    class Kind(models.TextChoices):
        SIGNING_REPORT = "signing_report", _("Report on signing to the Chairman (copy to SNgV)")
        CHANGE_NOTICE = (
            "change_notice",
            _("Notice of amendment, extension, suspension or termination"),
        )

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="notices")
    event = models.OneToOneField(
        AgreementEvent, on_delete=models.CASCADE, related_name="notice", null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("sent on"), null=True, blank=True)
    reference = models.CharField(_("document number"), max_length=100, blank=True)

    history = HistoricalRecords()
    objects = LegalNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal notice")
        verbose_name_plural = _("legal notices")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_on", "due_on"], name="notice_pending_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.due_on:%d/%m/%Y})"

    def status(self, today: date) -> str:
        if self.done_on:
            return "done"
        return "overdue" if self.due_on < today else "due"


class OutputQuerySet(models.QuerySet):
    def visible_to(self, user) -> OutputQuerySet:
        """The outputs of the agreements the user may see, tested on each output's own
        agreement: a reporter's few outputs are not matched against the list of every
        agreement they may see (130,000 at national scale, 300 ms on SQLite)."""
        return _visible(self, user, "agreement__")

    def past_due(self, today: date) -> OutputQuerySet:
        return self.filter(due_on__lt=today).exclude(
            status__in=[Output.Status.ACHIEVED, Output.Status.CANCELLED]
        )


class Output(models.Model):
    """A deliverable of an agreement (sản phẩm đầu ra) and its progress."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DELAYED = "delayed", _("Delayed")
        CANCELLED = "cancelled", _("Cancelled")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="outputs"
    )
    description = models.CharField(_("output"), max_length=500)
    indicator = models.CharField(_("indicator"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    target_value = models.DecimalField(
        _("target value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    responsible_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="outputs",
    )
    current_value = models.DecimalField(
        _("current value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress_note = models.TextField(_("progress note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = OutputQuerySet.as_manager()

    class Meta:
        verbose_name = _("output")
        verbose_name_plural = _("outputs")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0),
                name="output_target_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(current_value__isnull=True) | Q(current_value__gte=0),
                name="output_current_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["responsible_agency", "due_on"], name="output_agency_due_idx")
        ]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return f"{self.agreement.get_absolute_url()}#output-{self.pk}"

    @property
    def progress_percent(self) -> int | None:
        if not self.target_value or self.current_value is None:
            return None
        return min(100, round(100 * self.current_value / self.target_value))


class Review(models.Model):
    """The periodic review (theo dõi, đánh giá định kỳ) of one agreement for one period."""

    class Overall(models.TextChoices):
        MET = "met", _("Objectives met")
        ON_TRACK = "on_track", _("On track")
        CONSTRAINED = "constrained", _("Constrained")
        NO_PROGRESS = "no_progress", _("No progress")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reviews")
    period_year = models.PositiveSmallIntegerField(_("year"))
    period_kind = models.CharField(_("period"), max_length=16, choices=PeriodKind.choices)
    reviewed_on = models.DateField(_("reviewed on"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("reviewing agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    overall = models.CharField(_("overall status"), max_length=16, choices=Overall.choices)
    achievements = models.TextField(_("what was done"))
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-period_year", "-period_kind", "-reviewed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period_year", "period_kind"], name="review_one_per_period"
            )
        ]
        # A period's reviewed agreements read from the index alone (the review coverage of
        # the home page, the dashboard and the targets: 1.5 M reviews at national scale).
        indexes = [
            models.Index(
                fields=["period_year", "period_kind", "agreement"], name="review_period_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.period}"

    @property
    def period(self) -> Period:
        return Period(self.period_year, self.period_kind)

    @property
    def overall_label(self) -> str:
        """get_overall_display(), without building the dict of every label on each call."""
        try:
            return str(self.Overall(self.overall).label)
        except ValueError:
            return self.overall


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(EvaluationCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="review_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class ReviewOutputValue(models.Model):
    """An output's value and status as they stood when the review was recorded."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="output_values")
    output = models.ForeignKey(Output, on_delete=models.CASCADE, related_name="review_values")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    status = models.CharField(max_length=16, choices=Output.Status.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "output"], name="review_output_once")
        ]

    def __str__(self) -> str:
        return f"{self.output}: {self.value}"


def _loaded(model: type[models.Model], **values) -> models.Model:
    """An instance as the database would give it with only these fields loaded (any other
    is deferred)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(None, names, [values[name] for name in names])


class AgreementLinks(NamedTuple):
    partners: list[Partner]
    fields: list[FieldOfCooperation]
    coordinating: list[Agency]


def agreement_links(agreement: Agreement) -> AgreementLinks:
    """The agreement's partners, fields of cooperation and coordinating agencies, each in
    its model's order, in one query (a UNION over the three many-to-many tables) instead of
    three.

    The instances hold only what the agreement's page shows (partner: name and country;
    field: name; agency: name and short name); any other field is deferred.
    """
    columns = ("kind", "item", "label", "sort", "extra")

    def part(relation, kind: int, label: str, sort: str, extra):
        # The same annotations in the same order in every part: the UNION matches columns
        # by position.
        through = relation.through.objects.filter(agreement_id=agreement.pk)
        target = relation.field.m2m_reverse_field_name()
        return through.annotate(
            kind=Value(kind),
            item=F(target),
            label=F(f"{target}__{label}"),
            sort=F(f"{target}__{sort}"),
            extra=extra,
        ).values_list(*columns)

    rows = (
        part(Agreement.partners, 0, "name_vi", "name_vi", F("partner__country"))
        .union(
            part(Agreement.fields, 1, "name", "name", Value("")),
            part(Agreement.coordinating_agencies, 2, "short_name", "name", Value("")),
            all=True,
        )
        .order_by("kind", "sort", "item")
    )
    links = AgreementLinks([], [], [])
    for kind, item, label, sort, extra in rows:
        if kind == 0:
            links.partners.append(_loaded(Partner, id=item, name_vi=label, country=extra))
        elif kind == 1:
            links.fields.append(_loaded(FieldOfCooperation, id=item, name=label))
        else:
            links.coordinating.append(_loaded(Agency, id=item, short_name=label, name=sort))
    return links


class Score(NamedTuple):
    criterion: str
    score: int
    max_score: int


def reviews_with_scores(agreement: Agreement) -> list[Review]:
    """The agreement's reviews (reviewer and agency loaded), newest period first, each with
    its criterion scores in ``score_list``: one query (the reviews LEFT JOIN their scores,
    a row per score) instead of two."""
    rows = (
        agreement.reviews.select_related("reviewer", "agency")
        .annotate(
            score_id=F("scores__id"),
            score_value=F("scores__score"),
            score_criterion=F("scores__criterion__name"),
            score_max=F("scores__criterion__max_score"),
        )
        .order_by(*Review._meta.ordering, "pk", "score_id")
    )
    reviews: list[Review] = []
    for row in rows:
        if not reviews or reviews[-1].pk != row.pk:
            row.score_list = []
            reviews.append(row)
        if row.score_id is not None:
            reviews[-1].score_list.append(
                Score(row.score_criterion, row.score_value, row.score_max)
            )
    return reviews


def agreement_file_path(instance: AgreementDocument, filename: str) -> str:
    """agreements/<id>/<ascii-stem>.<extension of the sniffed type>: the name the browser
    sent only lends its words (a path, unicode or a 300-character name never reaches the
    file system, and "scan.pdf.html" is stored as scan-pdf.pdf)."""
    stem = file_stem(filename.rsplit(".", 1)[0], default="van-ban")
    return f"agreements/{instance.agreement_id}/{stem}.{instance.extension}"


class AgreementDocument(models.Model):
    """A signed text or scan. Stored under MEDIA_ROOT (outside the web root) and served only
    through the permission-checked download view."""

    # The only types accepted (by content: services.document_upload), with their extension.
    EXTENSIONS: ClassVar[dict[str, str]] = {
        "application/pdf": "pdf",
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/tiff": "tif",
    }

    class Kind(models.TextChoices):
        SIGNED_TEXT = "signed_text", _("Signed text")
        SCAN = "scan", _("Scan")
        ANNEX = "annex", _("Annex")
        OTHER = "other", _("Other")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.SIGNED_TEXT
    )
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to=agreement_file_path, max_length=500)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:document_download", args=[self.agreement_id, self.pk])

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.content_type, "bin")

    @property
    def download_name(self) -> str:
        """The file name a download gets: the title's words in ASCII and the real type's
        extension."""
        return f"{file_stem(self.title, default='van-ban')}.{self.extension}"


class DossierJob(models.Model):
    """A request for an agreement's dossier (zip: summary PDF, signed files, history).

    The row is the source of truth: the Celery task re-reads it, so a retried or duplicated
    task finds the job already done and does nothing.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="dossier_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="dossiers/", blank=True, max_length=500)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the message reached the broker; empty while the broker was down (the sweep sends
    # it later, see accounts.queueing).
    sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The Celery task id of the run that claimed the job: a redelivery of the same message
    # (its worker died) carries the same id and may take over; a duplicate message may not.
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="dossier_status_idx")]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.get_status_display()}"
