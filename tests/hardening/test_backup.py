"""`manage.py backup` / `manage.py restore`: a full round trip, and damaged archives refused.

The round trip fills every table of the project's apps (factories, plus the rows the services
would write), puts files under MEDIA_ROOT, backs up, wipes the database (flush) and the files,
restores, and compares every table of the database (a checksum over all columns, ordered by
primary key) and every file (SHA-256) with what they were before. The commands run in this
process against the test database: pg_dump/pg_restore on PostgreSQL, SQLite's backup API on
SQLite. ``transaction=True`` because pg_dump and pg_restore use connections of their own,
which only see committed rows.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from accounts.models import Agency, DigestLog, User
from accounts.paging import KeptCountPaginator
from agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementEvent,
    DossierJob,
    EvaluationCriterion,
    FieldOfCooperation,
    LegalNotice,
    Review,
    ReviewOutputValue,
    ReviewScore,
)
from reports.models import (
    AgencyReport,
    AgencyReportVersion,
    ConsolidatedReport,
    ConsolidatedSection,
    IssuedReport,
    ReportComment,
    ReportingPeriod,
    ReportJob,
)
from tests.delegations.factories import (
    ConferenceFactory,
    DelegationFactory,
    MemberFactory,
    PlanItemFactory,
)
from tests.factories import AgencyFactory, AgreementFactory, OutputFactory, UserFactory
from tests.targets.factories import (
    MeasurementFactory,
    TargetFactory,
    TaskFactory,
    TaskProgressFactory,
)

PROJECT_APPS = ("accounts", "partners", "agreements", "delegations", "targets", "reports")
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"


# ---------------------------------------------------------------------------
# What is compared
# ---------------------------------------------------------------------------
def table_checksums() -> dict[str, tuple[int, str]]:
    """(rows, SHA-256 over every column of every row ordered by primary key) per table."""
    result = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            pk = connection.introspection.get_primary_key_columns(cursor, table) or []
            order = f" ORDER BY {', '.join(quote(c) for c in pk)}" if pk else ""
            cursor.execute(f"SELECT * FROM {quote(table)}{order}")
            rows = cursor.fetchall()
            if not pk:
                rows.sort(key=repr)
            digest = hashlib.sha256()
            for row in rows:
                digest.update(repr(tuple(row)).encode())
            result[table] = (len(rows), digest.hexdigest())
    return result


def media_checksums() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


# ---------------------------------------------------------------------------
# Data in every app
# ---------------------------------------------------------------------------
def populate() -> None:
    """At least one row in every table of the project's apps (history and m2m included) and
    uploaded or generated files of every kind under MEDIA_ROOT."""
    owner = AgencyFactory(owner=True)
    agency = AgencyFactory(name="Sở Văn hóa, Thể thao và Du lịch", short_name="SVHTTDL")
    official = UserFactory(official=True, agency=owner, username="official")
    reporter = UserFactory(agency=agency, username="reporter", is_agency_head=True)
    reporter.groups.add(Group.objects.create(name="Biên tập"))
    reporter.user_permissions.add(
        Permission.objects.get_or_create(
            codename="export_everything",
            content_type=ContentType.objects.get_for_model(Agency),
            defaults={"name": "Export everything"},
        )[0]
    )
    DigestLog.objects.create(user=official, sent_on=datetime.date(2026, 6, 1), item_count=3)

    # Agreements: reference lists, an agreement with m2m, events, notice, output, review.
    # The reference lists may already hold the rows of their data migration.
    field = FieldOfCooperation.objects.get_or_create(name="Du lịch hợp tác")[0]
    criterion = EvaluationCriterion.objects.get_or_create(name="Mức độ hoàn thành thử")[0]
    agreement = AgreementFactory(lead_agency=agency, title_vi="Biên bản hợp tác Vân Nam")
    agreement.fields.add(field)
    agreement.coordinating_agencies.add(owner)
    output = OutputFactory(agreement=agreement, current_value=4)
    event = AgreementEvent.objects.create(
        agreement=agreement,
        kind=AgreementEvent.Kind.EXTENSION,
        occurred_on=datetime.date(2025, 3, 1),
        recorded_by=official,
    )
    LegalNotice.objects.create(
        agreement=agreement, event=event, kind="change_notice", due_on=datetime.date(2025, 3, 16)
    )
    review = Review.objects.create(
        agreement=agreement,
        period_year=2025,
        period_kind="annual",
        reviewed_on=datetime.date(2025, 12, 20),
        reviewer=official,
        agency=owner,
        overall=Review.Overall.ON_TRACK,
        achievements="Đã tổ chức 2 đoàn khảo sát.",
    )
    ReviewScore.objects.create(review=review, criterion=criterion, score=4)
    ReviewOutputValue.objects.create(review=review, output=output, value=4, status="in_progress")
    AgreementDocument.objects.create(
        agreement=agreement,
        title="Văn bản ký",
        file=ContentFile(PDF, name="van-ban-ky.pdf"),
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=official,
    )
    DossierJob.objects.create(
        agreement=agreement,
        requested_by=official,
        status=DossierJob.Status.DONE,
        file=ContentFile(b"PK\x05\x06" + b"\0" * 18, name="ho-so.zip"),
    )

    # Delegations and conferences.
    item = PlanItemFactory(lead_agency=agency)
    item.partners.set(agreement.partners.all())
    item.fields.add(field)
    delegation = DelegationFactory(host_agency=agency, plan_item=item, done=True)
    delegation.partners.set(agreement.partners.all())
    delegation.fields.add(field)
    delegation.agreements_signed.add(agreement)
    MemberFactory(delegation=delegation)
    ConferenceFactory(organiser=agency).partners.set(agreement.partners.all())

    # Targets and tasks.
    target = TargetFactory(owner_agency=agency)
    target.contributing_agencies.add(owner)
    MeasurementFactory(
        target=target,
        entered_by=reporter,
        evidence_file=ContentFile(PDF, name="minh-chung.pdf"),
    )
    task = TaskFactory(lead_agency=agency)
    task.coordinating_agencies.add(owner)
    TaskProgressFactory(task=task, noted_by=reporter)

    # Reports: period, agency report with a version and its PDF, consolidated report issued.
    period = ReportingPeriod.objects.create(
        year=2026, kind="semiannual", deadline=datetime.date(2026, 6, 19)
    )
    period.expected_agencies.add(agency)
    report = AgencyReport.objects.create(
        period=period, agency=agency, state="accepted", sections={"results": "Kết quả"}
    )
    version = AgencyReportVersion.objects.create(
        report=report,
        number=1,
        sections={"results": "Kết quả"},
        figures={"delegations": 1},
        submitted_at=timezone.now(),
        submitted_by=reporter,
        pdf=ContentFile(PDF, name="bao-cao-v1.pdf"),
    )
    ReportComment.objects.create(report=report, version=version, kind="accepted", author=official)
    consolidated = ConsolidatedReport.objects.create(
        kind="semiannual",
        year=2026,
        subject="Kết quả công tác đối ngoại 6 tháng đầu năm 2026",
        gathered_at=timezone.now(),
        created_by=official,
    )
    ConsolidatedSection.objects.create(report=consolidated, key="results", body="Nội dung")
    issued = IssuedReport.objects.create(
        report=consolidated,
        version=1,
        number=25,
        number_year=2026,
        issued_on=datetime.date(2026, 6, 20),
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn B",
        recipients="UBND tỉnh",
        snapshot={"sections": []},
        issued_by=official,
        pdf=ContentFile(PDF, name="bao-cao-25.pdf"),
    )
    ReportJob.objects.create(kind="issue_pdf", status="done", issued=issued, requested_by=official)

    # A file no row points to (e.g. left by an older version) is kept too.
    (Path(settings.MEDIA_ROOT) / "notes.txt").write_text("Ghi chú của quản trị", encoding="utf-8")


def empty_project_tables() -> list[str]:
    return [
        model._meta.db_table
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if not model._default_manager.exists()
    ]


# ---------------------------------------------------------------------------
# Round trip
# ---------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_back_every_row_and_file(media_root, tmp_path):
    populate()
    assert empty_project_tables() == [], "populate() must put rows in every table"
    tables_before = table_checksums()
    files_before = media_checksums()
    assert len(files_before) == 6

    archive = tmp_path / "backup.tar"
    call_command("backup", output=archive, stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", *(f"media/{name}" for name in files_before)} <= names

    call_command("flush", interactive=False)
    shutil.rmtree(media_root)
    wiped = table_checksums()
    assert Agreement.objects.count() == 0 and User.objects.count() == 0
    assert sum(1 for t in tables_before if wiped.get(t) != tables_before[t]) > 50
    assert not media_root.exists()

    assert KeptCountPaginator(Agreement.objects.all(), 50).count == 0  # kept, as a list's

    out = io.StringIO()
    call_command("restore", archive, interactive=False, stdout=out)
    assert "Restored" in out.getvalue()
    # The lists count (and render) afresh: the restore wrote behind the ORM's back.
    assert KeptCountPaginator(Agreement.objects.all(), 50).count == Agreement.objects.count() > 0

    tables_after = table_checksums()
    assert tables_after.keys() == tables_before.keys()
    changed = [t for t in tables_before if tables_after[t] != tables_before[t]]
    assert changed == []
    assert media_checksums() == files_before

    # The restored portal works: files open through their rows, and new rows get fresh ids
    # (the sequences came back with the data).
    document = AgreementDocument.objects.get()
    with document.file.open("rb") as handle:
        assert handle.read() == PDF
    newest = Agency.objects.order_by("-pk").first().pk
    assert AgencyFactory().pk > newest


# ---------------------------------------------------------------------------
# Damaged archives are refused before anything changes
# ---------------------------------------------------------------------------
def _rewrite(source: Path, target: Path, change) -> Path:
    """Copy a tar member by member, letting ``change(name, data)`` alter or drop members."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            data = change(member.name, data)
            if data is None:
                continue
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
        extra = change("<extra>", b"")
        if extra:
            info = tarfile.TarInfo("media/unexpected.txt")
            info.size = len(extra)
            new.addfile(info, io.BytesIO(extra))
    return target


def _flip_pdf_byte(name: str, data: bytes) -> bytes | None:
    if name.endswith(".pdf"):
        return data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
    return data if name != "<extra>" else None


def _flip_database_byte(name: str, data: bytes) -> bytes | None:
    if name.startswith("database/"):
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
    return data if name != "<extra>" else None


def _drop_manifest(name: str, data: bytes) -> bytes | None:
    return None if name in ("manifest.json", "<extra>") else data


def _drop_a_file(name: str, data: bytes) -> bytes | None:
    return None if name.endswith(".pdf") or name == "<extra>" else data


def _add_a_file(name: str, data: bytes) -> bytes | None:
    return b"not in the manifest" if name == "<extra>" else data


def _corrupt_manifest(name: str, data: bytes) -> bytes | None:
    if name == "manifest.json":
        return data[: len(data) // 2]
    return data if name != "<extra>" else None


def _from_a_newer_version(name: str, data: bytes) -> bytes | None:
    if name == "manifest.json":
        manifest = json.loads(data)
        manifest["migrations"]["accounts"].append("9999_from_the_future")
        return json.dumps(manifest).encode()
    return data if name != "<extra>" else None


DAMAGES = [
    (_flip_pdf_byte, "does not match its checksum"),
    (_flip_database_byte, "does not match its checksum"),
    (_drop_manifest, "has no manifest.json"),
    (_drop_a_file, "missing"),
    (_add_a_file, "not in its manifest"),
    (_corrupt_manifest, "manifest.json is corrupt"),
    (_from_a_newer_version, "newer version of the portal"),
]


# Not transactional: nothing here reaches pg_restore or SQLite's backup API, and the backup
# (a connection of its own) needs no particular rows, only a valid archive to damage.
@pytest.mark.django_db
def test_a_damaged_or_foreign_archive_is_refused_and_nothing_changes(
    media_root, tmp_path, monkeypatch
):
    official = UserFactory(official=True, username="official")
    AgreementDocument.objects.create(
        agreement=AgreementFactory(),
        title="Văn bản ký",
        file=ContentFile(PDF, name="van-ban-ky.pdf"),
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=official,
    )
    good = tmp_path / "good.tar"
    call_command("backup", output=good, stdout=io.StringIO())
    # What a refused restore must leave alone: a row and a file made after the backup.
    UserFactory(username="after_the_backup")
    (media_root / "after.txt").write_text("new")
    tables = table_checksums()
    files = media_checksums()

    archives = {
        change.__name__: (_rewrite(good, tmp_path / f"{change.__name__}.tar", change), message)
        for change, message in DAMAGES
    }
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    archives["truncated"] = (truncated, "cut short")
    not_a_tar = tmp_path / "notes.tar"
    not_a_tar.write_text("hello")
    archives["not_a_tar"] = (not_a_tar, "not a tar archive")
    archives["missing"] = (tmp_path / "nowhere.tar", "does not exist")

    for name, (archive, message) in archives.items():
        with pytest.raises(CommandError) as refused:
            call_command("restore", archive, interactive=False, stdout=io.StringIO())
        assert message in str(refused.value), name
        assert table_checksums() == tables, name
        assert media_checksums() == files, name

    # The good archive passes every check, and answering anything but "yes" cancels.
    prompts = []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or "no")
    out = io.StringIO()
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", good, stdout=out)
    assert "every checksum matches" in out.getvalue()
    assert "REPLACES the database" in prompts[0]
    assert table_checksums() == tables
    assert media_checksums() == files
