"""Excel files of the 2030 targets: exports of targets, measurements and tasks; the two-step
import of measurements through ``measurement_record`` (owner agency or official, no computed
targets), with every error by row and column and nothing saved unless every row is valid."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from agreements import excel
from targets.models import Measurement, Target, Task
from targets.resources import MeasurementResource, TaskResource
from tests.factories import AgencyFactory, PartnerFactory
from tests.targets.factories import (
    MeasurementFactory,
    TargetFactory,
    TaskFactory,
    TaskPlanFactory,
    TaskProgressFactory,
)

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
TODAY = date(2026, 7, 1)  # the 6-month and annual periods of 2026 have started


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(agency, owner_agency, other_agency):
    """The reporter's agency owns 4.1 and 4.2; the department owns 2.1; 3.2 is computed.
    The other reporter's agency owns no target."""
    owned = TargetFactory(code="4.1", owner_agency=agency, text_vi="Số chương trình hợp tác")
    share = TargetFactory(
        code="4.2", owner_agency=agency, kind=Target.Kind.PERCENTAGE, target_min=80, unit="%"
    )
    department = TargetFactory(code="2.1", owner_agency=owner_agency, unit="đoàn")
    computed = TargetFactory(code="3.2", owner_agency=owner_agency, computed_partners=True)
    return {
        "owned": owned,
        "share": share,
        "department": department,
        "computed": computed,
        "measurements": [
            MeasurementFactory(target=owned, period_year=2025, period_kind="annual", value=4),
            MeasurementFactory(target=owned, value=Decimal("6.50"), evidence="Báo cáo 6 tháng"),
            MeasurementFactory(target=share, value=55, evidence=""),
            MeasurementFactory(target=department, value=12, evidence='=HYPERLINK("x")'),
        ],
    }


def xlsx(headers: list[str], rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(**values) -> list:
    return [values.get(header) for header in MeasurementResource.headers()]


def measurement_row(**values) -> list:
    defaults = {"Mã chỉ tiêu": "4.1", "Năm": 2026, "Kỳ báo cáo": "Năm", "Giá trị": "8"}
    return row(**{**defaults, **values})


def upload(client, data: bytes, name: str = "so-lieu.xlsx"):
    return client.post(
        reverse("targets:excel_import", args=["measurements"]),
        {"file": SimpleUploadedFile(name, data, content_type=excel.XLSX_CONTENT_TYPE)},
    )


def confirm(client, token: str):
    return client.post(
        reverse("targets:excel_import_confirm", args=["measurements"]), {"token": token}
    )


def import_file(client, data: bytes):
    """Upload, expect no error, confirm; the confirmation's response."""
    response = upload(client, data)
    assert response.status_code == 200
    assert response.context["report"].errors == [], response.context["report"].errors
    assert response.context["token"]
    return confirm(client, response.context["token"])


def errors_of(response) -> set[tuple[int | None, str]]:
    return {(error.row, error.column) for error in response.context["report"].errors}


def sheet_rows(content: bytes) -> list[dict]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    header, *rows = workbook.worksheets[0].iter_rows(values_only=True)
    return [dict(zip(header, values, strict=True)) for values in rows]


def snapshot() -> list[tuple]:
    return list(
        Measurement.objects.order_by("pk").values_list(
            "pk", "target_id", "period_year", "period_kind", "value", "evidence", "entered_by"
        )
    )


def export(client, resource: str, **params):
    response = client.get(reverse("targets:excel_export", args=[resource]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    return response


# ---------------------------------------------------------------------------
# Permissions on every URL
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["official", "reporter", "other_reporter", "leader"])
def test_exports_and_template_for_every_role(client, request, world, who):
    client.force_login(request.getfixturevalue(who))
    for resource in ("targets", "measurements", "tasks"):
        export(client, resource)
    response = client.get(reverse("targets:excel_template", args=["measurements"]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(headers) == MeasurementResource.headers()
    assert workbook.sheetnames[1] == "Hướng dẫn"


@pytest.mark.parametrize(
    ("who", "status"),
    [("official", 200), ("reporter", 200), ("other_reporter", 403), ("leader", 403)],
)
def test_import_is_for_officials_and_target_owners(client, request, world, who, status):
    """The other reporter's agency owns no target: nothing to import."""
    before = snapshot()
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("targets:excel_import", args=["measurements"])).status_code == (
        status
    )
    data = xlsx(MeasurementResource.headers(), [measurement_row()])
    response = upload(client, data)
    assert response.status_code == status
    assert confirm(client, "a" * 32).status_code == (302 if status == 200 else 403)
    assert snapshot() == before


def test_anonymous_goes_to_login(client, world):
    urls = [reverse("targets:excel_export", args=[r]) for r in ("targets", "measurements", "tasks")]
    urls += [
        reverse(f"targets:{view}", args=["measurements"])
        for view in ("excel_template", "excel_import")
    ]
    for url in urls:
        assert client.get(url)["Location"].startswith(LOGIN), url
    response = confirm(client, "a" * 32)
    assert response["Location"].startswith(LOGIN)


def test_unknown_or_export_only_resources_are_404(client, official):
    client.force_login(official)
    assert client.get(reverse("targets:excel_export", args=["nope"])).status_code == 404
    for resource in ("targets", "tasks", "nope"):
        for view in ("excel_template", "excel_import"):
            assert client.get(reverse(f"targets:{view}", args=[resource])).status_code == 404
    assert client.get(
        reverse("targets:excel_import_confirm", args=["measurements"])
    ).status_code == (405)


@pytest.mark.parametrize(
    ("who", "can_import"),
    [("official", True), ("reporter", True), ("other_reporter", False), ("leader", False)],
)
def test_overview_links(client, request, world, who, can_import):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("targets:overview")).content.decode()
    assert reverse("targets:excel_export", args=["targets"]) in page
    assert reverse("targets:excel_export", args=["measurements"]) in page
    assert (reverse("targets:excel_import", args=["measurements"]) in page) is can_import


# ---------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------
def test_measurements_export_in_vietnamese(client, leader, world):
    client.force_login(leader)
    rows = sheet_rows(export(client, "measurements").content)
    assert [(r["Mã chỉ tiêu"], r["Năm"], r["Kỳ báo cáo"]) for r in rows] == [
        ("2.1", 2026, "6 tháng"),
        ("4.1", 2025, "Năm"),
        ("4.1", 2026, "6 tháng"),
        ("4.2", 2026, "6 tháng"),
    ]
    owned = rows[2]
    assert owned["Giá trị"] == 6.5
    assert owned["Tên chỉ tiêu"] == "Số chương trình hợp tác"
    assert owned["Minh chứng"] == "Báo cáo 6 tháng"


def test_measurements_export_of_my_agency(client, reporter, world):
    client.force_login(reporter)
    rows = sheet_rows(export(client, "measurements", mine="1").content)
    assert {r["Mã chỉ tiêu"] for r in rows} == {"4.1", "4.2"}


def test_targets_export_has_every_period_the_latest_value_and_the_status(
    client, leader, world, django_assert_max_num_queries
):
    PartnerFactory(relation_established_on=date(2026, 3, 1))  # counted by 3.2
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        response = export(client, "targets")
    rows = {r["Mã chỉ tiêu"]: r for r in sheet_rows(response.content)}
    assert set(rows) == {"2.1", "3.2", "4.1", "4.2"}
    owned = rows["4.1"]
    assert owned["Chỉ tiêu"] == "Số chương trình hợp tác"
    assert owned["Năm 2025"] == 4
    assert owned["6 tháng 2026"] == 6.5
    assert owned["Kỳ gần nhất"] == "6 tháng 2026"
    assert owned["Giá trị gần nhất"] == 6.5
    assert owned["Cơ quan chủ trì"] == "SVHTTDL"
    assert owned["Tình trạng"]
    assert rows["4.2"]["Năm 2025"] is None
    computed = rows["3.2"]
    assert computed["Giá trị gần nhất"] == 1
    assert "01/07/2026" in computed["Kỳ gần nhất"]


def test_tasks_export_follows_the_list_filters(client, reporter, agency, other_agency):
    plan = TaskPlanFactory(number="15/KH-UBND")
    mine = TaskFactory(plan=plan, lead_agency=agency, text="Nhiệm vụ của Sở Văn hóa")
    mine.coordinating_agencies.set([other_agency])
    TaskProgressFactory(task=mine, noted_on=date(2026, 3, 1), note="Đã dự thảo")
    TaskProgressFactory(task=mine, noted_on=date(2026, 4, 2), note="Đã trình ký")
    TaskFactory(plan=plan, lead_agency=other_agency, deadline=None, deadline_text="Thường xuyên")
    client.force_login(reporter)
    everything = sheet_rows(export(client, "tasks").content)
    assert len(everything) == 2
    (row,) = sheet_rows(export(client, "tasks", mine="1").content)
    assert list(row) == TaskResource.headers()
    assert row["Số văn bản"] == "15/KH-UBND"
    assert row["Nhiệm vụ"] == "Nhiệm vụ của Sở Văn hóa"
    assert row["Cơ quan chủ trì"] == "SVHTTDL"
    assert row["Cơ quan phối hợp"] == "SCT"
    assert row["Thời hạn"] == "31/03/2026"
    assert row["Thời hạn theo văn bản"] == "Trong tháng 3/2026"
    with translation.override("vi"):
        assert row["Tình trạng"] == str(Task.State.NOT_STARTED.label)
    assert row["Quá hạn"] == "Có"
    assert row["Tiến độ gần nhất"] == "02/04/2026: Đã trình ký"
    overdue = sheet_rows(export(client, "tasks", overdue="1").content)
    assert [r["Nhiệm vụ"] for r in overdue] == ["Nhiệm vụ của Sở Văn hóa"]


def test_exports_neutralise_formulas(client, official, world, agency):
    dangerous = ['=HYPERLINK("http://x","y")', "+1+2", "-3", "@SUM(A1)"]
    for index, text in enumerate(dangerous):
        target = TargetFactory(code=f"7.{index}", owner_agency=agency, text_vi=text)
        MeasurementFactory(target=target, evidence=text)
        TaskFactory(lead_agency=agency, text=text)
    client.force_login(official)
    for resource, column in (
        ("measurements", "Minh chứng"),
        ("targets", "Chỉ tiêu"),
        ("tasks", "Nhiệm vụ"),
    ):
        content = export(client, resource).content
        sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
        assert b"<f>" not in sheet_xml, resource
        values = {r[column] for r in sheet_rows(content)}
        assert {"'" + text for text in dangerous} <= values, resource


# ---------------------------------------------------------------------------
# Imports
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["official", "reporter"])
def test_round_trip_changes_nothing(client, request, world, who):
    """A full export imported back: nothing written, not even history; the reporter's file
    holds other agencies' rows, left alone because they are unchanged."""
    user = request.getfixturevalue(who)
    client.force_login(user)
    content = export(client, "measurements").content
    before, history = snapshot(), Measurement.history.count()
    response = import_file(client, content)
    assert response.status_code == 302
    assert response["Location"] == reverse("targets:overview")
    assert snapshot() == before
    assert Measurement.history.count() == history


def test_reporter_records_values_with_a_decimal_comma(client, reporter, world):
    client.force_login(reporter)
    data = xlsx(
        MeasurementResource.headers(),
        [
            measurement_row(**{"Giá trị": "12,5", "Minh chứng": "Báo cáo số 20/BC-SVHTTDL"}),
            measurement_row(
                **{"Mã chỉ tiêu": "4.2", "Kỳ báo cáo": "semiannual", "Giá trị": "60,25"}
            ),
            measurement_row(
                **{"Kỳ báo cáo": "6 tháng", "Giá trị": 6.5, "Minh chứng": "Báo cáo 6 tháng"}
            ),
        ],
    )
    preview = upload(client, data)
    assert preview.context["report"].ok
    assert not Measurement.objects.filter(period_kind="annual", period_year=2026).exists()
    response = confirm(client, preview.context["token"])
    assert response.status_code == 302
    annual = Measurement.objects.get(target=world["owned"], period_year=2026, period_kind="annual")
    assert annual.value == Decimal("12.5")
    assert annual.evidence == "Báo cáo số 20/BC-SVHTTDL"
    assert annual.entered_by == reporter
    assert set(annual.history.values_list("history_user", flat=True)) == {reporter.pk}
    share = Measurement.objects.get(target=world["share"], period_year=2026)
    assert share.value == Decimal("60.25")
    # The third row repeats what is recorded: left alone.
    assert world["measurements"][1].history.count() == 1  # its creation only


def test_official_may_record_any_entered_target(client, official, world):
    client.force_login(official)
    data = xlsx(
        MeasurementResource.headers(),
        [measurement_row(), measurement_row(**{"Mã chỉ tiêu": "2.1", "Giá trị": 20})],
    )
    assert import_file(client, data).status_code == 302
    assert Measurement.objects.filter(period_kind="annual", period_year=2026).count() == 2


def test_mixed_good_and_bad_rows_save_nothing_and_list_every_error(client, reporter, world):
    client.force_login(reporter)
    before, history = snapshot(), Measurement.history.count()
    data = xlsx(
        MeasurementResource.headers(),
        [
            measurement_row(),  # row 2: fine
            measurement_row(**{"Mã chỉ tiêu": "3.2"}),  # 3: computed target
            measurement_row(**{"Mã chỉ tiêu": "2.1"}),  # 4: another agency's target
            measurement_row(**{"Mã chỉ tiêu": "9.99"}),  # 5: no such target
            measurement_row(**{"Kỳ báo cáo": "quý", "Năm": "hai"}),  # 6
            measurement_row(**{"Mã chỉ tiêu": "4.2", "Giá trị": "120"}),  # 7: percentage > 100
            measurement_row(**{"Năm": 2027}),  # 8: the period has not started
            measurement_row(**{"Kỳ báo cáo": "6 tháng", "Giá trị": "-1"}),  # 9
            measurement_row(**{"Năm": 2025, "Giá trị": "nhiều"}),  # 10
            measurement_row(),  # 11: same target and period as row 2
            measurement_row(**{"Mã chỉ tiêu": "", "Giá trị": ""}),  # 12
        ],
    )
    response = upload(client, data)
    assert response.status_code == 200
    assert response.context["token"] is None
    assert errors_of(response) == {
        (3, "Mã chỉ tiêu"),
        (4, "Mã chỉ tiêu"),
        (5, "Mã chỉ tiêu"),
        (6, "Năm"),
        (6, "Kỳ báo cáo"),
        (7, "Giá trị"),
        (8, "Năm"),
        (9, "Giá trị"),
        (10, "Giá trị"),
        (11, "Kỳ báo cáo"),
        (12, "Mã chỉ tiêu"),
        (12, "Giá trị"),
    }
    page = response.content.decode()
    assert "Chưa có dữ liệu nào được lưu" in page  # "Nothing was saved", in Vietnamese
    assert "9.99" in page
    for message in (
        "This target is computed from the portal's data.",
        "Only the owner agency of this target or an official can enter its values.",
        "A percentage cannot exceed 100.",
        "This period has not started yet.",
    ):
        assert gettext(message).replace("'", "&#x27;") in page, message
    assert snapshot() == before
    assert Measurement.history.count() == history


def test_confirm_checks_the_stored_file_again(client, reporter, world):
    client.force_login(reporter)
    preview = upload(client, xlsx(MeasurementResource.headers(), [measurement_row()]))
    assert preview.context["token"]
    # The target changed hands between the check and the confirmation.
    Target.objects.filter(pk=world["owned"].pk).update(owner_agency=AgencyFactory())
    response = confirm(client, preview.context["token"])
    assert response.status_code == 200
    assert errors_of(response) == {(2, "Mã chỉ tiêu")}
    assert not Measurement.objects.filter(period_kind="annual", period_year=2026).exists()


def test_nfd_text_is_imported_as_nfc(client, reporter, world):
    def nfd(text):
        return unicodedata.normalize("NFD", text) if isinstance(text, str) else text

    client.force_login(reporter)
    data = xlsx(
        [nfd(h) for h in MeasurementResource.headers()],
        [
            [
                nfd(v)
                for v in measurement_row(
                    **{"Kỳ báo cáo": "NĂM", "Minh chứng": "Báo cáo của Sở Văn hóa"}
                )
            ]
        ],
    )
    assert not unicodedata.is_normalized("NFC", nfd("Kỳ báo cáo"))
    assert import_file(client, data).status_code == 302
    measurement = Measurement.objects.get(period_year=2026, period_kind="annual")
    assert measurement.evidence == "Báo cáo của Sở Văn hóa"
    assert unicodedata.is_normalized("NFC", measurement.evidence)


def test_a_quoted_formula_comes_back_as_typed(client, official, world):
    """The quote the export puts before = + - @ is taken off again on import."""
    client.force_login(official)
    content = export(client, "measurements").content
    rows = sheet_rows(content)
    assert {r["Minh chứng"] for r in rows if r["Mã chỉ tiêu"] == "2.1"} == {'\'=HYPERLINK("x")'}
    data = xlsx(
        MeasurementResource.headers(),
        [measurement_row(**{"Mã chỉ tiêu": "2.1", "Minh chứng": "'-5% so với cùng kỳ"})],
    )
    assert import_file(client, data).status_code == 302
    measurement = Measurement.objects.get(target=world["department"], period_kind="annual")
    assert measurement.evidence == "-5% so với cùng kỳ"


def test_only_the_five_data_columns_are_needed(client, official, world):
    headers = ["Mã chỉ tiêu", "Năm", "Kỳ báo cáo", "Giá trị", "Minh chứng"]
    client.force_login(official)
    data = xlsx(headers, [["4.1", 2026, "annual", 9, ""]])
    assert import_file(client, data).status_code == 302
    assert Measurement.objects.get(period_kind="annual", period_year=2026).value == 9


def test_a_file_with_wrong_columns_gets_one_clear_message(client, official, world):
    client.force_login(official)
    response = upload(client, xlsx(["Mã chỉ tiêu", "Số liệu"], [["4.1", 3]]))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert "Số liệu" in response.content.decode()
