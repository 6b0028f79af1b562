"""Every domain model of the project keeps a change history that names who made the change.

The test walks all models of the project's apps: each one has django-simple-history
registered (with every many-to-many field tracked too), or sits on a short allowlist with the
reason. Then, for every tracked model, a scenario makes a change the way a user does, through
the page and the service behind it (the form is read back from the rendered page and
submitted, as a browser would), and checks that the history rows written for that model name
the acting user. A new model that is neither tracked nor allowlisted, or a tracked model
without a scenario, fails here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalChanges
from simple_history.utils import get_m2m_reverse_field_name

from accounts.models import User
from agreements.models import (
    AgreementEvent,
    EvaluationCriterion,
    FieldOfCooperation,
    LegalNotice,
)
from reports import services as report_services
from reports.models import AgencyReport, ConsolidatedReport, ConsolidatedSection
from tests.delegations.factories import (
    ConferenceFactory,
    DelegationFactory,
    MemberFactory,
    PlanFactory,
    PlanItemFactory,
)
from tests.factories import AgreementFactory, OutputFactory, PartnerFactory, UserFactory
from tests.targets.factories import TargetFactory, TaskFactory, TaskPlanFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("accounts", "partners", "agreements", "delegations", "targets", "reports")

# Models deliberately without history: machine bookkeeping, not records anyone edits.
NOT_TRACKED = {
    "accounts.DigestLog": "a log line per user and day that the digest job wrote (at most one "
    "digest a day); nobody edits it and it holds no decision",
    "agreements.DossierJob": "a background job row (queued, running, done, failed) for a "
    "dossier download; the dossier is rebuilt from the agreement's own history",
    "reports.ReportJob": "a background job row for a PDF or a draft; what it produces (the "
    "version's or issued report's PDF, the draft's sections) is tracked on those models",
}
# Many-to-many fields of tracked models deliberately without history.
M2M_NOT_TRACKED = {
    "accounts.User.groups": "Django's auth groups are unused: access follows role and agency, "
    "which are tracked fields of the user",
    "accounts.User.user_permissions": "Django's per-user permissions are unused, as above",
}
# Tracked models that no user changes: the history records the seed and the system only.
NO_USER_WRITES = {
    "targets.Target": "the 2030 targets are the resolution's catalogue, loaded by load_demo "
    "(seed 000, section III.2); no page, admin or import changes them — agencies enter "
    "Measurements",
}


def project_models() -> list[type[models.Model]]:
    return [
        model
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not issubclass(model, HistoricalChanges)
    ]


def is_tracked(model: type[models.Model]) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def history_model(model: type[models.Model]) -> type[models.Model]:
    return getattr(model, model._meta.simple_history_manager_attribute).model


def test_every_domain_model_has_history_or_a_reason_not_to():
    missing = [
        model._meta.label
        for model in project_models()
        if not is_tracked(model) and model._meta.label not in NOT_TRACKED
    ]
    assert missing == [], f"add HistoricalRecords() or a reason in NOT_TRACKED: {missing}"
    stale = [label for label in NOT_TRACKED if is_tracked(apps.get_model(label))]
    assert stale == [], f"tracked now, remove from NOT_TRACKED: {stale}"


def test_every_many_to_many_field_of_a_tracked_model_has_history():
    missing = []
    for model in filter(is_tracked, project_models()):
        history = history_model(model)
        tracked = {field.name for field in getattr(history, "_history_m2m_fields", [])}
        for field in model._meta.many_to_many:
            label = f"{model._meta.label}.{field.name}"
            if field.name not in tracked and label not in M2M_NOT_TRACKED:
                missing.append(label)
    assert missing == [], f"add to HistoricalRecords(m2m_fields=…) or M2M_NOT_TRACKED: {missing}"


# ---------------------------------------------------------------------------
# Submitting a page's form as a browser would
# ---------------------------------------------------------------------------
@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]]


class _FormParser(HTMLParser):
    """The POST forms of a page with the values a browser would send without any change."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_multiple = False
        self._options: list[tuple[str, bool]] = []
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = Form(urljoin(self.page_url, a.get("action") or self.page_url), [])
        if self._form is None or ("name" not in a and tag not in ("option",)):
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "file", "image"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((a["name"], a.get("value") or "on"))
                return
            self._form.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select, self._select_multiple, self._options = a["name"], "multiple" in a, []
        elif tag == "option" and self._select is not None:
            self._option_value, self._option_selected = a.get("value"), "selected" in a
            self._option_text = ""
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data
        elif self._option_value is None and self._select is not None:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else self._option_text
            self._options.append((value.strip(), self._option_selected))
            self._option_value = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not self._select_multiple and self._options:
                chosen = [self._options[0][0]]
            self._form.fields.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def page_form(client: Client, page: str, action: str | None = None) -> Form:
    """The POST form of ``page`` that posts to ``action`` (default: the page itself)."""
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    parser = _FormParser("http://testserver" + page)
    parser.feed(response.content.decode())
    target = "http://testserver" + (action or page)
    forms = [form for form in parser.forms if form.action.split("#")[0] == target]
    assert forms, f"no POST form to {target} on {page}"
    return forms[0]


def submit(
    client: Client,
    page: str,
    changes: dict,
    *,
    action: str | None = None,
    files: dict | None = None,
):
    """GET ``page``, take its form posting to ``action`` (default: the page), apply
    ``changes`` (a value, a list for multiple values, None to leave a field out) and POST."""
    form = page_form(client, page, action)
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    response = client.post(action or page, {**data, **(files or {})})
    assert response.status_code == 302, _errors(response)
    return response


def _errors(response) -> str:
    text = response.content.decode(errors="replace")
    for marker in ("invalid-feedback", "errorlist", "alert-danger"):
        if marker in text:
            start = text.index(marker)
            return f"{response.status_code}: …{text[start - 200 : start + 400]}…"
    return f"{response.status_code}: {text[:500]}"


def recorded_set(instance: models.Model, field_name: str) -> set[int]:
    """The many-to-many set that the instance's latest history row recorded."""
    record = instance.history.order_by("-history_id").first()
    field = instance._meta.get_field(field_name)
    target = f"{get_m2m_reverse_field_name(field)}_id"
    return set(getattr(record, field_name).values_list(target, flat=True))


def ddmmyyyy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


# ---------------------------------------------------------------------------
# One change per tracked model, made the way its users make it
# ---------------------------------------------------------------------------
class World:
    """The conftest users, for the scenarios."""

    def __init__(self, request) -> None:
        for name in ("official", "reporter", "administrator", "agency"):
            setattr(self, name, request.getfixturevalue(name))
        self.owner_agency = self.official.agency
        self.marks: dict[str, int] = {}

    def submit(self, client: Client, page: str, changes: dict, **kwargs):
        """``submit``, noting the newest history row of every model just before the POST:
        the rows after it are the change's (the scenario's set-up writes rows too)."""
        self.marks = {}
        for model in filter(is_tracked, project_models()):
            history = history_model(model)
            newest = history.objects.order_by("-history_id").first()
            self.marks[model._meta.label] = newest.history_id if newest else 0
        return submit(client, page, changes, **kwargs)


Scenario = Callable[[Client, World], User]
SCENARIOS: dict[str, Scenario] = {}


def scenario(*labels: str):
    def register(function: Scenario) -> Scenario:
        for label in labels:
            SCENARIOS[label] = function
        return function

    return register


def login(client: Client, user: User) -> User:
    client.force_login(user)
    return user


@scenario("accounts.Agency")
def _edit_agency_in_admin(client, w):
    user = login(client, w.administrator)
    page = reverse("admin:accounts_agency_change", args=[w.agency.pk])
    w.submit(client, page, {"phone": "0207 3822 123", "_save": "Save"})
    return user


@scenario("accounts.User")
def _edit_user_in_admin(client, w):
    user = login(client, w.administrator)
    page = reverse("admin:accounts_user_change", args=[w.reporter.pk])
    w.submit(client, page, {"job_title": "Phó Giám đốc", "_save": "Save"})
    return user


@scenario("partners.Partner")
def _edit_partner(client, w):
    user = login(client, w.official)
    partner = PartnerFactory(country="CN")
    w.submit(
        client, reverse("partners:update", args=[partner.pk]), {"notes": "Đối tác truyền thống"}
    )
    return user


@scenario("agreements.FieldOfCooperation", "agreements.EvaluationCriterion")
def _edit_reference_lists(client, w):
    user = login(client, w.official)
    FieldOfCooperation.objects.get_or_create(name="Giáo dục")
    EvaluationCriterion.objects.get_or_create(name="Mức độ hoàn thành")
    page = reverse("agreements:reference_lists")
    fields = dict(page_form(client, page).fields)
    w.submit(
        client,
        page,
        {
            "fields-0-name_en": fields["fields-0-name_en"] + " (edited)",
            "criteria-0-description": "Sửa mô tả",
        },
    )
    return user


@scenario("agreements.Agreement")
def _edit_agreement(client, w):
    user = login(client, w.official)
    agreement = AgreementFactory(lead_agency=w.agency)
    field = FieldOfCooperation.objects.get_or_create(name="Văn hóa")[0]
    w.submit(
        client,
        reverse("agreements:update", args=[agreement.pk]),
        {"title_en": "Tourism MOU", "fields": [field.pk]},
    )
    assert recorded_set(agreement, "fields") == {field.pk}
    return user


@scenario("agreements.AgreementEvent")
def _record_an_extension(client, w):
    user = login(client, w.official)
    agreement = AgreementFactory(lead_agency=w.agency)
    w.submit(
        client,
        reverse("agreements:event_create", args=[agreement.pk, "extension"]),
        {
            "occurred_on": ddmmyyyy(timezone.localdate()),
            "new_end_on": ddmmyyyy(agreement.end_on.replace(year=agreement.end_on.year + 3)),
            "decision_number": "12/QĐ-UBND",
        },
    )
    return user


@scenario("agreements.LegalNotice")
def _mark_a_notice_sent(client, w):
    user = login(client, w.official)
    agreement = AgreementFactory(lead_agency=w.agency)
    event = AgreementEvent.objects.create(
        agreement=agreement, kind="amendment", occurred_on=timezone.localdate()
    )
    notice = LegalNotice.objects.create(
        agreement=agreement,
        event=event,
        kind=LegalNotice.Kind.CHANGE_NOTICE,
        due_on=timezone.localdate() + datetime.timedelta(days=15),
    )
    w.submit(
        client,
        agreement.get_absolute_url(),
        {"done_on": ddmmyyyy(timezone.localdate()), "reference": "45/BC-SVHTTDL"},
        action=reverse("agreements:notice_done", args=[agreement.pk, notice.pk]),
    )
    return user


@scenario("agreements.Output")
def _report_output_progress(client, w):
    user = login(client, w.reporter)
    output = OutputFactory(agreement=AgreementFactory(lead_agency=w.agency))
    w.submit(
        client,
        reverse("agreements:output_progress", args=[output.agreement_id, output.pk]),
        {"current_value": "3", "status": "in_progress", "progress_note": "Đã tổ chức 3 lớp"},
    )
    return user


@scenario("agreements.Review", "agreements.ReviewScore", "agreements.ReviewOutputValue")
def _record_a_review(client, w):
    user = login(client, w.official)
    EvaluationCriterion.objects.get_or_create(name="Mức độ hoàn thành")
    output = OutputFactory(agreement=AgreementFactory(lead_agency=w.agency), current_value=2)
    page = reverse("agreements:review_create", args=[output.agreement_id])
    scores = {name: "4" for name, _value in page_form(client, page).fields if "score" in name}
    assert scores, "the review form has a score per criterion"
    w.submit(
        client,
        page,
        {
            "reviewed_on": ddmmyyyy(timezone.localdate()),
            "overall": "on_track",
            "achievements": "Đã trao đổi 2 đoàn",
            **scores,
        },
    )
    return user


@scenario("agreements.AgreementDocument")
def _upload_a_signed_text(client, w):
    user = login(client, w.official)
    agreement = AgreementFactory(lead_agency=w.agency)
    pdf = SimpleUploadedFile("signed.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")
    w.submit(
        client,
        reverse("agreements:document_upload", args=[agreement.pk]),
        {"title": "Bản ký"},
        files={"file": pdf},
    )
    return user


@scenario("delegations.DelegationPlan")
def _create_a_plan(client, w):
    user = login(client, w.official)
    w.submit(
        client,
        reverse("delegations:plan_create"),
        {"year": "2027", "direction": "outbound", "title": "Kế hoạch đoàn ra năm 2027"},
    )
    return user


@scenario("delegations.PlanItem")
def _edit_a_plan_item(client, w):
    user = login(client, w.official)
    item = PlanItemFactory(lead_agency=w.agency, plan=PlanFactory(year=2026))
    field = FieldOfCooperation.objects.get_or_create(name="Đầu tư")[0]
    w.submit(
        client,
        reverse("delegations:plan_item_update", args=[item.plan_id, item.pk]),
        {"expected_size": "7", "fields": [field.pk]},
    )
    assert recorded_set(item, "fields") == {field.pk}
    return user


@scenario("delegations.Delegation", "delegations.DelegationMember")
def _edit_a_delegation(client, w):
    user = login(client, w.reporter)
    delegation = DelegationFactory(host_agency=w.agency)
    MemberFactory(delegation=delegation)
    field = FieldOfCooperation.objects.get_or_create(name="Du lịch")[0]
    w.submit(
        client,
        reverse("delegations:update", args=[delegation.pk]),
        {"size": "3", "fields": [field.pk], "members-0-title": "Trưởng phòng"},
    )
    assert recorded_set(delegation, "fields") == {field.pk}
    return user


@scenario("delegations.Conference")
def _edit_a_conference(client, w):
    user = login(client, w.official)
    conference = ConferenceFactory(organiser=w.agency)
    w.submit(
        client,
        reverse("delegations:conference_update", args=[conference.pk]),
        {"place": "Hà Giang"},
    )
    return user


@scenario("targets.Measurement")
def _enter_a_measurement(client, w):
    user = login(client, w.reporter)
    target = TargetFactory(owner_agency=w.agency)
    w.submit(
        client,
        reverse("targets:measurement_enter", args=[target.pk]),
        {"value": "4", "evidence": "Báo cáo số 15/BC-SVHTTDL"},
    )
    return user


@scenario("targets.TaskPlan")
def _edit_a_task_plan(client, w):
    user = login(client, w.official)
    plan = TaskPlanFactory()
    w.submit(client, reverse("targets:plan_edit", args=[plan.pk]), {"issuer": "UBND tỉnh TQ"})
    return user


@scenario("targets.Task")
def _edit_a_task(client, w):
    user = login(client, w.official)
    task = TaskFactory(lead_agency=w.agency)
    w.submit(
        client,
        reverse("targets:task_edit", args=[task.pk]),
        {"deadline_text": "Trong tháng 4/2026", "coordinating_agencies": [w.owner_agency.pk]},
    )
    assert recorded_set(task, "coordinating_agencies") == {w.owner_agency.pk}
    return user


@scenario("targets.TaskProgress")
def _report_task_progress(client, w):
    user = login(client, w.reporter)
    task = TaskFactory(lead_agency=w.agency)
    w.submit(
        client,
        reverse("targets:task_progress", args=[task.pk]),
        {
            "state": "in_progress",
            "note": "Đã ban hành kế hoạch",
            "noted_on": ddmmyyyy(task.plan.issued_on),
        },
    )
    return user


def _period(w):
    return report_services.period_save(
        user=None,
        year=2026,
        kind="semiannual",
        deadline=datetime.date(2026, 6, 19),
        expected_agencies=[w.agency],
    )


@scenario("reports.ReportingPeriod")
def _edit_a_period(client, w):
    user = login(client, w.official)
    period = _period(w)
    w.submit(
        client,
        reverse("reports:period_edit", args=[period.pk]),
        {"deadline": "22/06/2026", "expected_agencies": [w.agency.pk, w.owner_agency.pk]},
    )
    assert recorded_set(period, "expected_agencies") == {w.agency.pk, w.owner_agency.pk}
    return user


@scenario("reports.AgencyReport")
def _write_a_report(client, w):
    user = login(client, w.reporter)
    report = AgencyReport.objects.create(period=_period(w), agency=w.agency)
    page = reverse("reports:report_edit", args=[report.pk])
    first = next(
        name for name, _value in page_form(client, page).fields if name != "csrfmiddlewaretoken"
    )
    w.submit(client, page, {first: "Đã đón 3 đoàn khách quốc tế."})
    return user


def _submitted_report(w) -> AgencyReport:
    head = UserFactory(agency=w.agency, is_agency_head=True, username="giamdoc")
    report = AgencyReport.objects.create(
        period=_period(w), agency=w.agency, sections={"leadership": "Kết quả 6 tháng"}
    )
    report_services.report_submit(report=report, user=head)
    return AgencyReport.objects.get(pk=report.pk)


@scenario("reports.AgencyReportVersion")
def _submit_a_report(client, w):
    head = login(client, UserFactory(agency=w.agency, is_agency_head=True, username="giamdoc"))
    report = AgencyReport.objects.create(
        period=_period(w), agency=w.agency, sections={"leadership": "Kết quả 6 tháng"}
    )
    w.submit(
        client,
        reverse("reports:report_detail", args=[report.pk]),
        {},
        action=reverse("reports:report_submit", args=[report.pk]),
    )
    return head


@scenario("reports.ReportComment")
def _return_a_report(client, w):
    report = _submitted_report(w)
    user = login(client, w.official)
    w.submit(
        client,
        reverse("reports:report_detail", args=[report.pk]),
        {"reason": "Bổ sung số liệu đoàn ra"},
        action=reverse("reports:report_return", args=[report.pk]),
    )
    return user


def _consolidated(w) -> ConsolidatedReport:
    """A gathered draft as the beat prepares it: no creator, sections written by the job."""
    report = ConsolidatedReport.objects.create(
        kind="semiannual",
        year=2026,
        subject="Kết quả công tác đối ngoại 6 tháng đầu năm 2026",
        gathered_at=timezone.now(),
    )
    ConsolidatedSection.objects.create(report=report, key="leadership", body="Nội dung")
    return report


@scenario("reports.ConsolidatedReport")
def _edit_the_subject(client, w):
    user = login(client, w.official)
    report = _consolidated(w)
    w.submit(
        client,
        reverse("reports:consolidated_detail", args=[report.pk]),
        {"subject": "Kết quả công tác đối ngoại 6 tháng đầu năm 2026 (sửa)"},
        action=reverse("reports:subject_edit", args=[report.pk]),
    )
    return user


@scenario("reports.ConsolidatedSection")
def _edit_a_section(client, w):
    user = login(client, w.official)
    report = _consolidated(w)
    w.submit(
        client,
        reverse("reports:section_edit", args=[report.pk, "leadership"]),
        {"body": "Nội dung đã sửa"},
    )
    return user


@scenario("reports.IssuedReport")
def _issue_the_report(client, w):
    user = login(client, w.official)
    report = _consolidated(w)
    w.submit(
        client,
        reverse("reports:consolidated_issue", args=[report.pk]),
        {
            "issued_on": ddmmyyyy(timezone.localdate()),
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Nguyễn Văn B",
            "recipients": "UBND tỉnh\nLưu: VT, SNgV",
        },
    )
    return user


def test_every_tracked_model_has_a_scenario_or_a_reason():
    tracked = {model._meta.label for model in project_models() if is_tracked(model)}
    assert sorted(tracked - SCENARIOS.keys() - NO_USER_WRITES.keys()) == []
    assert sorted((SCENARIOS.keys() | NO_USER_WRITES.keys()) - tracked) == []


@pytest.mark.parametrize("label", sorted(SCENARIOS))
def test_a_change_through_the_page_records_the_acting_user(client, request, label):
    world = World(request)

    user = SCENARIOS[label](client, world)

    assert world.marks, f"{label}: the scenario made no change through a page"
    rows = history_model(apps.get_model(label)).objects.filter(history_id__gt=world.marks[label])
    assert rows.exists(), f"{label}: the change wrote no history"
    users = set(rows.values_list("history_user_id", flat=True))
    assert users == {user.pk}, f"{label}: history rows by {users}, expected {user.pk}"
