"""The agreement dossier: a zip (summary PDF, signed files, history) built by a Celery task."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
import unicodedata
import zipfile
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

# Imported explicitly: Celery's autodiscovery imports agreements.tasks, which imports this.
from agreements import dossier_tasks
from agreements.dossier import dossier_build, dossier_request, dossiers_purge, history_csv
from agreements.models import (
    Agreement,
    AgreementEvent,
    DossierJob,
    EvaluationCriterion,
    FieldOfCooperation,
)
from agreements.pdf import render_agreement_summary_pdf
from agreements.services import (
    agreement_create,
    agreement_record_event,
    document_upload,
    output_create,
    review_record,
)
from config.pdf import ForbiddenResourceError, SafeURLFetcher, render_pdf, safe_url_fetcher
from reports.periods import Period, PeriodKind
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

TITLE = "Thỏa thuận hợp tác giữa tỉnh Tuyên Quang và tỉnh Xiêng Khoảng"
HOSTILE = '<img src="file:///etc/passwd">'
PDF_BYTES = b"%PDF-1.4\n% bien ban ky ket\n%%EOF\n"
BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _make_agreement(official, lead, *, title=TITLE, is_public=False, coordinating=()):
    partner = PartnerFactory(name_vi="Tỉnh Xiêng Khoảng", name_native="Xiangkhouang", country="LA")
    field = FieldOfCooperation.objects.create(name="Giáo dục và đào tạo")
    agreement = agreement_create(
        user=official,
        data={
            "kind": Agreement.Kind.MOU,
            "number": "01/2024/TTQT-TQ-XK",
            "title_vi": title,
            "title_en": "Cooperation agreement between Tuyen Quang and Xiangkhouang",
            "signing_level": Agreement.SigningLevel.PROVINCE,
            "lead_agency": lead,
            "objectives": "Tăng cường hợp tác giáo dục, du lịch và thương mại biên giới.",
            "evaluation_mechanism": "Đánh giá 6 tháng và hằng năm.",
            "is_public": is_public,
        },
        partners=[partner],
        fields=[field],
        coordinating_agencies=coordinating,
    )
    agreement_record_event(
        agreement=agreement,
        kind=AgreementEvent.Kind.APPROVAL,
        occurred_on=date(2024, 2, 20),
        user=official,
        decision_number="125/QĐ-UBND",
        today=date(2024, 2, 20),
    )
    agreement_record_event(
        agreement=agreement,
        kind=AgreementEvent.Kind.SIGNING,
        occurred_on=date(2024, 3, 5),
        user=official,
        details={
            "signed_place": "Phôn-sạ-vẳn",
            "signer_vn_name": "Nguyễn Văn Sơn",
            "signer_vn_title": "Chủ tịch UBND tỉnh",
            "signer_partner_name": "Pheng Sỉ Nạ",
            "signer_partner_title": "Tỉnh trưởng",
        },
        today=date(2024, 3, 5),
    )
    agreement_record_event(
        agreement=agreement,
        kind=AgreementEvent.Kind.ENTRY_INTO_FORCE,
        occurred_on=date(2024, 3, 5),
        user=official,
        today=date(2024, 3, 5),
    )
    output_create(
        agreement=agreement,
        user=official,
        data={
            "description": "Trao đổi đoàn học sinh, sinh viên",
            "indicator": "Số lượt học sinh",
            "unit": "lượt",
            "target_value": 100,
            "responsible_agency": lead,
        },
    )
    agreement.refresh_from_db()
    criterion = EvaluationCriterion.objects.create(name="Mức độ hoàn thành mục tiêu")
    review_record(
        agreement=agreement,
        user=official,
        period=Period(2024, PeriodKind.ANNUAL),
        reviewed_on=date(2024, 12, 10),
        overall="on_track",
        achievements="Đã tổ chức 2 đoàn trao đổi giáo viên.",
        difficulties="Kinh phí hạn chế.",
        scores={criterion.pk: 4},
    )
    return agreement


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def agreement(official, agency):
    """Internal, led by the reporter's agency (SVHTTDL)."""
    return _make_agreement(official, agency)


def _request(agreement, user, django_capture_on_commit_callbacks) -> DossierJob:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = dossier_request(agreement=agreement, user=user)
    assert len(callbacks) <= 1
    return job


# ---------------------------------------------------------------------------------------------
# The restricted fetcher
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/tracker.png",
        "https://example.com/font.woff2",
        "ftp://example.com/x",
        f"file://{BASE_DIR}/static/../config/settings/base.py",
        f"file://{BASE_DIR}/static/%2e%2e/config/settings/base.py",
        f"file://evil.example/{BASE_DIR}/static/css/pdf.css",
        f"file://{BASE_DIR}/static/css/missing.css",
    ],
)
def test_fetcher_refuses_anything_but_static_files_and_data(url):
    with pytest.raises(ForbiddenResourceError):
        safe_url_fetcher.fetch(url)
    with pytest.raises(ForbiddenResourceError):
        SafeURLFetcher()(url)


def test_fetcher_serves_static_files_and_data_uris():
    css = safe_url_fetcher.fetch(f"file://{BASE_DIR}/static/css/pdf.css")
    assert css.content_type == "text/css"
    assert b"Liberation Serif" in css.read()
    data = safe_url_fetcher.fetch("data:text/plain;base64,WGluIGNow6Bv")
    assert data.read().decode() == "Xin chào"


@pytest.mark.parametrize(
    "reference",
    [
        '<img src="{{ src }}">',
        '<link rel="stylesheet" href="{{ src }}">',
        '<div class="x"></div><style>.x { background: url("{{ src }}") }</style>',
    ],
)
@pytest.mark.parametrize("src", ["file:///etc/passwd", "http://127.0.0.1:9/x.png"])
def test_rendering_a_template_with_an_outside_reference_fails_loudly(reference, src):
    html = Template(f"<!doctype html><html><body><p>Xin chào</p>{reference}</body></html>")
    with pytest.raises(ForbiddenResourceError):
        render_pdf(html.render(Context({"src": src})))


def test_render_pdf_reads_static_stylesheets_and_data_images():
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNg"
        "YGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
    )
    pdf = render_pdf(
        f'<link rel="stylesheet" href="css/pdf.css"><p>Đồng Văn</p><img src="{pixel}">'
    )
    assert pdf.startswith(b"%PDF")
    assert "Đồng Văn" in _text(pdf)


# ---------------------------------------------------------------------------------------------
# The summary PDF
# ---------------------------------------------------------------------------------------------
def test_summary_pdf_keeps_vietnamese_and_embeds_liberation_serif(agreement, settings):
    pdf = render_agreement_summary_pdf(agreement)
    text = _text(pdf)
    assert TITLE in text
    assert settings.PORTAL["PARENT_BODY"] in text
    assert "01/2024/TTQT-TQ-XK" in text
    assert "05/03/2024" in text  # dd/mm/yyyy
    assert "Pheng Sỉ Nạ" in text
    assert "Trao đổi đoàn học sinh, sinh viên" in text
    assert "Sở Văn hóa, Thể thao và Du lịch" in text
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor  # embedded
            fonts.add(str(font["/BaseFont"]))
    assert fonts and all("LiberationSerif" in name.replace("-", "") for name in fonts), fonts


def test_summary_output_header_repeats_on_every_page(official, agency):
    agreement = _make_agreement(official, agency)
    for number in range(60):
        output_create(
            agreement=agreement,
            user=official,
            data={"description": f"Sản phẩm số {number}", "responsible_agency": agency},
        )
    reader = PdfReader(io.BytesIO(render_agreement_summary_pdf(agreement)))
    pages_with_outputs = [
        page.extract_text() for page in reader.pages if "Sản phẩm số" in page.extract_text()
    ]
    assert len(pages_with_outputs) >= 2
    with translation.override("vi"):
        header = gettext("Responsible agency")
    assert header != "Responsible agency"  # the Vietnamese catalogue is compiled
    for text in pages_with_outputs:
        assert header in " ".join(text.split())


def test_hostile_title_is_text_and_nothing_outside_static_is_fetched(official, agency):
    agreement = _make_agreement(official, agency, title=f"Thỏa thuận {HOSTILE}")
    fetched: list[str] = []
    original = SafeURLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    with mock.patch.object(SafeURLFetcher, "fetch", spy):
        pdf = render_agreement_summary_pdf(agreement)
    assert HOSTILE in _text(pdf)
    assert fetched == [f"file://{BASE_DIR}/static/css/pdf.css"]


# ---------------------------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------------------------
def test_build_makes_a_zip_with_summary_files_and_history(
    agreement, official, media, django_capture_on_commit_callbacks
):
    document_upload(
        agreement=agreement,
        user=official,
        uploaded_file=SimpleUploadedFile("ban-ky.pdf", PDF_BYTES, "application/pdf"),
        kind="signed_text",
        title="Bản ký",
    )
    # Outside a request nobody is recorded; the web middleware records the user.
    Agreement.history.filter(id=agreement.pk).update(history_user=official)
    job = _request(agreement, official, django_capture_on_commit_callbacks)
    assert job.status == DossierJob.Status.QUEUED
    dossier_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == DossierJob.Status.DONE, job.error
    assert job.progress == 100
    assert job.started_at and job.finished_at
    path = Path(job.file.path)
    assert path.is_relative_to(Path(media) / "dossiers")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names[0] == "tom-tat.pdf"
        assert "van-ban/01-ban-ky.pdf" in names
        assert "lich-su.csv" in names
        assert archive.read("van-ban/01-ban-ky.pdf") == PDF_BYTES
        assert TITLE in _text(archive.read("tom-tat.pdf"))
        history = archive.read("lich-su.csv")
    assert history.startswith(b"\xef\xbb\xbf")
    assert official.get_full_name() in history.decode("utf-8-sig")


def test_history_csv_lists_changes_with_fields(agreement, official):
    from agreements.services import agreement_update

    agreement_update(agreement=agreement, user=official, data={"objectives": "Mục tiêu mới"})
    with translation.override("vi"):
        rows = list(csv.reader(io.StringIO(history_csv(agreement).decode("utf-8-sig"))))
        objectives = str(Agreement._meta.get_field("objectives").verbose_name)
        changed = gettext("Changed")
    assert rows[0][0] == "Ngày giờ"
    assert len(rows) > 8  # creation, m2m, events, notice, output, review, update
    assert rows[-1][3:] == [changed, objectives]
    assert all(len(row[0]) == 16 and row[0][2] == "/" for row in rows[1:])  # dd/mm/yyyy hh:mm


def test_request_reuses_the_active_job_of_the_same_user(
    agreement, official, leader, django_capture_on_commit_callbacks
):
    first = _request(agreement, official, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = dossier_request(agreement=agreement, user=official)
    assert again.pk == first.pk
    assert callbacks == []  # nothing queued twice
    other = _request(agreement, leader, django_capture_on_commit_callbacks)
    assert other.pk != first.pk


def test_request_replaces_a_stale_job(agreement, official, django_capture_on_commit_callbacks):
    stale = _request(agreement, official, django_capture_on_commit_callbacks)
    DossierJob.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=2))
    fresh = _request(agreement, official, django_capture_on_commit_callbacks)
    assert fresh.pk != stale.pk
    stale.refresh_from_db()
    assert stale.status == DossierJob.Status.FAILED


def test_request_queues_the_task_after_commit(
    agreement, official, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(dossier_tasks.build_dossier, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = dossier_request(agreement=agreement, user=official)
        apply_async.assert_not_called()
    apply_async.assert_called_once_with(args=[job.pk], retry=False)
    job.refresh_from_db()
    assert job.sent_at is not None


def test_request_rechecks_permission(agreement, other_reporter):
    with pytest.raises(PermissionDenied):
        dossier_request(agreement=agreement, user=other_reporter)
    assert not DossierJob.objects.exists()


def test_duplicated_task_does_not_rebuild(
    agreement, official, media, django_capture_on_commit_callbacks
):
    job = _request(agreement, official, django_capture_on_commit_callbacks)
    dossier_build(job_id=job.pk)
    job.refresh_from_db()
    built = job.file.name
    with mock.patch("agreements.dossier.render_agreement_summary_pdf") as render:
        dossier_build(job_id=job.pk)
        dossier_tasks.build_dossier.apply(args=[job.pk])
    render.assert_not_called()
    job.refresh_from_db()
    assert job.file.name == built
    assert sorted(p.name for p in (Path(media) / "dossiers").iterdir()) == [Path(built).name]


def test_task_running_elsewhere_is_not_started_twice(
    agreement, official, media, django_capture_on_commit_callbacks
):
    job = _request(agreement, official, django_capture_on_commit_callbacks)
    DossierJob.objects.filter(pk=job.pk).update(
        status=DossierJob.Status.RUNNING, started_at=timezone.now()
    )
    with mock.patch("agreements.dossier.render_agreement_summary_pdf") as render:
        dossier_build(job_id=job.pk)
    render.assert_not_called()


def test_build_fails_when_the_requester_lost_access(
    agreement, reporter, other_agency, media, django_capture_on_commit_callbacks
):
    job = _request(agreement, reporter, django_capture_on_commit_callbacks)
    Agreement.objects.filter(pk=agreement.pk).update(lead_agency=other_agency)
    dossier_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == DossierJob.Status.FAILED
    assert job.error == "Bạn không còn quyền xem thỏa thuận này."
    assert not job.file


def test_permanent_error_marks_failed_without_raising(
    agreement, official, media, django_capture_on_commit_callbacks
):
    job = _request(agreement, official, django_capture_on_commit_callbacks)
    with mock.patch(
        "agreements.dossier.render_agreement_summary_pdf", side_effect=ValueError("hỏng")
    ):
        dossier_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == DossierJob.Status.FAILED
    assert "hỏng" in job.error and job.finished_at


def test_transient_error_is_raised_for_retry_and_requeues(
    agreement, official, media, django_capture_on_commit_callbacks
):
    job = _request(agreement, official, django_capture_on_commit_callbacks)
    with (
        mock.patch(
            "agreements.dossier.render_agreement_summary_pdf",
            side_effect=OperationalError("database is locked"),
        ),
        pytest.raises(OperationalError),
    ):
        dossier_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == DossierJob.Status.QUEUED
    dossier_build(job_id=job.pk)  # the retry
    job.refresh_from_db()
    assert job.status == DossierJob.Status.DONE


def test_missing_signed_file_fails_with_a_readable_error(
    agreement, official, media, django_capture_on_commit_callbacks
):
    document = document_upload(
        agreement=agreement,
        user=official,
        uploaded_file=SimpleUploadedFile("scan.pdf", PDF_BYTES, "application/pdf"),
        kind="scan",
        title="Bản scan",
    )
    Path(document.file.path).unlink()
    job = _request(agreement, official, django_capture_on_commit_callbacks)
    dossier_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == DossierJob.Status.FAILED
    assert "Bản scan" in job.error


def test_purge_deletes_old_dossiers_and_their_files(
    agreement, official, leader, media, django_capture_on_commit_callbacks
):
    old = _request(agreement, official, django_capture_on_commit_callbacks)
    dossier_build(job_id=old.pk)
    old.refresh_from_db()
    old_path = Path(old.file.path)
    DossierJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    recent = _request(agreement, leader, django_capture_on_commit_callbacks)
    dossier_build(job_id=recent.pk)
    assert dossiers_purge() == 1
    assert not old_path.exists()
    assert list(DossierJob.objects.values_list("pk", flat=True)) == [recent.pk]
    recent.refresh_from_db()
    assert Path(recent.file.path).exists()


def test_task_is_declared_as_required():
    task = dossier_tasks.build_dossier
    assert task.name == "agreements.tasks.build_dossier"
    assert task.acks_late is True
    assert task.max_retries == 3
    assert OperationalError in task.autoretry_for


def test_celery_autodiscovery_registers_the_task():
    """In a fresh interpreter, as a worker starts: agreements.tasks must import dossier_tasks."""
    code = (
        "import django; django.setup();"
        "from config.celery_app import app; app.loader.import_default_modules();"
        "print('agreements.tasks.build_dossier' in app.tasks)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip().endswith("True"), result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------
def _start_url(agreement) -> str:
    return reverse("agreements:dossier_start", args=[agreement.pk])


@pytest.mark.parametrize("user_fixture", ["official", "reporter", "leader"])
def test_start_queues_and_redirects_without_rendering(
    client, request, agreement, user_fixture, django_capture_on_commit_callbacks
):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    with (
        mock.patch("agreements.dossier.render_agreement_summary_pdf") as render,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        response = client.post(_start_url(agreement))
    job = DossierJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:dossier_status", args=[job.pk])
    assert job.requested_by == user and job.status == DossierJob.Status.QUEUED
    assert len(callbacks) == 1
    render.assert_not_called()


def test_start_with_htmx_returns_a_polling_fragment(
    client, agreement, official, django_capture_on_commit_callbacks
):
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(_start_url(agreement), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 2s"' in html
    assert "<html" not in html
    assert "<script" not in html and "style=" not in html


def test_start_refuses_other_agency_on_internal_agreement(client, agreement, other_reporter):
    client.force_login(other_reporter)
    assert client.post(_start_url(agreement)).status_code == 404
    assert not DossierJob.objects.exists()


def test_start_allows_other_agency_on_public_agreement(
    client, official, other_reporter, agency, django_capture_on_commit_callbacks
):
    public = _make_agreement(official, agency, is_public=True)
    client.force_login(other_reporter)
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(_start_url(public)).status_code == 302


def test_start_is_post_only_and_anonymous_goes_to_login(client, agreement, official):
    assert client.post(_start_url(agreement))["Location"].startswith("/accounts/login/")
    client.force_login(official)
    assert client.get(_start_url(agreement)).status_code == 405
    assert client.post(reverse("agreements:dossier_start", args=[999999])).status_code == 404


def test_status_page_polls_while_active_and_links_when_done(
    client, agreement, official, media, django_capture_on_commit_callbacks
):
    job = _request(agreement, official, django_capture_on_commit_callbacks)
    client.force_login(official)
    url = reverse("agreements:dossier_status", args=[job.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert f'hx-get="{url}"' in page
    dossier_build(job_id=job.pk)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" not in fragment  # polling stops
    assert reverse("agreements:dossier_download", args=[job.pk]) in fragment


def test_status_page_shows_the_failure(
    client, agreement, official, django_capture_on_commit_callbacks
):
    job = _request(agreement, official, django_capture_on_commit_callbacks)
    DossierJob.objects.filter(pk=job.pk).update(
        status=DossierJob.Status.FAILED, error="Lỗi <b>thử</b>"
    )
    client.force_login(official)
    html = client.get(reverse("agreements:dossier_status", args=[job.pk])).content.decode()
    assert "Lỗi &lt;b&gt;thử&lt;/b&gt;" in html
    assert "every 2s" not in html


@pytest.fixture
def done_job(agreement, reporter, media, django_capture_on_commit_callbacks):
    job = _request(agreement, reporter, django_capture_on_commit_callbacks)
    dossier_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == DossierJob.Status.DONE
    return job


def test_requester_downloads_the_zip(client, done_job, reporter):
    client.force_login(reporter)
    response = client.get(reverse("agreements:dossier_download", args=[done_job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="ho-so-01-2024-ttqt-tq-xk-' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert "tom-tat.pdf" in zipfile.ZipFile(io.BytesIO(body)).namelist()


@pytest.mark.parametrize("user_fixture", ["other_reporter", "official", "leader"])
def test_only_the_requester_sees_a_job(client, request, done_job, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    for name in ("dossier_status", "dossier_download"):
        assert client.get(reverse(f"agreements:{name}", args=[done_job.pk])).status_code == 404


def test_requester_who_lost_access_cannot_download(client, done_job, reporter, other_agency):
    Agreement.objects.filter(pk=done_job.agreement_id).update(lead_agency=other_agency)
    client.force_login(reporter)
    response = client.get(reverse("agreements:dossier_download", args=[done_job.pk]))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, done_job):
    for name in ("dossier_status", "dossier_download"):
        response = client.get(reverse(f"agreements:{name}", args=[done_job.pk]))
        assert response["Location"].startswith("/accounts/login/")


def test_download_of_unfinished_job_is_404(
    client, agreement, leader, django_capture_on_commit_callbacks
):
    job = _request(agreement, leader, django_capture_on_commit_callbacks)
    client.force_login(leader)
    assert client.get(reverse("agreements:dossier_download", args=[job.pk])).status_code == 404


# ---------------------------------------------------------------------------------------------
# Through a real worker process
# ---------------------------------------------------------------------------------------------
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_dossier_through_a_real_worker(
    client, official, agency, settings, tmp_path, monkeypatch, celery_worker_process
):
    from celery import Celery

    from config.broker import broker_settings

    media_root = tmp_path / "shared-media"
    monkeypatch.setenv("PORTAL_MEDIA_ROOT", str(media_root))  # the worker's MEDIA_ROOT…
    settings.MEDIA_ROOT = media_root  # …and this process's
    worker, env = celery_worker_process()

    # The web process's producer, pointed at the worker's broker and queue.
    conf = broker_settings(env.get("REDIS_URL", ""), Path(env["PORTAL_VAR_DIR"]))
    producer = Celery(
        "test-producer",
        broker=conf["broker_url"],
        backend=conf["result_backend"],
        set_as_current=False,  # the tasks keep their own app: see tests/hardening/test_faults.py
    )
    producer.conf.broker_transport_options = conf["broker_transport_options"]
    producer.conf.update(task_serializer="json", accept_content=["json"])
    sent = []

    def apply_async(args, **kwargs):
        sent.extend(args)
        return producer.send_task(dossier_tasks.build_dossier.name, args=args, queue=worker.queue)

    monkeypatch.setattr(dossier_tasks.build_dossier, "apply_async", apply_async)

    agreement = _make_agreement(official, agency)
    client.force_login(official)
    response = client.post(_start_url(agreement))
    job = DossierJob.objects.get()
    assert response.status_code == 302
    assert sent == [job.pk]
    # The request returned before any rendering: the job is still waiting for the worker.
    assert job.status == DossierJob.Status.QUEUED and not job.file

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in (DossierJob.Status.DONE, DossierJob.Status.FAILED):
            break
        time.sleep(0.3)
    producer.close()
    assert job.status == DossierJob.Status.DONE, job.error or worker.log.read_text()[-3000:]
    assert Path(job.file.path).is_relative_to(media_root / "dossiers")
    response = client.get(reverse("agreements:dossier_download", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert TITLE in _text(archive.read("tom-tat.pdf"))
    assert "build_dossier" in worker.log.read_text()
