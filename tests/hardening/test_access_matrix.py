"""The authorization matrix: every URL pattern of config/urls.py, every role, GET and POST,
checked against the rules table of tests/hardening/access_rules.py.

The cases are generated from the URL configuration, so a new view without a rule fails here.
Each case builds a real URL from real objects (an agreement of the reporter's agency, an
internal agreement of another agency, its outputs, files, notices, dossiers, delegations,
conferences, targets, tasks, periods, agency reports of both agencies, consolidated and issued
reports, report jobs, history entries) and sends the request as one role:

- anonymous: a redirect to the login page, whatever the URL;
- allowed: anything but 403/404/405, a redirect to the login page or a server error (a POST
  has an empty body: the form comes back with its errors, or the action explains why not);
- refused: the exact code of the rule (404 outside the user's scope, 403 for a reader, 405
  for a method the view does not take).

Every page and file a role may read is also searched for the text of records scoped to an
agency that the role may not see (MARKERS): an internal agreement of another agency, its
outputs, reviews and files, another agency's report. Excel exports are read cell by cell.

The objects are made once for the module inside a transaction that is rolled back at the
end (as Django's ``TestCase.setUpTestData`` does); each case runs in a savepoint of its own.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from agreements.models import AgreementDocument, DossierJob, LegalNotice, Review
from reports import jobs
from reports import services as report_services
from reports.models import ReportJob
from reports.periods import PeriodKind
from targets.models import Target
from tests.delegations.factories import (
    ConferenceFactory,
    DelegationFactory,
    PlanFactory,
    PlanItemFactory,
)
from tests.factories import (
    AgencyFactory,
    AgreementFactory,
    OutputFactory,
    PartnerFactory,
    UserFactory,
)
from tests.targets.factories import (
    MeasurementFactory,
    TargetFactory,
    TaskFactory,
    TaskPlanFactory,
)

from .access_rules import (
    EXEMPT,
    EXEMPT_PREFIXES,
    MARKERS,
    OK,
    ROLES,
    RULES,
    Outcome,
    Variant,
)

LOGIN = reverse("login")
ANONYMOUS = "anonymous"
METHODS = ("GET", "POST")
# URL x role x method cases the matrix must reach: a table that loses rows fails.
CASE_FLOOR = 2000
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------------------------
# The URL configuration
# ---------------------------------------------------------------------------------------------
def url_names(resolver=None, namespace: str = "") -> Iterator[tuple[str, str]]:
    """(``namespace:name``, route) of every named URL pattern, in the order of the URLconf."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            for name, route in url_names(entry, inner):
                yield name, str(entry.pattern) + route
        elif isinstance(entry, URLPattern):
            # An unnamed pattern cannot be reversed nor given a rule: the test asks for a name.
            own = entry.name or f"(unnamed pattern {entry.pattern}: give it a name)"
            name = f"{namespace}:{own}" if namespace else own
            yield name, str(entry.pattern)


def covered_names() -> list[str]:
    """Every URL name the matrix must have a rule for (once each, URLconf order)."""
    names: dict[str, None] = {}
    for name, _route in url_names():
        if name in EXEMPT or name.startswith(EXEMPT_PREFIXES):
            continue
        names[name] = None
    return list(names)


@dataclass(frozen=True)
class Case:
    name: str
    variant: Variant | None  # None: the URL name has no rule
    role: str
    method: str

    @property
    def id(self) -> str:
        label = f"[{self.variant.label}]" if self.variant and self.variant.label else ""
        return f"{self.name}{label}-{self.role}-{self.method}"

    def expected(self) -> Outcome:
        if self.role == ANONYMOUS:
            return "login"
        rule = self.variant.get if self.method == "GET" else self.variant.post
        return rule[self.role]


def generate_cases() -> list[Case]:
    cases = []
    for name in covered_names():
        variants = RULES.get(name)
        if not variants:
            cases.append(Case(name, None, "-", "-"))
            continue
        for variant in variants:
            for role in (*ROLES.values(), ANONYMOUS):
                for method in METHODS:
                    cases.append(Case(name, variant, role, method))
    return cases


CASES = generate_cases()


def missing_rule_message(names) -> str:
    return (
        f"No access rule for URL name(s) {', '.join(sorted(names))}. Add an entry to RULES in "
        "tests/hardening/access_rules.py saying which roles may read it (GET) and write to it "
        "(POST), on which objects (e.g. the reporter's own agency's record vs another agency's)."
    )


# ---------------------------------------------------------------------------------------------
# The objects, made once for the module
# ---------------------------------------------------------------------------------------------
def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tom-tat.txt", "Hồ sơ thỏa thuận")
    return buffer.getvalue()


def _latest_history_id(obj) -> int:
    return obj.history.order_by("-history_date", "-history_id").first().history_id


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    owner = AgencyFactory(owner=True)
    w.agency = AgencyFactory(name="Sở Văn hóa, Thể thao và Du lịch", short_name="SVHTTDL")
    w.other_agency = AgencyFactory(name="Sở Công Thương", short_name="SCT")
    third = AgencyFactory(name="Công an tỉnh", short_name="CAT")
    w.users = {
        "official": UserFactory(official=True, agency=owner, username="mx_official"),
        "reporter": UserFactory(agency=w.agency, is_agency_head=True, username="mx_reporter"),
        "other_reporter": UserFactory(
            agency=w.other_agency, is_agency_head=True, username="mx_other"
        ),
        "leader": UserFactory(
            leader=True,
            username="mx_leader",
            agency=AgencyFactory(name="Ủy ban nhân dân tỉnh", short_name="UBND"),
        ),
        "administrator": UserFactory(administrator=True, agency=owner, username="mx_admin"),
    }
    official, reporter = w.users["official"], w.users["reporter"]

    # Partners and agreements: one partner linked to every agreement, so that its page, the
    # lists and the search meet all of them.
    w.partner = PartnerFactory(name_vi="Tỉnh Xiêng Khoảng")

    def agreement(marker: str, lead, **kwargs):
        return AgreementFactory(
            title_vi=f"{marker} Bản ghi nhớ hợp tác",
            number=f"{marker}/BGN",
            lead_agency=lead,
            partners=[w.partner],
            end_on=date(2045, 3, 15),  # in force whatever the date the suite runs
            **kwargs,
        )

    w.agr = {
        "own": agreement("ZQMARK-OWN-AGR", w.agency, internal=True),
        "other": agreement("ZQMARK-OTHER-AGR", w.other_agency, internal=True),
        "third": agreement("ZQMARK-THIRD-AGR", third, internal=True),
        "coord": agreement("ZQMARK-COORD-AGR", third, internal=True),
        "public": agreement("ZQMARK-PUBLIC-AGR", third),
    }
    w.agr["coord"].coordinating_agencies.set([w.agency])

    def output(marker: str, key: str, responsible):
        return OutputFactory(
            agreement=w.agr[key], description=f"{marker} Sản phẩm", responsible_agency=responsible
        )

    w.out = {
        "own": output("ZQMARK-OWN-OUT", "own", w.agency),
        "other": output("ZQMARK-OTHER-OUT", "other", w.other_agency),
        "third": output("ZQMARK-THIRD-OUT", "third", third),
        "public": output("ZQMARK-PUBLIC-OUT", "public", w.agency),
        # The other agency's internal agreement, an output assigned to the reporter's agency.
        "assigned": output("ZQMARK-ASSIGNED-OUT", "other", w.agency),
    }
    for key, marker in (("own", "ZQMARK-OWN-REV"), ("other", "ZQMARK-OTHER-REV")):
        Review.objects.create(
            agreement=w.agr[key],
            period_year=2024,
            period_kind=PeriodKind.ANNUAL,
            reviewed_on=date(2024, 12, 20),
            reviewer=official,
            agency=w.agr[key].lead_agency,
            overall=Review.Overall.ON_TRACK,
            achievements=f"{marker} Đã tổ chức đoàn",
        )
    w.notice = {}
    w.doc = {}
    for key in ("own", "other", "third", "public"):
        w.notice[key] = LegalNotice.objects.create(
            agreement=w.agr[key],
            kind=LegalNotice.Kind.SIGNING_REPORT,
            due_on=date(2024, 3, 16),
        )
        doc = AgreementDocument(
            agreement=w.agr[key],
            title=f"ZQMARK-{key.upper()}-DOC Văn bản ký",
            content_type="application/pdf",
            size=len(PDF),
            uploaded_by=official,
        )
        doc.file.save(f"{key}.pdf", ContentFile(PDF), save=True)
        w.doc[key] = doc

    # Dossiers: each role's own (done) job on the reporter's agency's agreement, and one of
    # the reporter's on the public agreement.
    def dossier(agreement, user):
        job = DossierJob.objects.create(
            agreement=agreement, requested_by=user, status=DossierJob.Status.DONE, progress=100
        )
        job.file.save(f"dossier-{job.pk}.zip", ContentFile(_zip()), save=True)
        return job

    w.dossier = {role: dossier(w.agr["own"], user) for role, user in w.users.items()}
    w.dossier["reporter_public"] = dossier(w.agr["public"], reporter)

    # Delegations, plans and conferences.
    w.deleg = {
        "proposed": DelegationFactory(host_agency=w.agency),
        "approved": DelegationFactory(host_agency=w.agency, approved=True),
        "signed": DelegationFactory(host_agency=w.other_agency, done=True),
    }
    w.deleg["proposed"].partners.set([w.partner])
    w.deleg["signed"].agreements_signed.set([w.agr["own"], w.agr["other"], w.agr["third"]])
    w.deleg_plan = PlanFactory(year=2024)
    w.plan_item = PlanItemFactory(plan=w.deleg_plan, lead_agency=w.agency)
    w.conf = {
        "proposed": ConferenceFactory(organiser=w.agency),
        "approved": ConferenceFactory(
            organiser=w.agency,
            state="approved",
            decision_number="45/QĐ-UBND",
            decision_date=date(2026, 5, 1),
        ),
    }

    # Targets, measurements, plans and tasks.
    w.target = {
        "entered": TargetFactory(code="99.1", owner_agency=w.agency),
        "computed": TargetFactory(
            code="99.2",
            owner_agency=w.other_agency,
            source=Target.Source.COMPUTED,
            computed=Target.Computed.REVIEW_SHARE,
            kind=Target.Kind.PERCENTAGE,
            unit="%",
            target_min=100,
        ),
    }
    w.measurement = MeasurementFactory(target=w.target["entered"])
    w.measurement.evidence_file.save("evidence.pdf", ContentFile(PDF), save=True)
    w.task_plan = TaskPlanFactory()
    w.task = {
        "own": TaskFactory(plan=w.task_plan, lead_agency=w.agency),
        "other": TaskFactory(plan=w.task_plan, lead_agency=w.other_agency),
    }

    # Reporting periods and agency reports of both agencies.
    w.period = {
        "current": report_services.period_save(
            user=None,
            year=2026,
            kind=PeriodKind.SEMIANNUAL,
            deadline=date(2026, 6, 19),
            expected_agencies=[w.agency, w.other_agency],
        ),
        "past": report_services.period_save(
            user=None,
            year=2025,
            kind=PeriodKind.ANNUAL,
            deadline=date(2025, 12, 19),
            expected_agencies=[w.agency],
        ),
    }

    def agency_report(period, user, marker: str):
        report = report_services.report_open(period=period, agency=user.agency, user=user)
        return report_services.report_save_draft(
            report=report, user=user, sections={"relations": f"{marker} Quan hệ đối ngoại"}
        )

    w.report = {
        "own": agency_report(w.period["current"], reporter, "ZQMARK-OWN-RPT"),
        "other": agency_report(w.period["current"], w.users["other_reporter"], "ZQMARK-OTHER-RPT"),
        "past": agency_report(w.period["past"], reporter, "ZQMARK-PAST-RPT"),
    }
    w.version = {
        "other": report_services.report_submit(
            report=w.report["other"], user=w.users["other_reporter"]
        ),
        "past": report_services.report_submit(report=w.report["past"], user=reporter),
    }
    report_services.report_accept(report=w.report["past"], user=official)
    for version in w.version.values():
        version.pdf.save(f"v{version.pk}.pdf", ContentFile(PDF), save=True)
    for key in w.report:
        w.report[key].refresh_from_db()

    # The consolidated report: its draft gathered in this process, one issued version.
    gather = report_services.consolidated_start(
        user=official, kind=PeriodKind.SEMIANNUAL, year=2026
    )
    jobs.job_run(job_id=gather.pk)
    gather.refresh_from_db()
    assert gather.status == ReportJob.Status.DONE, gather.error
    w.consolidated = gather.consolidated
    w.section_key = w.consolidated.sections.order_by("order").first().key
    w.issued = report_services.consolidated_issue(
        report=w.consolidated,
        user=official,
        issued_on=timezone.localdate(),
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn A",
        recipients="UBND tỉnh",
    )
    w.issued.pdf.save("issued.pdf", ContentFile(PDF), save=True)
    w.job = {
        "agency": ReportJob.objects.get(agency_version=w.version["other"]),
        "gather": gather,
        "issue": w.issued.jobs.get(),
    }

    # History entries: [slug, pk, history_id of the latest version].
    w.history = {
        label: [slug, obj.pk, _latest_history_id(obj)]
        for label, slug, obj in (
            ("partner", "partner", w.partner),
            ("agreement-own", "agreement", w.agr["own"]),
            ("agreement-other", "agreement", w.agr["other"]),
            ("agreement-third", "agreement", w.agr["third"]),
            ("output-own", "output", w.out["own"]),
            ("output-other", "output", w.out["other"]),
            ("delegation-proposed", "delegation", w.deleg["proposed"]),
            ("delegation-signed", "delegation", w.deleg["signed"]),
            ("conference-proposed", "conference", w.conf["proposed"]),
        )
    }

    # One session per role, reused by every case (each case's changes are rolled back).
    w.sessions = {}
    for role, user in w.users.items():
        client = Client()
        client.force_login(user)
        w.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[SimpleNamespace]:
    """The objects of every case, in a transaction rolled back after the module: nothing is
    committed, so other tests (and other xdist workers' databases) never see them."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


# ---------------------------------------------------------------------------------------------
# Requests and responses
# ---------------------------------------------------------------------------------------------
def client_for(world, role: str) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def body_text(response) -> str | None:
    """What a reader of the response sees: the page, or the cells of an Excel file; None for
    binary files (PDF, zip, images)."""
    content_type = response.get("Content-Type", "")
    # Consuming streamed content closes the response as a WSGI server would. Never call
    # response.close() here: its request_finished signal would close the database
    # connection, and with it the module's transaction.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith(XLSX):
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        cells = [
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        workbook.close()
        return "\n".join(cells)
    if content_type.startswith(("text/", "application/json")):
        return content.decode()
    return None


def hidden_markers(role: str) -> list[str]:
    letter = next(k for k, v in ROLES.items() if v == role)
    return [marker for marker, sees in MARKERS.items() if letter not in sees]


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def describe(response) -> str:
    location = f" → {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{location}"


def check(case: Case, world) -> list[str]:
    """The case's failures (empty when it passes)."""
    variant = case.variant
    # Role-dependent objects (each role's own dossier job): the official's for a visitor.
    args = variant.args(world, "official" if case.role == ANONYMOUS else case.role)
    path = reverse(case.name, args=args)
    client = client_for(world, case.role)
    # A POST has an empty body: enough to tell an allowed write from a refused one.
    response = client.get(path + variant.query) if case.method == "GET" else client.post(path, {})
    expected = case.expected()
    where = f"{case.method} {path} as {case.role}"
    got = describe(response)
    if expected == "login":
        if not is_login_redirect(response):
            return [f"{where}: expected a redirect to the login page, got {got}"]
        return []
    if expected != OK:
        if response.status_code != expected:
            return [f"{where}: expected {expected}, got {got}"]
        return []
    if response.status_code >= 500 or response.status_code in (403, 404, 405):
        return [f"{where}: allowed by the rules, got {got}"]
    if is_login_redirect(response):
        return [f"{where}: allowed by the rules, sent to the login page"]
    if response.status_code == 200:  # a page, a file, or a form shown again with its errors
        text = body_text(response)
        if text is not None:
            leaked = [marker for marker in hidden_markers(case.role) if marker in text]
            if leaked:
                return [f"{where}: shows records outside the user's scope: {', '.join(leaked)}"]
    return []


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------
def test_every_url_name_has_a_rule():
    names = covered_names()
    missing = [name for name in names if name not in RULES]
    assert not missing, missing_rule_message(missing)
    stale = sorted(set(RULES) - set(names))
    assert not stale, f"Rules for URL names that no longer exist: {stale}; remove them."
    assert len(names) >= 90


def test_the_matrix_is_large_enough():
    print(f"\naccess matrix: {len(CASES)} URL x role x method cases")
    assert len(CASES) >= CASE_FLOOR, len(CASES)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_access(case: Case, world):
    if case.variant is None:
        pytest.fail(missing_rule_message([case.name]))
    failures = check(case, world)
    assert not failures, "\n".join(failures)


# Lists, search results, exports and pages that gather records, with the scoped records they
# are meant to show: each role must find there exactly those it may see.
AGREEMENTS = ["ZQMARK-OWN-AGR", "ZQMARK-OTHER-AGR", "ZQMARK-THIRD-AGR", "ZQMARK-COORD-AGR"]
OUTPUTS = ["ZQMARK-OWN-OUT", "ZQMARK-OTHER-OUT", "ZQMARK-THIRD-OUT", "ZQMARK-ASSIGNED-OUT"]
LIST_PAGES = [
    ("agreements:list", lambda w: [], "", AGREEMENTS),
    ("search", lambda w: [], "?q=zqmark", AGREEMENTS),
    ("agreements:review_coverage", lambda w: [], "", AGREEMENTS),
    ("agreements:excel_export", lambda w: ["agreements"], "", AGREEMENTS),
    ("agreements:excel_export", lambda w: ["outputs"], "", OUTPUTS),
    ("partners:detail", lambda w: [w.partner.pk], "", AGREEMENTS),
    # Overdue legal notices: a reporter is alerted about the agreements the agency leads.
    ("agreements:alerts", lambda w: [], "?kind=notice_overdue", AGREEMENTS[:3]),
    # The computed target "agreements reviewed this period" lists the ones not reviewed.
    ("targets:detail", lambda w: [w.target["computed"].pk], "", AGREEMENTS),
    ("agreements:detail", lambda w: [w.agr["own"].pk], "", ["ZQMARK-OWN-REV", "ZQMARK-OWN-DOC"]),
    (
        "agreements:detail",
        lambda w: [w.agr["other"].pk],
        "",
        ["ZQMARK-OTHER-REV", "ZQMARK-OTHER-DOC", "ZQMARK-ASSIGNED-OUT"],
    ),
    # The agreements signed during a delegation, on its page and in its history.
    ("delegations:detail", lambda w: [w.deleg["signed"].pk], "", AGREEMENTS[:3]),
    ("history:object", lambda w: w.history["delegation-signed"][:2], "", AGREEMENTS[:3]),
    ("reports:report_detail", lambda w: [w.report["own"].pk], "", ["ZQMARK-OWN-RPT"]),
    ("reports:report_detail", lambda w: [w.report["other"].pk], "", ["ZQMARK-OTHER-RPT"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "args", "query", "markers"),
    LIST_PAGES,
    ids=[f"{name}-{i}" for i, (name, *_rest) in enumerate(LIST_PAGES)],
)
def test_lists_show_exactly_the_records_in_scope(world, name, args, query, markers):
    """Each role finds every record the page is meant to show and the role may see, and
    none it may not (the matrix checks the absence everywhere; this checks the presence, so
    that an empty page cannot pass)."""
    path = reverse(name, args=args(world)) + query
    for role in ROLES.values():
        response = client_for(world, role).get(path)
        if response.status_code == 404:  # the whole record is outside the role's scope
            assert not set(markers) - set(hidden_markers(role)), (role, path)
            continue
        assert response.status_code == 200, (role, path, response.status_code)
        text = body_text(response)
        shown = {m for m in markers if m in text}
        expected = set(markers) - set(hidden_markers(role))
        assert shown == expected, (
            f"{path} as {role}: shows {sorted(shown)}, should show {sorted(expected)}"
        )


@pytest.mark.django_db
def test_reporter_home_lists_only_outputs_on_agreements_in_scope(world):
    """The reporter's home lists the open outputs assigned to the agency; one on another
    agency's internal agreement is not shown (its title and link would leak the agreement,
    and the progress page answers 404)."""
    response = client_for(world, "reporter").get(reverse("home"))
    text = response.content.decode()
    assert "ZQMARK-OWN-OUT" in text
    assert "ZQMARK-PUBLIC-OUT" in text
    assert "ZQMARK-ASSIGNED-OUT" not in text
    assert "ZQMARK-OTHER-AGR" not in text
