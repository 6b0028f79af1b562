"""Uploaded files: agreement documents (signed texts, scans) and measurement evidence.

Each is checked by its content (magic bytes), not its name; is capped in size; is stored
under a name the portal makes (ASCII, short, the extension of its real type: a path, a
unicode or a 300-character name cannot reach the file system); and is served only by a
permission-checked view, as an attachment, with ``X-Content-Type-Options: nosniff``. Nothing
under MEDIA_ROOT has a URL of its own.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import AgreementDocument
from agreements.services import MAX_UPLOAD_BYTES
from targets.models import Measurement
from tests.factories import AgreementFactory
from tests.hardening.fuzzfiles import is_vietnamese
from tests.targets.factories import TargetFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
TIFF = b"II*\x00" + b"\x00" * 32
# Content that must never pass, whatever the name says.
REFUSED = {
    "html": b"<!doctype html><script>alert(1)</script>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "exe": b"MZ\x90\x00\x03\x00\x00\x00",
    "elf": b"\x7fELF\x02\x01\x01",
    "zip": b"PK\x03\x04\x14\x00",
    "docx": b"PK\x03\x04" + b"word/document.xml",
    "gif": b"GIF89a\x01\x00",
    "empty": b"",
    "pdf-late-magic": b"\n\n%PDF-1.4",  # the magic must come first
    "text": "Biên bản".encode(),
}
# Names a browser (or an attacker) may send.
NAMES = {
    "traversal": "../../../../etc/passwd.pdf",
    "windows-traversal": "..\\..\\boot.ini.pdf",
    "absolute": "/etc/cron.d/x.pdf",
    "vietnamese": "Biên bản ghi nhớ hợp tác với tỉnh Xiêng Khoảng.pdf",
    "nfd": "Bie\u0302n ba\u0309n.pdf",
    "long-vietnamese": "Thỏa thuận " * 40 + ".pdf",  # 440 characters, ~600 bytes in UTF-8
    "long-ascii": "a" * 300 + ".pdf",
    "double-extension": "scan.pdf.html",
    "no-extension": "scan",
    "shell": "$(reboot);`id`|x.pdf",
    "null": "x.pdf\x00.html",
    "rtl": "\u202efdp.exe",
    "dots": "...",
    "quotes": "a\"b'c<d>.pdf",
}
STORED_NAME = re.compile(r"^[a-z0-9][A-Za-z0-9._-]{0,100}\.(pdf|jpg|png|tif)$")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def agreement(owner_agency, agency):
    return AgreementFactory(lead_agency=agency)


def upload_document(client, agreement, name: str, content: bytes, title: str = ""):
    return client.post(
        reverse("agreements:document_upload", args=[agreement.pk]),
        {"kind": "scan", "title": title, "file": SimpleUploadedFile(name, content)},
    )


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def check_stored(document_file, media: Path) -> None:
    """Stored inside MEDIA_ROOT, under a safe name of the portal's making."""
    path = Path(document_file.path).resolve()
    assert path.is_relative_to(media.resolve()), path
    assert STORED_NAME.match(path.name), path.name
    assert len(path.name.encode()) <= 120


def check_served(response, content: bytes, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    assert "/" not in disposition and "\\" not in disposition and ".." not in disposition
    assert "\n" not in disposition and "\r" not in disposition
    assert b"".join(response.streaming_content) == content


# ---------------------------------------------------------------------------------------------
# Agreement documents
# ---------------------------------------------------------------------------------------------
TYPES = [(PDF, "application/pdf"), (JPEG, "image/jpeg"), (PNG, "image/png"), (TIFF, "image/tiff")]


@pytest.mark.parametrize("name", list(NAMES))
def test_document_names_never_reach_the_file_system(
    client, official, reporter, agreement, media, name
):
    """Each name with each accepted type (the stored extension is the type's)."""
    for content, content_type in TYPES:
        client.force_login(official)
        response = upload_document(client, agreement, NAMES[name], content)
        assert response.status_code == 302, response.context["form"].errors
        document = AgreementDocument.objects.latest("pk")
        assert document.content_type == content_type
        check_stored(document.file, media)
        # The reporter of the lead agency reads the agreement: the file comes as an attachment.
        client.force_login(reporter)
        check_served(client.get(document.get_absolute_url()), content, content_type)
    assert AgreementDocument.objects.count() == len(TYPES)


@pytest.mark.parametrize("kind", list(REFUSED))
def test_document_content_decides_not_the_name(client, official, agreement, media, kind):
    client.force_login(official)
    for name in ("scan.pdf", "scan.jpg", "scan.png", "scan.tif"):
        response = upload_document(client, agreement, name, REFUSED[kind])
        assert response.status_code == 200
        (message,) = response.context["form"].errors["file"]
        assert is_vietnamese(message), message
    assert not AgreementDocument.objects.exists()
    assert not files_under(media)


def test_document_size_is_capped(client, official, agreement, media, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # the big one goes through a temporary file
    client.force_login(official)
    big = PDF + b"0" * (MAX_UPLOAD_BYTES + 1 - len(PDF))
    response = upload_document(client, agreement, "big.pdf", big)
    (message,) = response.context["form"].errors["file"]
    assert "20 MB" in message and is_vietnamese(message)
    assert not AgreementDocument.objects.exists() and not files_under(media)
    at_limit = PDF + b"0" * (MAX_UPLOAD_BYTES - len(PDF))
    assert upload_document(client, agreement, "ok.pdf", at_limit).status_code == 302


def test_two_documents_with_one_name_are_two_files(client, official, agreement, media):
    client.force_login(official)
    for content in (PDF, PDF + b"% second"):
        assert upload_document(client, agreement, "ban-ky.pdf", content).status_code == 302
    first, second = AgreementDocument.objects.order_by("pk")
    assert first.file.name != second.file.name
    assert Path(first.file.path).read_bytes() == PDF


def test_hostile_title_is_escaped_and_kept_out_of_the_download_name(
    client, official, agreement, media
):
    title = '"><img src=x onerror=alert(1)>\r\nSet-Cookie: a=b ../../x'
    client.force_login(official)
    assert upload_document(client, agreement, "x.pdf", PDF, title=title).status_code == 302
    document = AgreementDocument.objects.get()
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "<img src=x onerror" not in page
    response = client.get(document.get_absolute_url())
    check_served(response, PDF, "application/pdf")
    assert "Set-Cookie" not in response.headers


def test_documents_are_served_only_through_the_checked_view(
    client, official, other_reporter, leader, agreement, media
):
    client.force_login(official)
    upload_document(client, agreement, "ky.pdf", PDF)
    document = AgreementDocument.objects.get()
    relative = document.file.name
    # No URL serves MEDIA_ROOT directly, whatever the prefix.
    for prefix in ("/files/", "/media/", "/static/", "/"):
        assert client.get(prefix + relative).status_code == 404
    # A leader reads every agreement's files; another agency's reporter does not see an
    # internal agreement of another agency, nor its files.
    client.force_login(leader)
    check_served(client.get(document.get_absolute_url()), PDF, "application/pdf")
    agreement.is_public = False
    agreement.save(update_fields=["is_public"])
    client.force_login(other_reporter)
    assert client.get(document.get_absolute_url()).status_code == 404
    # A document id under another agreement is not found through this one.
    other = AgreementFactory()
    url = reverse("agreements:document_download", args=[other.pk, document.pk])
    client.force_login(official)
    assert client.get(url).status_code == 404


def test_only_officials_upload(client, reporter, leader, agreement, media):
    for user in (reporter, leader):
        client.force_login(user)
        response = upload_document(client, agreement, "x.pdf", PDF)
        assert response.status_code in (403, 404)
    assert not AgreementDocument.objects.exists() and not files_under(media)


# ---------------------------------------------------------------------------------------------
# Measurement evidence
# ---------------------------------------------------------------------------------------------
TODAY = date(2026, 7, 1)


@pytest.fixture
def target(agency):
    return TargetFactory(code="4.1", owner_agency=agency)


def enter_value(client, target, name: str, content: bytes):
    return client.post(
        reverse("targets:measurement_enter", args=[target.pk]),
        {
            "period": "2026-semiannual",
            "value": "5",
            "evidence": "Báo cáo số 15",
            "evidence_file": SimpleUploadedFile(name, content),
        },
    )


@pytest.mark.parametrize("name", list(NAMES))
def test_evidence_is_stored_under_a_safe_name_and_served_as_an_attachment(
    client, reporter, other_reporter, leader, target, media, name
):
    with time_machine.travel(TODAY, tick=False):
        client.force_login(reporter)
        response = enter_value(client, target, NAMES[name], PDF)
        assert response.status_code == 302, response.context["form"].errors
    measurement = Measurement.objects.get()
    check_stored(measurement.evidence_file, media)
    url = reverse("targets:measurement_evidence", args=[measurement.pk])
    # Everyone signed in reads the targets: the owner, another agency, a leader.
    for user in (reporter, other_reporter, leader):
        client.force_login(user)
        check_served(client.get(url), PDF, "application/pdf")
    client.logout()
    assert client.get(url).status_code == 302
    # The target's page links to it.
    client.force_login(leader)
    assert url in client.get(target.get_absolute_url()).content.decode()


@pytest.mark.parametrize("kind", ["html", "svg", "exe", "zip", "text", "pdf-late-magic"])
def test_evidence_must_be_a_pdf_by_content(client, reporter, target, media, kind):
    with time_machine.travel(TODAY, tick=False):
        client.force_login(reporter)
        response = enter_value(client, target, "minh-chung.pdf", REFUSED[kind])
    assert response.status_code == 200
    (message,) = response.context["form"].errors["evidence_file"]
    assert is_vietnamese(message)
    assert not Measurement.objects.exists() and not files_under(media)


def test_the_service_checks_the_evidence_too(reporter, target, media):
    """Not only the form: whatever calls measurement_record gets the same rules."""
    from reports.periods import Period
    from targets.services import measurement_record

    with time_machine.travel(TODAY, tick=False):
        for content in (REFUSED["html"], PDF + b"0" * (20 * 1024 * 1024)):
            with pytest.raises(Exception) as refused:
                measurement_record(
                    target=target,
                    user=reporter,
                    period=Period(2026, "semiannual"),
                    value=5,
                    evidence_file=SimpleUploadedFile("x.pdf", content),
                )
            assert is_vietnamese(" ".join(refused.value.messages))
    assert not Measurement.objects.exists() and not files_under(media)


def test_a_measurement_without_evidence_file_has_no_download(client, reporter, target):
    measurement = Measurement.objects.create(
        target=target, period_year=2026, period_kind="semiannual", value=5
    )
    client.force_login(reporter)
    url = reverse("targets:measurement_evidence", args=[measurement.pk])
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# Generated files are served the same way
# ---------------------------------------------------------------------------------------------
def test_every_file_field_is_known_here():
    """A new FileField needs its own upload/serve checks: this list makes it visible."""
    from django.apps import apps
    from django.db import models

    fields = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField) and not model.__name__.startswith("Historical")
    }
    assert fields == {
        "agreements.AgreementDocument.file",  # uploaded: tested above
        "targets.Measurement.evidence_file",  # uploaded: tested above
        "agreements.DossierJob.file",  # generated zip: tests/agreements/test_dossier.py
        "reports.AgencyReportVersion.pdf",  # generated PDF: tests/reports/test_views.py
        "reports.IssuedReport.pdf",  # generated PDF: tests/reports
    }


# ---------------------------------------------------------------------------------------------
# The hard cap while the request is read
# ---------------------------------------------------------------------------------------------
def test_a_file_over_the_cap_gets_the_form_s_own_message(
    client, official, agreement, media, settings
):
    """A file over UPLOAD_MAX_BYTES reaches the form with its size and no content: the form
    says it is too large, as for any file over its own limit."""
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    client.force_login(official)
    response = upload_document(client, agreement, "big.pdf", PDF + b"0" * (MAX_UPLOAD_BYTES + 1))
    (message,) = response.context["form"].errors["file"]
    assert "20 MB" in message and is_vietnamese(message)
    assert not AgreementDocument.objects.exists() and not files_under(media)
    # Under the cap, nothing changes.
    assert upload_document(client, agreement, "ok.pdf", PDF).status_code == 302


def test_no_byte_past_the_cap_is_spooled_even_for_an_anonymous_request(settings, tmp_path):
    """The CSRF check reads the body before the login check: whoever sends it, an upload
    stops being kept at the cap (and what was kept goes), instead of filling the disk."""
    from django.core.files.uploadhandler import TemporaryFileUploadHandler
    from django.test import RequestFactory

    from config.uploads import OversizedUpload, UploadSizeLimitHandler

    class Spool(TemporaryFileUploadHandler):
        """Django's own temporary-file handler, counting what it is given."""

        kept = 0
        chunk_size = 1024

        def receive_data_chunk(self, raw_data, start):
            Spool.kept += len(raw_data)
            return super().receive_data_chunk(raw_data, start)

    settings.UPLOAD_MAX_BYTES = 10 * 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    request = RequestFactory().post(
        "/accounts/login/", {"a": "b", "file": SimpleUploadedFile("x.bin", b"1" * 500_000)}
    )
    limit = UploadSizeLimitHandler(request)
    limit.chunk_size = 1024
    request.upload_handlers = [limit, Spool(request)]
    upload = request.FILES["file"]
    assert isinstance(upload, OversizedUpload) and upload.size == 500_000
    assert request.POST["a"] == "b"
    assert Spool.kept <= settings.UPLOAD_MAX_BYTES
    assert not list(tmp_path.iterdir())  # the part kept before the cap is deleted
    with pytest.raises(ValueError):
        upload.read()
