"""Hostile text in every free-text field that reaches a page or a PDF.

Every text field of every record a page or a PDF shows (agencies, users, partners,
agreements and their outputs, events, notices, reviews and files, delegations, plans,
members, conferences, targets, measurements, task plans, tasks and their progress, reports,
their comments, the consolidated report, its sections and its issue) holds markup, template
syntax, links to local and remote resources, and very long text.

Pages: each is read back; the markup is escaped (never live), the template syntax is printed
as typed (never run), and the escaped text is there (the test reaches the field).
PDFs: the agreement summary, an agency's report and an issued consolidated report (with a
target chart, an SVG embedded as is) are rendered with WeasyPrint and read back with pypdf:
the hostile text is printed as text, nothing is fetched (a local HTTP server counts the
requests it gets, and the renderer's fetcher is watched), nothing is attached or linked.
Invisible characters that reorder or hide text (bidi overrides, zero-width spaces) are
dropped when the text is saved.
"""

from __future__ import annotations

import io
import itertools
import threading
import unicodedata
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.db import models
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Agency, User
from agreements import services as agreement_services
from agreements.models import Agreement, AgreementDocument, EvaluationCriterion, LegalNotice
from agreements.pdf import render_agreement_summary_pdf
from config.pdf import ForbiddenResourceError, SafeURLFetcher, render_pdf, static_root
from delegations.models import Conference, Delegation, DelegationMember, DelegationPlan, PlanItem
from partners.models import Partner
from reports import jobs
from reports import services as report_services
from reports.models import (
    AgencyReport,
    ConsolidatedReport,
    ConsolidatedSection,
    IssuedReport,
    ReportComment,
)
from reports.pdf import render_agency_version_pdf, render_issued_pdf
from reports.periods import PeriodKind
from targets.models import Measurement, Target, Task, TaskPlan, TaskProgress
from tests.delegations.factories import (
    ConferenceFactory,
    DelegationFactory,
    MemberFactory,
    PlanFactory,
    PlanItemFactory,
)
from tests.factories import AgreementFactory, OutputFactory, PartnerFactory, UserFactory
from tests.targets.factories import (
    MeasurementFactory,
    TargetFactory,
    TaskFactory,
    TaskPlanFactory,
    TaskProgressFactory,
)

pytestmark = pytest.mark.django_db
STATIC = static_root()

TODAY = date(2026, 7, 1)
SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{ request.user.password }}{% debug %}"
SHORT = "<b>x</b>"  # for fields too short for the long text
# Raw markers that must never reach a page or a PDF's structure; their escaped forms.
RAW = [
    SCRIPT,
    "<img src=x onerror",
    "<b>x</b>",
    "<svg><image",
    "<style>@import",
    '<link rel="stylesheet" href="http://127',
    '<iframe src="file:',
]
ESCAPED = ["&lt;script&gt;alert(", "&lt;img src=x onerror", "&lt;b&gt;x&lt;/b&gt;"]


def hostile(port: int) -> str:
    """Markup, template syntax and every way a document can make a renderer fetch."""
    return (
        f"Nội dung {SCRIPT} {IMG} {TEMPLATE} "
        f'<img src="http://127.0.0.1:{port}/img.png"> '
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css"> '
        '<svg><image href="file:///etc/hostname"/></svg> '
        '<a rel="attachment" href="data:text/plain;base64,YmkgbeG6rXQ=">đính kèm</a> '
        f"<style>@import url(http://127.0.0.1:{port}/i.css); "
        "p { background: url(file:///etc/passwd) }</style> "
        '<iframe src="file:///etc/passwd"></iframe> hết.'
    )


class Sentinel:
    """A local HTTP server that counts the requests it gets: a renderer that fetched an
    http:// reference from the text would show up here."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        sentinel = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                sentinel.hits.append(self.path)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sentinel():
    with Sentinel() as server:
        yield server


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# ---------------------------------------------------------------------------------------------
# Poisoning every text field
# ---------------------------------------------------------------------------------------------
# Fields that are not free text (identifiers, credentials, derived or technical values).
NOT_FREE_TEXT = {
    "username",
    "password",
    "email",
    "search_text",
    "content_type",
    "computed",
    "country",
    "language",
}
_counter = itertools.count(1)


def poison(obj: models.Model, text: str, *, skip: tuple[str, ...] = ()) -> models.Model:
    """Every free-text field of ``obj`` set to ``text`` (or the short markup when the field
    is too short for it), each value unique; saved without the services (a record entered
    some other way, or before a rule existed, reaches the pages too)."""
    for field in obj._meta.concrete_fields:
        if (
            not isinstance(field, models.CharField | models.TextField)
            or isinstance(field, models.EmailField | models.SlugField | models.URLField)
            or field.choices
            or field.name in NOT_FREE_TEXT
            or field.name in skip
        ):
            continue
        suffix = f" {next(_counter)}"
        room = (field.max_length or 10**6) - len(suffix)
        value = text if len(text) <= room else SHORT
        setattr(obj, field.name, value[:room] + suffix)
    obj.save()
    return obj


@pytest.fixture
def world(owner_agency, agency, official, sentinel):
    """One record of every kind a page shows, every text field hostile."""
    text = hostile(sentinel.port)
    head = UserFactory(agency=agency, is_agency_head=True, username="head")
    for agency_ in (owner_agency, agency):
        poison(agency_, text)
    for user in (official, head):
        poison(user, text)
    parent = poison(PartnerFactory(country="CN"), text)
    partner = PartnerFactory(country="LA", parent=parent)
    poison(partner, text)
    agreement = AgreementFactory(lead_agency=agency, partners=[partner])
    agreement.coordinating_agencies.set([owner_agency])
    poison(agreement, text)
    # A long objective: the pages and the PDF take 20,000 characters of it.
    agreement.objectives = ("Tăng cường hợp tác " * 1100)[:20_000] + SCRIPT
    agreement.save()
    output = poison(OutputFactory(agreement=agreement, responsible_agency=agency), text)
    event = agreement_services.agreement_record_event(
        agreement=agreement,
        kind="amendment",
        occurred_on=date(2026, 6, 1),
        user=official,
        decision_number="12/QĐ",
        note="x",
    )
    poison(event, text)
    for notice in LegalNotice.objects.filter(agreement=agreement):
        poison(notice, text)
    review = agreement_services.review_record(
        agreement=agreement,
        user=official,
        period=report_services.Period(2026, PeriodKind.SEMIANNUAL),
        reviewed_on=date(2026, 6, 20),
        overall="on_track",
        achievements="x",
        difficulties="x",
        proposals="x",
        scores={c.pk: 3 for c in EvaluationCriterion.objects.filter(is_active=True)},
    )
    poison(review, text)
    AgreementDocument.objects.create(
        agreement=agreement,
        title=text[:250],
        file="agreements/x.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=official,
    )
    plan = poison(PlanFactory(year=2026), text)
    item = poison(PlanItemFactory(plan=plan, lead_agency=agency), text)
    delegation = DelegationFactory(
        host_agency=agency, plan_item=item, planned_start=date(2026, 6, 10), approved=True
    )
    poison(delegation, text)
    poison(MemberFactory(delegation=delegation), text)
    conference = poison(ConferenceFactory(organiser=agency, start_on=date(2026, 5, 4)), text)
    target = poison(
        TargetFactory(code="4.1", owner_agency=agency, unit="đoàn"), text, skip=("code",)
    )
    measurement = MeasurementFactory(target=target, period_year=2026, value=Decimal(3))
    poison(measurement, text)
    task_plan = poison(TaskPlanFactory(), text)
    task = poison(TaskFactory(plan=task_plan, lead_agency=agency), text)
    poison(TaskProgressFactory(task=task), text)

    # A report: written, submitted, returned with a reason, written again, accepted.
    period = report_services.period_save(
        user=None,
        year=2026,
        kind=PeriodKind.SEMIANNUAL,
        deadline=date(2026, 6, 19),
        expected_agencies=[agency],
    )
    report = report_services.report_open(period=period, agency=agency, user=head)
    sections = {"relations": text, "delegations": text, "proposals": SCRIPT * 3}
    report_services.report_save_draft(report=report, user=head, sections=sections)
    report_services.report_submit(report=report, user=head)
    report_services.report_return(report=report, user=official, reason=text)
    report_services.report_save_draft(report=report, user=head, sections=sections)
    version = report_services.report_submit(report=report, user=head)
    report_services.report_accept(report=report, user=official, note=text)
    for comment in ReportComment.objects.all():
        poison(comment, text)
    job = report_services.consolidated_start(user=official, kind="semiannual", year=2026)
    jobs.job_run(job_id=job.pk)
    consolidated = ConsolidatedReport.objects.get()
    for section in ConsolidatedSection.objects.filter(report=consolidated):
        report_services.section_save(section=section, user=official, body=text)
    report_services.subject_save(report=consolidated, user=official, subject=text[:490])
    issued = report_services.consolidated_issue(
        report=consolidated,
        user=official,
        issued_on=date(2026, 6, 25),
        signer_authority=SHORT,
        signer_title=SHORT,
        signer_name=SHORT,
        recipients="\n".join([f"- {SCRIPT};", f"- {IMG};", "- Lưu: VT."]),
    )
    return {
        "text": text,
        "agency": agency,
        "partner": partner,
        "agreement": agreement,
        "output": output,
        "plan": plan,
        "delegation": delegation,
        "conference": conference,
        "target": target,
        "task_plan": task_plan,
        "task": task,
        "period": period,
        "report": AgencyReport.objects.get(pk=report.pk),
        "version": version,
        "consolidated": consolidated,
        "issued": issued,
        "head": head,
    }


def test_every_model_with_free_text_is_poisoned(world):
    """The world covers every model of the portal that holds free text a page shows: a new
    one needs its place here."""
    covered = {
        Agency,
        User,
        Partner,
        Agreement,
        AgreementDocument,
        LegalNotice,
        DelegationPlan,
        PlanItem,
        Delegation,
        DelegationMember,
        Conference,
        Target,
        Measurement,
        TaskPlan,
        Task,
        TaskProgress,
        ReportComment,
        ConsolidatedSection,
        IssuedReport,
    }
    for model in covered:
        assert model.objects.exists(), model


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------
def pages(world) -> dict[str, str]:
    a, d, c = world["agreement"], world["delegation"], world["conference"]
    return {
        "home": reverse("home"),
        "agencies": reverse("accounts:agency_list"),
        "agency": reverse("accounts:agency_detail", args=[world["agency"].pk]),
        "partners": reverse("partners:list"),
        "partner": reverse("partners:detail", args=[world["partner"].pk]),
        "partner edit": reverse("partners:update", args=[world["partner"].pk]),
        "agreements": reverse("agreements:list"),
        "agreement": reverse("agreements:detail", args=[a.pk]),
        "agreement edit": reverse("agreements:update", args=[a.pk]),
        "output edit": reverse("agreements:output_update", args=[a.pk, world["output"].pk]),
        "review coverage": reverse("agreements:review_coverage"),
        "alerts": reverse("agreements:alerts"),
        "search": reverse("search") + "?q=" + "Nội dung",
        "agreement history": reverse("history:object", args=["agreement", a.pk]),
        "partner history": reverse("history:object", args=["partner", world["partner"].pk]),
        "output history": reverse("history:object", args=["output", world["output"].pk]),
        "delegation history": reverse("history:object", args=["delegation", d.pk]),
        "conference history": reverse("history:object", args=["conference", c.pk]),
        "delegations": reverse("delegations:list"),
        "delegation": reverse("delegations:detail", args=[d.pk]),
        "delegation edit": reverse("delegations:update", args=[d.pk]),
        "delegation plans": reverse("delegations:plan_list"),
        "delegation plan": reverse("delegations:plan_detail", args=[world["plan"].pk]),
        "calendar": reverse("delegations:calendar") + "?year=2026&month=6",
        "plan vs actual": reverse("delegations:plan_vs_actual") + "?year=2026",
        "conferences": reverse("delegations:conference_list"),
        "conference": reverse("delegations:conference_detail", args=[c.pk]),
        "conference edit": reverse("delegations:conference_update", args=[c.pk]),
        "conference report": reverse("delegations:conference_annual_report") + "?year=2026",
        "targets": reverse("targets:overview"),
        "target": reverse("targets:detail", args=[world["target"].pk]),
        "tasks": reverse("targets:task_list"),
        "task edit": reverse("targets:task_edit", args=[world["task"].pk]),
        "task plans": reverse("targets:plan_list"),
        "task plan edit": reverse("targets:plan_edit", args=[world["task_plan"].pk]),
        "reports": reverse("reports:index"),
        "period": reverse("reports:period_detail", args=[world["period"].pk]),
        "report": reverse("reports:report_detail", args=[world["report"].pk]),
        "consolidated list": reverse("reports:consolidated_list"),
        "consolidated": reverse("reports:consolidated_detail", args=[world["consolidated"].pk]),
    }


def test_pages_escape_markup_and_never_run_template_syntax(client, world, official, sentinel):
    client.force_login(official)
    for name, url in pages(world).items():
        response = client.get(url)
        assert response.status_code == 200, f"{name} {url}: {response.status_code}"
        content = response.content.decode()
        for marker in RAW:
            assert marker not in content, f"{name}: {marker!r} is live markup"
        assert any(marker in content for marker in ESCAPED), f"{name}: no hostile text shown"
        # Printed as typed, never evaluated: no password hash, no debug dump.
        assert "md5$" not in content and "sql_queries" not in content, name
    assert not sentinel.hits


def test_template_syntax_is_printed_as_typed(client, world, official):
    client.force_login(official)
    content = client.get(reverse("agreements:detail", args=[world["agreement"].pk])).content
    assert TEMPLATE in content.decode()


def test_the_reporter_s_pages_escape_too(client, world):
    """The head of the reporting agency sees the report form, with the returned reason."""
    client.force_login(world["head"])
    for url in (
        reverse("reports:report_detail", args=[world["report"].pk]),
        reverse("home"),
        reverse("targets:task_list") + "?mine=1",
        reverse("agreements:list"),
    ):
        content = client.get(url).content.decode()
        for marker in RAW:
            assert marker not in content, (url, marker)


# ---------------------------------------------------------------------------------------------
# PDFs
# ---------------------------------------------------------------------------------------------
class FetchLog:
    """Every URL the PDF renderer asks its fetcher for, and whether it got it (the real
    fetcher answers)."""

    def __init__(self, monkeypatch) -> None:
        self.asked: list[tuple[str, bool]] = []
        original = SafeURLFetcher.fetch

        def fetch(fetcher, url, headers=None):
            try:
                response = original(fetcher, url, headers)
            except BaseException:
                self.asked.append((url, False))
                raise
            self.asked.append((url, True))
            return response

        monkeypatch.setattr(SafeURLFetcher, "fetch", fetch)

    def read_outside_static(self) -> list[str]:
        """What was actually read, other than the static folder's files and data: URIs."""
        return [
            url
            for url, got in self.asked
            if got and not url.startswith(("data:", f"file://{STATIC}/"))
        ]


def read_pdf(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(
        " ".join(unicodedata.normalize("NFC", page.extract_text()).split()) for page in reader.pages
    )
    return reader, text


def check_inert(pdf: bytes) -> str:
    """No attachment, no link, no embedded file, no script in the document; its text."""
    reader, text = read_pdf(pdf)
    assert reader.attachments == {}
    root = reader.trailer["/Root"]
    assert "/Names" not in root or "/EmbeddedFiles" not in root["/Names"]
    assert "/OpenAction" not in root and "/AA" not in root
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            uri = str(annotation.get("/A", {}).get("/URI", ""))
            assert not uri, f"a link to {uri!r}"
            assert annotation.get("/Subtype") != "/FileAttachment"
    raw = pdf.replace(b"\n", b" ")
    assert b"/JavaScript" not in raw and b"/EmbeddedFile" not in raw
    return text


def test_agreement_summary_pdf_prints_hostile_text_and_fetches_nothing(
    world, sentinel, monkeypatch
):
    log = FetchLog(monkeypatch)
    pdf = render_agreement_summary_pdf(world["agreement"])
    text = check_inert(pdf)
    assert SCRIPT in text  # printed, as typed
    assert "file:///etc/passwd" in text and "{{ request.user.password }}" in text
    assert "Tăng cường hợp tác" in text and text.count("Tăng cường hợp tác") > 1000
    assert not log.read_outside_static(), log.asked
    assert not sentinel.hits


def test_agency_report_pdf_prints_hostile_text_and_fetches_nothing(world, sentinel, monkeypatch):
    log = FetchLog(monkeypatch)
    text = check_inert(render_agency_version_pdf(world["version"]))
    assert SCRIPT in text and "<svg><image href=" in text
    assert not log.read_outside_static(), log.asked
    assert not sentinel.hits


def test_issued_report_pdf_with_a_hostile_target_chart_fetches_nothing(
    world, sentinel, monkeypatch
):
    issued = world["issued"]
    charts = [t for t in issued.snapshot["figures"].get("targets", []) if t.get("chart")]
    assert charts, "the issued report carries the target's chart"
    # The chart is SVG embedded as is: the target's hostile texts are escaped inside it.
    for chart in charts:
        assert "<script" not in chart["chart"] and "<image" not in chart["chart"]
        assert "&lt;script&gt;" in chart["chart"] or "&lt;b&gt;" in chart["chart"]
    log = FetchLog(monkeypatch)
    text = check_inert(render_issued_pdf(issued))
    assert SCRIPT in text and IMG.strip('">') in text
    assert not log.read_outside_static(), log.asked
    assert not sentinel.hits


@pytest.mark.parametrize(
    ("markup", "refused"),
    [
        ('<img src="http://127.0.0.1:{port}/x.png">', True),
        ('<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">', True),
        ("<style>@import url(http://127.0.0.1:{port}/i.css);</style>", True),
        ('<p style="background: url(http://127.0.0.1:{port}/b.png)">x</p>', True),
        ('<p style="background: url(file:///etc/passwd)">x</p>', True),
        ('<a rel="attachment" href="file:///etc/passwd">x</a>', True),
        ('<a rel="attachment" href="http://127.0.0.1:{port}/a.txt">x</a>', True),
        ('<object data="file:///etc/passwd"></object>', True),
        # WeasyPrint only logs a failed SVG <image>: render_pdf fails all the same.
        (
            '<svg width="9" height="9"><image href="file:///etc/hostname" width="9" height="9"/>'
            "</svg>",
            True,
        ),
        (
            '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22%3E'
            "%3Cimage href=%22http://127.0.0.1:{port}/s.png%22 width=%229%22 height=%229%22/%3E"
            '%3C/svg%3E">',
            True,
        ),
        # Not followed by WeasyPrint at all: nothing asked, nothing read.
        ('<iframe src="file:///etc/passwd"></iframe>', False),
        ('<svg width="9" height="9"><use href="file:///etc/x.svg#a"/></svg>', False),
    ],
)
def test_the_renderer_itself_reads_nothing_outside_static(sentinel, monkeypatch, markup, refused):
    """Second line of defence, for markup a template (never user text: that is escaped)
    might carry: nothing outside static/ is read, and a refused reference fails the render
    instead of leaving a hole in the document."""
    log = FetchLog(monkeypatch)
    html = f"<!doctype html><p>Xin chào</p>{markup.format(port=sentinel.port)}"
    if refused:
        with pytest.raises(ForbiddenResourceError):
            render_pdf(html)
    else:
        check_inert(render_pdf(html))
    assert not log.read_outside_static(), log.asked
    assert not sentinel.hits


# ---------------------------------------------------------------------------------------------
# Invisible characters
# ---------------------------------------------------------------------------------------------
BIDI = "\u202e"  # right-to-left override: "gpj.exe" shows as "exe.jpg"


def test_bidi_overrides_and_zero_width_characters_are_dropped_on_save(client, official, agency):
    client.force_login(official)
    name = f"Tỉnh{BIDI} Xiêng\u200b Khoảng\u2066\u2069\ufeff"
    response = client.post(
        reverse("partners:create"),
        {
            "name_vi": name,
            "name_native": "Xiang\u200bkhouang",
            "kind": "province_state",
            "country": "LA",
            "relation_status": "new",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    partner = Partner.objects.get()
    assert partner.name_vi == "Tỉnh Xiêng Khoảng"
    assert partner.name_native == "Xiangkhouang"
    page = client.get(partner.get_absolute_url()).content.decode()
    assert BIDI not in page and "\u200b" not in page
    # The zero-width joiner of an emoji sequence stays.
    family = "👨\u200d👩\u200d👧"
    agreement = AgreementFactory(lead_agency=agency)
    agreement_services.agreement_update(
        agreement=agreement, user=official, data={"title_vi": f"Giao lưu {family}{BIDI}"}
    )
    agreement.refresh_from_db()
    assert agreement.title_vi == f"Giao lưu {family}"
