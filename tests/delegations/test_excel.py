"""Excel templates, exports and imports of plan items, delegations (with members) and
conferences: previews with every error, all-or-nothing confirmation, history, NFD text,
formula neutralisation, bad files and permissions."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements import excel
from delegations.models import (
    Conference,
    Delegation,
    DelegationMember,
    Direction,
    FundingSource,
    PlanItem,
    Purpose,
)
from delegations.resources import (
    ConferenceResource,
    DelegationResource,
    IntegerWidget,
    PlanItemResource,
)
from tests.delegations.factories import (
    ConferenceFactory,
    DelegationFactory,
    MemberFactory,
    PlanFactory,
    PlanItemFactory,
)
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
RESOURCES = ["plans", "delegations", "conferences"]
TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(owner_agency, agency, other_agency):
    return {
        "plan": PlanFactory(year=2026, direction=Direction.OUTBOUND, title="Kế hoạch đoàn ra"),
        "partner": PartnerFactory(name_vi="Tỉnh Xiêng Khoảng", country="LA"),
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


def upload(client, resource: str, data: bytes, name: str = "data.xlsx"):
    return client.post(
        reverse("delegations:excel_import", args=[resource]),
        {"file": SimpleUploadedFile(name, data, content_type=excel.XLSX_CONTENT_TYPE)},
    )


def confirm(client, resource: str, token: str):
    return client.post(
        reverse("delegations:excel_import_confirm", args=[resource]), {"token": token}
    )


def errors_of(response) -> set[tuple[int | None, str]]:
    return {(error.row, error.column) for error in response.context["report"].errors}


def row(resource_class, **values) -> list:
    return [values.get(header) for header in resource_class.headers()]


def plan_row(**values) -> list:
    defaults = {
        "Năm kế hoạch": 2026,
        "Loại đoàn": "Đoàn ra",
        "Mục đích": "Xúc tiến đầu tư",
        "Nội dung": "Xúc tiến đầu tư tại Lào",
        "Quốc gia": "LA",
        "Đối tác": "Tỉnh Xiêng Khoảng",
        "Tháng dự kiến": 5,
        "Số thành viên dự kiến": "6",
        "Cơ quan chủ trì": "SVHTTDL",
    }
    return row(PlanItemResource, **{**defaults, **values})


def delegation_row(**values) -> list:
    defaults = {
        "Loại đoàn": "Đoàn ra",
        "Tên đoàn": "Đoàn công tác tại Lào",
        "Mục đích": "Xúc tiến thương mại",
        "Trưởng đoàn": "Nguyễn Văn An",
        "Chức vụ trưởng đoàn": "Phó Chủ tịch UBND tỉnh",
        "Thành viên": "Trần Thị Bình - Giám đốc Sở; Lê Văn Cường",
        "Quốc gia": "Lào",
        "Đối tác": "Tỉnh Xiêng Khoảng",
        "Ngày bắt đầu dự kiến": "10/06/2026",
        "Ngày kết thúc dự kiến": date(2026, 6, 14),
        "Cơ quan chủ trì, đón tiếp": "SVHTTDL",
        "Kinh phí (đồng)": "150.000.000",
    }
    return row(DelegationResource, **{**defaults, **values})


def conference_row(**values) -> list:
    defaults = {
        "Tên hội nghị, hội thảo": "Hội thảo xúc tiến du lịch",
        "Mục đích": "tourism",
        "Cơ quan tổ chức": "SVHTTDL",
        "Ngày khai mạc": "20/05/2026",
        "Ngày bế mạc": "21/05/2026",
        "Địa điểm": "Tuyên Quang",
        "Đối tác": "Tỉnh Xiêng Khoảng",
        "Số đại biểu nước ngoài": 30,
    }
    return row(ConferenceResource, **{**defaults, **values})


# ---------------------------------------------------------------------------
# Templates and exports
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("who", ["official", "reporter", "leader"])
def test_template_has_vietnamese_headers_and_a_guide(client, request, resource, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("delegations:excel_template", args=[resource]))
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = next(workbook.worksheets[0].iter_rows(values_only=True))
    expected = {
        "plans": PlanItemResource,
        "delegations": DelegationResource,
        "conferences": ConferenceResource,
    }[resource]
    assert list(headers) == expected.headers()
    assert workbook.sheetnames[1] == "Hướng dẫn"


def test_template_guide_explains_the_members_column(client, official):
    client.force_login(official)
    response = client.get(reverse("delegations:excel_template", args=["delegations"]))
    guide = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[1]
    rows = {r[0]: r for r in guide.iter_rows(min_row=2, values_only=True) if r}
    assert "Nguyễn Văn A - Giám đốc Sở; Trần Thị B - Chuyên viên" in rows["Thành viên"][2]
    assert rows["Tên đoàn"][1] == "Bắt buộc"


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("view", ["excel_template", "excel_export", "excel_import"])
def test_anonymous_goes_to_login(client, resource, view):
    response = client.get(reverse(f"delegations:{view}", args=[resource]))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_unknown_resource_is_404(client, official):
    client.force_login(official)
    assert client.get(reverse("delegations:excel_export", args=["agreements"])).status_code == 404
    assert client.get(reverse("delegations:excel_import", args=["nope"])).status_code == 404


def test_exports_for_every_role_in_vietnamese(client, request, world, agency):
    item = PlanItemFactory(plan=world["plan"], lead_agency=agency, country="LA")
    item.partners.set([world["partner"]])
    delegation = DelegationFactory(host_agency=agency, country="LA", title="Đoàn sang Lào")
    MemberFactory(delegation=delegation, name="Trần Thị Bình", title="Giám đốc Sở")
    MemberFactory(delegation=delegation, name="Lê Văn Cường", title="")
    ConferenceFactory(organiser=agency, title="Hội thảo du lịch")
    for who in ["official", "reporter", "other_reporter", "leader"]:
        client.force_login(request.getfixturevalue(who))
        sheets = {}
        for resource in RESOURCES:
            response = client.get(reverse("delegations:excel_export", args=[resource]))
            assert response.status_code == 200
            workbook = openpyxl.load_workbook(io.BytesIO(response.content))
            header, *rows = workbook.worksheets[0].iter_rows(values_only=True)
            sheets[resource] = [dict(zip(header, values, strict=True)) for values in rows]
        (plan,) = sheets["plans"]
        assert plan["Năm kế hoạch"] == 2026 and plan["Loại đoàn"] == "Đoàn ra"
        assert plan["Quốc gia"] == "Lào" and plan["Đối tác"] == "Tỉnh Xiêng Khoảng"
        (trip,) = sheets["delegations"]
        assert trip["Thành viên"] == "Trần Thị Bình - Giám đốc Sở; Lê Văn Cường"
        assert trip["Ngày bắt đầu dự kiến"] == "10/06/2024"
        assert trip["Trạng thái"] == "Đề xuất"
        (conference,) = sheets["conferences"]
        assert conference["Tên hội nghị, hội thảo"] == "Hội thảo du lịch"


def test_export_follows_the_list_filters(client, official, agency):
    DelegationFactory(host_agency=agency, direction=Direction.INBOUND, title="Đoàn vào")
    DelegationFactory(host_agency=agency, title="Đoàn ra")
    client.force_login(official)
    response = client.get(
        reverse("delegations:excel_export", args=["delegations"]), {"direction": "inbound"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    titles = [r[1] for r in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Đoàn vào"]


def test_export_neutralises_formulas(client, official, agency):
    dangerous = ['=HYPERLINK("http://x","y")', "+1+2", "-3", "@SUM(A1)"]
    for text in dangerous:
        delegation = DelegationFactory(host_agency=agency, title=text, programme="a=b")
        MemberFactory(delegation=delegation, name="=1+1", title="")
    client.force_login(official)
    response = client.get(reverse("delegations:excel_export", args=["delegations"]))
    sheet_xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = DelegationResource.headers()
    rows = list(workbook.worksheets[0].iter_rows(min_row=2))
    assert {r[headers.index("Tên đoàn")].value for r in rows} == {"'" + t for t in dangerous}
    assert {r[headers.index("Thành viên")].value for r in rows} == {"'=1+1"}
    assert {r[headers.index("Chương trình")].value for r in rows} == {"a=b"}


def test_export_query_count_is_fixed(client, official, agency, django_assert_max_num_queries):
    for index in range(10):
        delegation = DelegationFactory(host_agency=agency)
        MemberFactory(delegation=delegation)
        delegation.partners.set([PartnerFactory(name_vi=f"Đối tác {index}")])
    client.force_login(official)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("delegations:excel_export", args=["delegations"]))
    assert response.status_code == 200


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("official", 200), ("reporter", 403), ("other_reporter", 403), ("leader", 403)],
)
def test_import_is_for_officials_only(client, request, world, resource, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("delegations:excel_import", args=[resource])).status_code == status
    response = upload(client, resource, xlsx(["x"], [["y"]]))
    assert response.status_code == status
    assert confirm(client, resource, "a" * 32).status_code == (302 if status == 200 else 403)


def test_confirm_is_post_only_and_needs_login(client, official):
    url = reverse("delegations:excel_import_confirm", args=["delegations"])
    assert client.post(url, {"token": "x"})["Location"].startswith(LOGIN)
    client.force_login(official)
    assert client.get(url).status_code == 405


# ---------------------------------------------------------------------------
# Good files
# ---------------------------------------------------------------------------
def _import(client, resource: str, data: bytes):
    response = upload(client, resource, data)
    assert response.status_code == 200
    assert response.context["report"].errors == [], response.context["report"].errors
    token = response.context["token"]
    assert token
    return confirm(client, resource, token)


def test_good_plan_file(client, official, world, agency):
    client.force_login(official)
    data = xlsx(
        PlanItemResource.headers(),
        [plan_row(), plan_row(**{"Nội dung": "Giao lưu văn hóa", "Nguồn kinh phí": "partner"})],
    )
    preview = upload(client, "plans", data)
    assert PlanItem.objects.count() == 0  # the check saves nothing
    assert "Xúc tiến đầu tư tại Lào" in preview.content.decode()
    response = confirm(client, "plans", preview.context["token"])
    assert response.status_code == 302
    assert response["Location"] == reverse("delegations:plan_list")
    first, second = PlanItem.objects.order_by("id")
    assert first.plan == world["plan"] and first.lead_agency == agency
    assert first.purpose == Purpose.INVESTMENT and first.country == "LA"
    assert first.expected_month == 5 and first.expected_size == 6
    assert list(first.partners.all()) == [world["partner"]]
    assert second.funding_source == FundingSource.PARTNER
    assert first.history.filter(history_type="+").get().history_user == official
    assert set(first.history.values_list("history_user", flat=True)) == {official.pk}
    # The same token cannot be used twice.
    again = confirm(client, "plans", preview.context["token"])
    assert again["Location"] == reverse("delegations:excel_import", args=["plans"])
    assert PlanItem.objects.count() == 2


def test_good_delegation_file_with_members(client, official, world, agency):
    client.force_login(official)
    data = xlsx(
        DelegationResource.headers(),
        [
            delegation_row(),
            delegation_row(
                **{
                    "Loại đoàn": "inbound",
                    "Tên đoàn": "Đoàn tỉnh Xiêng Khoảng",
                    "Thành viên": "",
                    "Trạng thái": "Đề xuất",
                }
            ),
        ],
    )
    response = _import(client, "delegations", data)
    assert response["Location"] == reverse("delegations:list")
    outbound = Delegation.objects.get(title="Đoàn công tác tại Lào")
    assert outbound.state == Delegation.State.PROPOSED
    assert outbound.created_by == official
    assert outbound.planned_start == date(2026, 6, 10)
    assert outbound.planned_end == date(2026, 6, 14)
    assert outbound.budget == 150_000_000
    assert outbound.country == "LA" and outbound.host_agency == agency
    assert list(outbound.partners.all()) == [world["partner"]]
    assert list(outbound.members.values_list("name", "title")) == [
        ("Trần Thị Bình", "Giám đốc Sở"),
        ("Lê Văn Cường", ""),
    ]
    assert outbound.history.filter(history_type="+").get().history_user == official
    assert DelegationMember.history.filter(history_user=official).count() == 2
    inbound = Delegation.objects.get(direction=Direction.INBOUND)
    assert inbound.members.count() == 0


def test_good_conference_file(client, official, world, agency):
    client.force_login(official)
    response = _import(
        client,
        "conferences",
        xlsx(ConferenceResource.headers(), [conference_row()]),
    )
    assert response["Location"] == reverse("delegations:conference_list")
    conference = Conference.objects.get()
    assert conference.purpose == Purpose.TOURISM and conference.organiser == agency
    assert conference.start_on == date(2026, 5, 20) and conference.foreign_participants == 30
    assert conference.state == Conference.State.PROPOSED
    assert conference.format == Conference.Format.IN_PERSON
    assert list(conference.partners.all()) == [world["partner"]]
    assert conference.history.filter(history_type="+").get().history_user == official


def test_exported_delegations_import_back(client, official, world, agency):
    delegation = DelegationFactory(host_agency=agency, country="LA", title="Đoàn sang Lào")
    MemberFactory(delegation=delegation, name="Trần Thị Bình", title="Giám đốc Sở")
    client.force_login(official)
    exported = client.get(reverse("delegations:excel_export", args=["delegations"])).content
    _import(client, "delegations", exported)
    copy = Delegation.objects.exclude(pk=delegation.pk).get()
    assert copy.title == "Đoàn sang Lào" and copy.planned_start == delegation.planned_start
    assert list(copy.members.values_list("name", "title")) == [("Trần Thị Bình", "Giám đốc Sở")]


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------
def test_plan_mixed_errors_are_all_reported_and_nothing_is_saved(client, official, world):
    client.force_login(official)
    data = xlsx(
        PlanItemResource.headers(),
        [
            plan_row(),  # row 2: fine
            plan_row(**{"Năm kế hoạch": 2030}),  # row 3: no such plan
            plan_row(**{"Loại đoàn": "Đoàn vào"}),  # row 4: no inbound plan for 2026
            plan_row(**{"Tháng dự kiến": 13, "Cơ quan chủ trì": "XYZ"}),  # row 5
            plan_row(**{"Mục đích": "", "Quốc gia": "Atlantis"}),  # row 6
        ],
    )
    response = upload(client, "plans", data)
    assert errors_of(response) == {
        (3, "Năm kế hoạch"),
        (4, "Năm kế hoạch"),
        (5, "Tháng dự kiến"),
        (5, "Cơ quan chủ trì"),
        (6, "Mục đích"),
        (6, "Quốc gia"),
    }
    assert response.context["token"] is None
    page = response.content.decode()
    assert "Chưa có kế hoạch đoàn vào năm 2026" in page
    assert "Chưa có dữ liệu nào được lưu" in page
    assert "XYZ" in page
    assert PlanItem.objects.count() == 0


def test_delegation_mixed_errors_are_all_reported_and_nothing_is_saved(client, official, world):
    client.force_login(official)
    data = xlsx(
        DelegationResource.headers(),
        [
            delegation_row(),  # row 2: fine
            delegation_row(**{"Ngày kết thúc dự kiến": "01/06/2026"}),  # row 3: end < start
            delegation_row(**{"Trạng thái": "Đã phê duyệt", "Trưởng đoàn": ""}),  # row 4
            delegation_row(**{"Thành viên": " - Giám đốc", "Đối tác": "Không rõ"}),  # row 5
            delegation_row(**{"Ngày bắt đầu dự kiến": "31/02/2026", "Kinh phí (đồng)": "-5"}),
        ],
    )
    response = upload(client, "delegations", data)
    assert errors_of(response) == {
        (3, "Ngày kết thúc dự kiến"),
        (4, "Trạng thái"),
        (4, "Trưởng đoàn"),
        (5, "Thành viên"),
        (5, "Đối tác"),
        (6, "Ngày bắt đầu dự kiến"),
        (6, "Kinh phí (đồng)"),
    }
    page = response.content.decode()
    assert "dd/mm/yyyy" in page
    assert Delegation.objects.count() == 0
    assert DelegationMember.objects.count() == 0
    assert Delegation.history.count() == 0


def test_conference_mixed_errors(client, official, world):
    client.force_login(official)
    data = xlsx(
        ConferenceResource.headers(),
        [
            conference_row(**{"Ngày bế mạc": "19/05/2026"}),
            conference_row(**{"Hình thức": "bằng thư", "Số đại biểu nước ngoài": "nhiều"}),
            conference_row(**{"Ngày quyết định": "01/01/2027", "Trạng thái": "Đã tổ chức"}),
        ],
    )
    response = upload(client, "conferences", data)
    assert errors_of(response) == {
        (2, "Ngày bế mạc"),
        (3, "Hình thức"),
        (3, "Số đại biểu nước ngoài"),
        (4, "Ngày quyết định"),
        (4, "Trạng thái"),
    }
    assert Conference.objects.count() == 0


def test_confirm_checks_the_stored_file_again(client, official, world):
    client.force_login(official)
    response = upload(client, "plans", xlsx(PlanItemResource.headers(), [plan_row()]))
    world["plan"].delete()  # the plan went away between the check and the confirmation
    response = confirm(client, "plans", response.context["token"])
    assert response.status_code == 200
    assert errors_of(response) == {(2, "Năm kế hoạch")}
    assert PlanItem.objects.count() == 0


def test_nfd_text_is_imported_as_nfc(client, official, world, agency):
    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    client.force_login(official)
    data = xlsx(
        [nfd(h) for h in DelegationResource.headers()],
        [
            [
                nfd(v) if isinstance(v, str) else v
                for v in delegation_row(**{"Mục đích": "XÚC TIẾN THƯƠNG MẠI"})
            ]
        ],
    )
    _import(client, "delegations", data)
    delegation = Delegation.objects.get()
    assert delegation.title == "Đoàn công tác tại Lào"
    assert unicodedata.is_normalized("NFC", delegation.title)
    assert delegation.purpose == Purpose.TRADE
    assert list(delegation.partners.all()) == [world["partner"]]
    assert delegation.members.first().name == "Trần Thị Bình"
    assert unicodedata.is_normalized("NFC", delegation.members.first().title)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "không phải là tệp Excel"),
        (b"PK\x03\x04 not really a zip", "không phải là tệp Excel"),
        (b"", "tệp rỗng"),
        (xlsx(["Họ và tên", "Ngày sinh"], [["A", "01/01/2000"]]), "Các cột không khớp"),
        (xlsx(DelegationResource.headers(), []), "không có dòng dữ liệu"),
    ],
    ids=["pdf-renamed", "fake-zip", "empty", "wrong-headers", "headers-only"],
)
def test_bad_files_get_a_clear_message(client, official, media, data, message):
    client.force_login(official)
    response = upload(client, "delegations", data)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert message in response.content.decode()
    assert not (media / "imports").exists() or not list((media / "imports").iterdir())


def test_only_xlsx_names_are_accepted(client, official):
    client.force_login(official)
    response = upload(client, "conferences", xlsx(["x"], [["y"]]), name="data.xls")
    assert response.context["form"].errors["file"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(30, 30), (30.0, 30), ("30", 30), ("1.500", 1500), ("", 0)],
)
def test_whole_numbers_are_read_leniently(cell, expected):
    assert IntegerWidget(default=0, maximum=100_000).clean(cell) == expected


@pytest.mark.parametrize("cell", [5.5, "5.5", "12,5", "nhiều", True, -1])
def test_wrong_whole_numbers_are_refused(cell):
    with pytest.raises(ValueError):
        IntegerWidget(maximum=100).clean(cell)
