"""The generated data sets (accounts/datagen, ``manage.py generate_data``).

Tiny scale on the test database: the counts the scale promises, the same rows for the same
seed, rows that satisfy the models and the services' rules (search text, NFC, lifecycle
through the allowed transitions), history rows, the refusals, and pages that work on it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.datagen import (
    SCALES,
    GenerationRefused,
    domain_models,
    flush_domain_data,
    generate,
    has_data,
)
from accounts.demo import DEMO_PASSWORD
from accounts.models import Agency, User
from accounts.text import fold
from agreements.models import (
    Agreement,
    AgreementEvent,
    EvaluationCriterion,
    FieldOfCooperation,
    Output,
    Review,
    ReviewOutputValue,
    ReviewScore,
)
from agreements.services import TRANSITIONS, agreement_refresh_search
from delegations.models import Conference, Delegation, DelegationMember
from partners.models import Partner
from reports.figures import agency_figures
from reports.models import AgencyReport, AgencyReportVersion, ReportingPeriod
from targets.models import Measurement, Target

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)
TINY = SCALES["tiny"]


@pytest.fixture
def tiny() -> dict:
    return generate("tiny", seed=7, today=TODAY)


def _fingerprint() -> dict[str, str]:
    """A digest of every row of every generated table, in primary-key order."""
    digests = {}
    for model in domain_models():
        rows = model._default_manager.order_by("pk").values_list()
        digest = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
        digests[model._meta.label] = digest
    return digests


def test_tiny_scale_has_the_promised_rows(tiny):
    assert Agreement.objects.count() == TINY.agreements == tiny["counts"]["agreements.Agreement"]
    assert Output.objects.count() == TINY.outputs
    assert Review.objects.count() == TINY.reviews
    assert Partner.objects.count() == TINY.partners
    assert Delegation.objects.count() == TINY.delegations
    assert DelegationMember.objects.count() == TINY.members
    assert Conference.objects.count() == TINY.conferences
    assert Agency.objects.count() == TINY.departments + TINY.communes
    assert Target.objects.count() == 23
    assert ReportingPeriod.objects.count() == 2 * TINY.report_years
    criteria = EvaluationCriterion.objects.filter(is_active=True).count()
    assert ReviewScore.objects.count() == criteria * TINY.reviews
    # Every review snapshots every output of its agreement.
    expected_values = sum(
        Output.objects.filter(agreement_id=agreement_id).count()
        for agreement_id in Review.objects.values_list("agreement_id", flat=True)
    )
    assert ReviewOutputValue.objects.count() == expected_values
    assert AgencyReport.objects.exists() and AgencyReportVersion.objects.exists()
    assert Measurement.objects.exists()
    # The summary counts what is in the tables.
    for label, count in tiny["counts"].items():
        model = next(m for m in domain_models() if m._meta.label == label)
        assert model._default_manager.count() == count, label
    # The demo's agencies and partners come first, with their real names.
    assert Agency.objects.get(short_name="SVHTTDL").name == "Sở Văn hóa, Thể thao và Du lịch"
    assert Agency.objects.filter(name="UBND xã Thanh Thủy", kind="commune").exists()
    assert Partner.objects.filter(name_vi="Tỉnh Xiêng Khoảng", country="LA").exists()


def test_same_seed_same_rows_other_seed_other_rows():
    generate("tiny", seed=7, today=TODAY)
    first = _fingerprint()
    generate("tiny", seed=7, today=TODAY, flush=True)
    assert _fingerprint() == first
    titles = set(Agreement.objects.values_list("title_vi", flat=True))
    generate("tiny", seed=8, today=TODAY, flush=True)
    assert set(Agreement.objects.values_list("title_vi", flat=True)) != titles


def test_rows_satisfy_the_models(tiny):
    for model in domain_models():
        if model._meta.auto_created or model.__name__.startswith("Historical"):
            continue
        if model._meta.app_label not in {"accounts", "partners", "agreements", "delegations",
                                         "targets", "reports"}:  # fmt: skip
            continue
        for obj in model._default_manager.all()[:60]:
            # review_record snapshots an output without a value as NULL (bulk_create).
            exclude = ["value"] if model is ReviewOutputValue else None
            try:
                obj.full_clean(exclude=exclude)
            except ValidationError as error:
                pytest.fail(f"{model._meta.label} #{obj.pk}: {error.message_dict}")


def test_derived_fields_are_what_the_services_compute(tiny):
    for agreement in Agreement.objects.prefetch_related("partners"):
        stored = agreement.search_text
        agreement_refresh_search(agreement)
        if agreement.partners.count() > 1:
            # The partners' order follows the database's collation, which may not be Python's.
            assert sorted(agreement.search_text.split()) == sorted(stored.split())
        else:
            assert agreement.search_text == stored, agreement.pk
        for text in (agreement.title_vi, agreement.objectives, agreement.signer_vn_name):
            assert unicodedata.is_normalized("NFC", text)
    for partner in Partner.objects.all():
        assert partner.search_text == fold(
            f"{partner.name_vi} {partner.name_native} {partner.abbreviation}"
        )
    texts = [
        *Agency.objects.values_list("name", flat=True),
        *Partner.objects.values_list("name_vi", flat=True),
        *Delegation.objects.values_list("title", flat=True),
        *User.objects.values_list("full_name", flat=True),
        *(t for r in AgencyReport.objects.all() for t in r.sections.values()),
    ]
    assert texts and all(unicodedata.is_normalized("NFC", t) for t in texts)
    # Diacritics are real: the folded text differs from the stored one.
    assert any(fold(t) != t for t in Agreement.objects.values_list("title_vi", flat=True))


def test_lifecycle_follows_the_allowed_transitions(tiny):
    """Replaying the recorded events from the registered state gives the current state."""
    history = Agreement.history.model
    for agreement in Agreement.objects.all():
        created = history.objects.get(id=agreement.pk, history_type="+")
        state = created.state
        events = agreement.events.order_by("occurred_on", "created_at", "id")
        for event in events:
            sources, target = TRANSITIONS[event.kind]
            assert state in sources, (agreement.pk, state, event.kind)
            state = target or state
        assert state == agreement.state, agreement.pk
        if agreement.is_signed:
            assert agreement.signed_on and agreement.signer_vn_name and agreement.number
        if agreement.end_on and agreement.effective_on:
            assert agreement.end_on >= agreement.effective_on
        # One "~" history version per recorded event.
        assert history.objects.filter(id=agreement.pk, history_type="~").count() == len(events)


def test_history_rows_exist(tiny):
    for model in (Agreement, Partner, Output, Review, ReviewScore, Delegation, Conference,
                  DelegationMember, Agency, User, Target, Measurement, AgencyReport,
                  AgreementEvent):  # fmt: skip
        created = model.history.filter(history_type="+").count()
        assert created == model.objects.count(), model.__name__
    # Each version of an agreement carries its partners (simple-history's m2m snapshot).
    partners_history = Agreement.history.model.partners.model
    for version in Agreement.history.all()[:50]:
        snapshot = set(
            partners_history.objects.filter(history=version).values_list("partner_id", flat=True)
        )
        assert snapshot == set(
            Agreement.objects.get(pk=version.id).partners.values_list("pk", flat=True)
        )
    # Changes made by people name them; the nightly expiry job has no user.
    assert not Agreement.history.filter(history_type="+", history_user__isnull=True).exists()


def test_pages_work_on_the_generated_data(tiny, client):
    official = User.objects.get(username="chuyenvien")
    client.force_login(official)

    response = client.get(reverse("agreements:list"))
    assert response.status_code == 200
    newest = Agreement.objects.order_by("-signed_on", "-id").first()
    assert newest.title_vi in response.content.decode()

    # An unaccented query finds the accented title, in the list and in the search box.
    agreement = Agreement.objects.exclude(number="").order_by("pk")[3]
    query = fold(agreement.title_vi)
    assert query != agreement.title_vi.lower()
    for url in (reverse("agreements:list"), reverse("search")):
        response = client.get(url, {"q": query})
        assert response.status_code == 200
        assert agreement.title_vi in response.content.decode(), url
    assert Agreement.objects.search("hop tac").filter(title_vi__contains="hợp tác").exists()

    partner = Partner.objects.filter(agreements__isnull=False).order_by("pk").first()
    response = client.get(reverse("partners:detail", args=[partner.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert partner.name_vi in page
    assert partner.agreements.order_by("pk").first().title_vi in page

    response = client.get(reverse("targets:overview"))
    assert response.status_code == 200
    assert Target.objects.get(code="2.1").text_vi in response.content.decode()

    response = client.get(reverse("agreements:detail", args=[agreement.pk]))
    assert response.status_code == 200
    response = client.get(reverse("history:object", args=["agreement", agreement.pk]))
    assert response.status_code == 200

    version = AgencyReportVersion.objects.order_by("pk").first()
    response = client.get(reverse("reports:report_detail", args=[version.report_id]))
    assert response.status_code == 200
    assert version.report.agency.name in response.content.decode()
    period = ReportingPeriod.objects.order_by("year", "kind").first()
    assert client.get(reverse("reports:period_detail", args=[period.pk])).status_code == 200


def test_frozen_figures_are_what_the_portal_computes(tiny):
    """A submitted version holds reports.figures.agency_figures of its day: the same keys,
    and the same values for what depends only on the period (signed agreements, delegations
    and person-trips, conferences, measurements)."""
    period_bound = (
        "agreements_signed", "signed_list", "outbound_delegations", "outbound_people",
        "inbound_delegations", "inbound_people", "outbound_by_country", "inbound_by_country",
        "conferences", "conference_list", "measurements",
    )  # fmt: skip
    versions = AgencyReportVersion.objects.select_related("report__agency", "report__period")
    assert versions.exists()
    with translation.override(settings.LANGUAGE_CODE):
        for version in versions:
            report = version.report
            day = timezone.localtime(version.submitted_at).date()
            computed = agency_figures(agency=report.agency, period=report.period.period, today=day)
            assert version.figures.keys() == computed.keys()
            for key in period_bound:
                assert version.figures[key] == computed[key], (version.pk, key)
            assert version.figures["computed_on"] == day.strftime("%d/%m/%Y")


def test_printed_logins_work(client):
    out = StringIO()
    call_command("generate_data", "--scale", "tiny", "--today", TODAY.isoformat(), stdout=out)
    printed = out.getvalue()
    assert DEMO_PASSWORD in printed
    for username in ("chuyenvien", "baocao.vhttdl", "giamdoc.vhttdl", "lanhdao", "quantri"):
        assert username in printed
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        client.post("/accounts/logout/")


def test_refuses_a_database_with_data_unless_flushed(tiny):
    with pytest.raises(GenerationRefused):
        generate("tiny", seed=7, today=TODAY)
    with pytest.raises(CommandError, match="--flush"):
        call_command("generate_data", "--scale", "tiny", stdout=StringIO())
    fields = FieldOfCooperation.objects.count()
    flush_domain_data()
    assert not has_data()
    # The reference lists the migrations seeded stay.
    assert FieldOfCooperation.objects.count() == fields > 0


def test_refuses_production_like_settings():
    with override_settings(DEBUG=False, SETTINGS_MODULE="config.settings.production"):
        with pytest.raises(GenerationRefused, match="production"):
            generate("tiny", today=TODAY)
        with pytest.raises(CommandError, match="production"):
            call_command("generate_data", "--scale", "tiny", stdout=StringIO())
    assert not has_data()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's datetime text")
def test_fast_datetime_writes_match_the_orm():
    """The writer stores aware datetimes on SQLite exactly as the ORM does."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from accounts.datagen.writer import _converter

    field = Agreement._meta.get_field("created_at")
    convert = _converter(field, connection)
    for moment in (
        datetime(2024, 3, 1, 8, 5, 7, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        datetime(2021, 12, 31, 23, 59, 59, 123456, tzinfo=ZoneInfo("UTC")),
    ):
        assert convert(moment) == field.get_db_prep_save(moment, connection)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's constraints")
def test_foreign_keys_are_back_after_generation():
    """The loader drops the foreign keys while it writes and adds every one back."""

    def foreign_keys() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2"
            )
            return cursor.fetchall()

    before = foreign_keys()
    generate("tiny", seed=7, today=TODAY)
    assert foreign_keys() == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 search tables")
def test_the_search_index_is_built_and_its_triggers_are_back_after_generation():
    """The loader drops the triggers that keep the FTS5 tables in step while it writes,
    then puts them back and builds the index from the rows."""
    from tests.accounts.test_search import in_step

    def triggers() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            return sorted(cursor.fetchall())

    before = triggers()
    assert len(before) >= 6  # insert, delete, update on agreements and partners
    generate("tiny", seed=7, today=TODAY)
    assert triggers() == before
    in_step()  # FTS5's own check of the index against the rows
    agreement = Agreement.objects.order_by("pk").first()
    word = fold(agreement.title_vi).split()[-1]
    assert agreement in Agreement.objects.search(word)
    Agreement.objects.filter(pk=agreement.pk).update(search_text="tu khoa moi xyzzy")
    in_step()  # the update trigger is back
    assert list(Agreement.objects.search("xyzzy")) == [agreement]
