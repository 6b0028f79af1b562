"""Excel templates, exports and imports of partners, agreements and outputs."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Agency
from agreements import excel
from agreements.models import Agreement, FieldOfCooperation, LegalNotice, Output
from agreements.resources import AgreementResource, OutputResource, cell_text
from partners.models import Partner
from partners.resources import PartnerResource
from tests.factories import AgreementFactory, OutputFactory, PartnerFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
RESOURCES = ["partners", "agreements", "outputs"]
ROLES = ["official", "reporter", "other_reporter", "leader"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def xlsx(headers: list[str], rows: list[list], *, date_format: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if date_format:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime | date):
                    cell.number_format = date_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def label(choice) -> str:
    with translation.override("vi"):
        return str(choice.label)


def upload(client, resource: str, data: bytes, name: str = "data.xlsx"):
    return client.post(
        reverse("agreements:excel_import", args=[resource]),
        {"file": SimpleUploadedFile(name, data, content_type=excel.XLSX_CONTENT_TYPE)},
    )


def confirm(client, resource: str, token: str):
    return client.post(
        reverse("agreements:excel_import_confirm", args=[resource]), {"token": token}
    )


def errors_of(response) -> set[tuple[int | None, str]]:
    return {(error.row, error.column) for error in response.context["report"].errors}


def read_back(content: bytes) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


@pytest.fixture
def registry(owner_agency, agency, other_agency):
    """Partners named in the seeds, with one ambiguous name."""
    return {
        "xieng": PartnerFactory(
            name_vi="Tỉnh Xiêng Khoảng", name_native="Xiangkhouang", country="LA"
        ),
        "van_nam": PartnerFactory(name_vi="Tỉnh Vân Nam", name_native="Yunnan", country="CN"),
        "koica": PartnerFactory(
            name_vi="Cơ quan Hợp tác Quốc tế Hàn Quốc",
            abbreviation="KOICA",
            kind=Partner.Kind.GOVERNMENT_AGENCY,
            country="KR",
        ),
    }


AGREEMENT_HEADERS = AgreementResource.headers()


def agreement_row(**values) -> list:
    defaults = {
        "Loại thỏa thuận": label(Agreement.Kind.MOU),
        "Số hiệu": "",
        "Tên tiếng Việt": "Biên bản ghi nhớ hợp tác",
        "Đối tác": "Tỉnh Xiêng Khoảng",
        "Cấp ký kết": "province",
        "Cơ quan chủ trì": "SNgV",
        "Mục tiêu": "Tăng cường hợp tác.",
    }
    defaults.update(values)
    return [defaults.get(header) for header in AGREEMENT_HEADERS]


# ---------------------------------------------------------------------------
# Templates and exports
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("who", [*ROLES, "administrator"])
def test_template_has_vietnamese_headers_for_every_role(client, request, resource, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("agreements:excel_template", args=[resource]))
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(headers) == excel.RESOURCES[resource].headers()
    assert workbook.sheetnames[1] == "Hướng dẫn"


def test_template_headers_are_the_documented_ones():
    assert {"Tên tiếng Việt", "Số hiệu", "Ngày ký", "Đối tác", "Cơ quan chủ trì"} <= set(
        AgreementResource.headers()
    )
    assert {"Tên tiếng Việt", "Quốc gia", "Trực thuộc"} <= set(PartnerResource.headers())
    assert {"Số hiệu thỏa thuận", "Cơ quan chịu trách nhiệm"} <= set(OutputResource.headers())


@pytest.mark.parametrize("view", ["excel_template", "excel_export", "excel_import"])
def test_anonymous_goes_to_login(client, view):
    response = client.get(reverse(f"agreements:{view}", args=["agreements"]))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_unknown_resource_is_404(client, official):
    client.force_login(official)
    for view in ("excel_template", "excel_export", "excel_import"):
        assert client.get(reverse(f"agreements:{view}", args=["users"])).status_code == 404


@pytest.fixture
def scoped_agreements(agency, other_agency):
    """Public, own-internal and other-internal agreements for the reporter of ``agency``."""
    return {
        "public": AgreementFactory(number="01/PUBLIC", lead_agency=other_agency),
        "own": AgreementFactory(number="02/OWN", lead_agency=agency, internal=True),
        "coordinated": _coordinated(other_agency, agency),
        "other": AgreementFactory(number="04/OTHER", lead_agency=other_agency, internal=True),
    }


def _coordinated(lead, coordinator):
    agreement = AgreementFactory(number="03/COORD", lead_agency=lead, internal=True)
    agreement.coordinating_agencies.set([coordinator])
    return agreement


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("official", {"01/PUBLIC", "02/OWN", "03/COORD", "04/OTHER"}),
        ("leader", {"01/PUBLIC", "02/OWN", "03/COORD", "04/OTHER"}),
        ("reporter", {"01/PUBLIC", "02/OWN", "03/COORD"}),
        ("other_reporter", {"01/PUBLIC", "03/COORD", "04/OTHER"}),
    ],
)
def test_agreement_export_is_limited_to_visible_agreements(
    client, request, scoped_agreements, who, expected
):
    for agreement in scoped_agreements.values():
        OutputFactory(agreement=agreement, description=f"Sản phẩm của {agreement.number}")
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("agreements:excel_export", args=["agreements"]))
    assert response.status_code == 200
    rows = read_back(response.content)
    assert list(rows[0]) == AGREEMENT_HEADERS
    assert {row[1] for row in rows[1:]} == expected
    outputs = read_back(client.get(reverse("agreements:excel_export", args=["outputs"])).content)
    assert {row[0] for row in outputs[1:]} == expected


def test_agreement_export_follows_the_list_filters(client, official, scoped_agreements):
    client.force_login(official)
    response = client.get(reverse("agreements:excel_export", args=["agreements"]), {"q": "own"})
    assert [row[1] for row in read_back(response.content)[1:]] == ["02/OWN"]


def test_agreement_export_values_are_in_vietnamese(client, official, registry, agency):
    agreement = AgreementFactory(
        number="05/2024/BGN",
        lead_agency=agency,
        partners=[registry["xieng"], registry["koica"]],
        signed_on=date(2024, 2, 5),
    )
    agreement.fields.set(FieldOfCooperation.objects.filter(name="Du lịch"))
    client.force_login(official)
    rows = read_back(client.get(reverse("agreements:excel_export", args=["agreements"])).content)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Ngày ký"] == "05/02/2024"
    assert row["Đối tác"] in {
        "Tỉnh Xiêng Khoảng; Cơ quan Hợp tác Quốc tế Hàn Quốc",
        "Cơ quan Hợp tác Quốc tế Hàn Quốc; Tỉnh Xiêng Khoảng",
    }
    assert row["Cơ quan chủ trì"] == "SVHTTDL"
    assert row["Trạng thái"] == label(Agreement.State.IN_FORCE)
    assert row["Lĩnh vực hợp tác"] == "Du lịch"
    assert row["Công khai"] == "Có"


def test_partner_export_writes_country_names_in_vietnamese(client, reporter, registry):
    client.force_login(reporter)
    rows = read_back(client.get(reverse("agreements:excel_export", args=["partners"])).content)
    countries = {row[0]: row[4] for row in rows[1:]}
    assert countries["Tỉnh Vân Nam"] == "Trung Quốc"
    assert countries["Tỉnh Xiêng Khoảng"] == "Lào"


def test_export_neutralises_formulas(client, official, owner_agency):
    dangerous = ['=HYPERLINK("http://x","y")', "+1+2", "-3", "@SUM(A1)", "\tTab", "\rCR"]
    for index, text in enumerate(dangerous):
        PartnerFactory(name_vi=f"Đối tác {index}", notes=text, contacts="a=b (safe)")
    client.force_login(official)
    response = client.get(reverse("agreements:excel_export", args=["partners"]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula cell at all
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    notes_column = PartnerResource.headers().index("Ghi chú")
    notes = {row[notes_column].value for row in workbook.worksheets[0].iter_rows(min_row=2)}
    # (XML reads a stored CR back as LF.)
    assert notes == {("'" + text).replace("\r", "\n") for text in dangerous}
    for row in workbook.worksheets[0].iter_rows(min_row=2):
        assert row[notes_column].data_type == "s"
        assert row[PartnerResource.headers().index("Thông tin liên hệ")].value == "a=b (safe)"
    # The quote is dropped again when the file comes back.
    assert cell_text("'=HYPERLINK(1)") == "=HYPERLINK(1)"
    assert cell_text("'quoted") == "'quoted"


def test_export_query_count_is_fixed(client, official, registry, django_assert_max_num_queries):
    lead = Agency.objects.get(short_name="SNgV")
    for _ in range(40):
        agreement = AgreementFactory(lead_agency=lead, partners=[registry["xieng"]])
        agreement.coordinating_agencies.set(Agency.objects.all())
        OutputFactory(agreement=agreement)
    client.force_login(official)
    for resource in RESOURCES:
        with django_assert_max_num_queries(12):
            response = client.get(reverse("agreements:excel_export", args=[resource]))
        assert len(read_back(response.content)) > 3


# ---------------------------------------------------------------------------
# Import permissions
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("official", 200), ("reporter", 403), ("other_reporter", 403), ("leader", 403)],
)
def test_import_is_for_officials_only(client, request, registry, resource, who, status):
    client.force_login(request.getfixturevalue(who))
    url = reverse("agreements:excel_import", args=[resource])
    assert client.get(url).status_code == status
    data = xlsx(excel.RESOURCES[resource].headers(), [])
    assert upload(client, resource, data).status_code == status
    assert confirm(client, resource, "x" * 32).status_code == (302 if status == 200 else 403)


def test_confirm_is_post_only_and_needs_login(client, official):
    url = reverse("agreements:excel_import_confirm", args=["agreements"])
    assert client.post(url, {"token": "x" * 32})["Location"].startswith(LOGIN)
    client.force_login(official)
    assert client.get(url).status_code == 405


def test_token_of_another_user_is_refused(client, official, registry, owner_agency):
    response = _preview_good_agreements(client, official)
    token = response.context["token"]
    other = official.__class__.objects.create_user(
        username="official2", password="x", role="official", agency=owner_agency
    )
    client.force_login(other)
    response = confirm(client, "agreements", token)
    assert response.status_code == 302
    assert Agreement.objects.count() == 0


# ---------------------------------------------------------------------------
# Importing agreements
# ---------------------------------------------------------------------------
def _good_agreements() -> bytes:
    rows = [
        agreement_row(
            **{
                "Số hiệu": "01/2024/BGN-UBND",
                "Tên tiếng Việt": "Biên bản ghi nhớ về hợp tác du lịch",
                "Đối tác": "Tỉnh Xiêng Khoảng; KOICA",
                "Trạng thái": label(Agreement.State.IN_FORCE),
                "Ngày ký": datetime(2024, 3, 1),  # a real date cell
                "Ngày có hiệu lực": "15/03/2024",
                "Ngày hết hiệu lực": "15/03/2029",
                "Lĩnh vực hợp tác": "Du lịch; Văn hóa, thể thao",
                "Cơ quan phối hợp": "SVHTTDL; sct",
                "Tự động gia hạn": "có",
                "Công khai": "Không",
            }
        ),
        agreement_row(
            **{
                "Loại thỏa thuận": "programme",
                "Số hiệu": "02/2024/CT",
                "Đối tác": "tỉnh vân nam",
                "Cấp ký kết": label(Agreement.SigningLevel.DEPARTMENT),
                "Cơ quan chủ trì": "SVHTTDL",
            }
        ),
        agreement_row(**{"Tên tiếng Việt": "Dự án chưa có số hiệu", "Loại thỏa thuận": "project"}),
    ]
    return xlsx(AGREEMENT_HEADERS, rows, date_format="DD/MM/YYYY")


def _preview_good_agreements(client, official):
    client.force_login(official)
    response = upload(client, "agreements", _good_agreements(), name="thoa-thuan.xlsx")
    assert response.status_code == 200
    assert response.context["report"].errors == []
    return response


def test_good_agreement_file_is_previewed_then_imported(client, official, registry, media):
    response = _preview_good_agreements(client, official)
    assert 'data-testid="excel-import-ok"' in response.content.decode()
    assert Agreement.objects.count() == 0  # the preview saves nothing
    token = response.context["token"]
    stored = list((media / "imports").iterdir())
    assert [path.name for path in stored] == [f"{token}.xlsx"]

    response = confirm(client, "agreements", token)
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:list")
    assert Agreement.objects.count() == 3
    assert list((media / "imports").iterdir()) == []  # the stored file is gone
    assert confirm(client, "agreements", token).status_code == 302  # …and cannot be replayed
    assert Agreement.objects.count() == 3

    first = Agreement.objects.get(number="01/2024/BGN-UBND")
    assert first.state == Agreement.State.IN_FORCE
    assert (first.signed_on, first.effective_on, first.end_on) == (
        date(2024, 3, 1),
        date(2024, 3, 15),
        date(2029, 3, 15),
    )
    assert set(first.partners.all()) == {registry["xieng"], registry["koica"]}
    assert set(first.fields.values_list("name", flat=True)) == {"Du lịch", "Văn hóa, thể thao"}
    assert set(first.coordinating_agencies.values_list("short_name", flat=True)) == {
        "SVHTTDL",
        "SCT",
    }
    assert first.auto_renewal is True and first.is_public is False
    assert first.lead_agency.short_name == "SNgV"
    assert "xieng khoang" in first.search_text and "koica" in first.search_text
    # As services.agreement_create: an agreement signed long ago opens no signing report.
    assert not LegalNotice.objects.filter(agreement=first).exists()

    second = Agreement.objects.get(number="02/2024/CT")
    assert second.kind == Agreement.Kind.PROGRAMME
    assert second.signing_level == Agreement.SigningLevel.DEPARTMENT
    assert second.state == Agreement.State.PROPOSED and second.is_public is True
    assert list(second.partners.all()) == [registry["van_nam"]]
    assert not LegalNotice.objects.filter(agreement=second).exists()
    assert Agreement.objects.filter(number="", title_vi="Dự án chưa có số hiệu").exists()


def test_imported_agreements_have_history_with_the_importing_user(client, official, registry):
    token = _preview_good_agreements(client, official).context["token"]
    confirm(client, "agreements", token)
    history = Agreement.history.filter(history_type="+")
    assert history.count() == 3
    assert set(history.values_list("history_user", flat=True)) == {official.pk}
    first = Agreement.objects.get(number="01/2024/BGN-UBND")
    record = first.history.get()
    assert {p.partner_id for p in record.partners.all()} == {
        registry["xieng"].pk,
        registry["koica"].pk,
    }
    assert record.coordinating_agencies.count() == 2
    assert record.fields.count() == 2


def test_mixed_errors_are_all_reported_and_nothing_is_saved(client, official, registry):
    AgreementFactory(number="99/EXISTING", partners=[registry["xieng"]])
    rows = [
        agreement_row(**{"Số hiệu": "A-1"}),  # row 2: fine
        agreement_row(**{"Số hiệu": "A-1", "Đối tác": "Tỉnh Không Tồn Tại"}),  # row 3
        agreement_row(**{"Ngày ký": "2024-03-01"}),  # row 4: not dd/mm/yyyy
        agreement_row(**{"Ngày có hiệu lực": "01/06/2025", "Ngày hết hiệu lực": "01/01/2025"}),
        agreement_row(**{"Số hiệu": "99/EXISTING", "Tên tiếng Việt": ""}),  # row 6
        agreement_row(**{"Cơ quan chủ trì": "XYZ", "Loại thỏa thuận": "hiệp ước"}),  # row 7
        agreement_row(**{"Ngày ký": "31/02/2024", "Công khai": "có lẽ"}),  # row 8
        agreement_row(**{"Đối tác": ""}),  # row 9
    ]
    client.force_login(official)
    before = Agreement.objects.count()
    response = upload(client, "agreements", xlsx(AGREEMENT_HEADERS, rows))
    assert response.status_code == 200
    assert errors_of(response) == {
        (3, "Số hiệu"),
        (3, "Đối tác"),
        (4, "Ngày ký"),
        (5, "Ngày hết hiệu lực"),
        (6, "Số hiệu"),
        (6, "Tên tiếng Việt"),
        (7, "Cơ quan chủ trì"),
        (7, "Loại thỏa thuận"),
        (8, "Ngày ký"),
        (8, "Công khai"),
        (9, "Đối tác"),
    }
    messages = {(e.row, e.column): e.message for e in response.context["report"].errors}
    assert "dòng 2" in messages[(3, "Số hiệu")]
    assert "Tỉnh Không Tồn Tại" in messages[(3, "Đối tác")]
    assert "dd/mm/yyyy" in messages[(4, "Ngày ký")]
    assert messages[(5, "Ngày hết hiệu lực")] == "Ngày hết hiệu lực trước ngày có hiệu lực."
    assert "99/EXISTING" in messages[(6, "Số hiệu")]
    assert messages[(6, "Tên tiếng Việt")] == "Thiếu giá trị bắt buộc."
    page = response.content.decode()
    assert 'data-testid="excel-import-errors"' in page and "excel-import-confirm" not in page
    assert response.context["token"] is None
    assert Agreement.objects.count() == before
    assert Agreement.history.filter(history_user=official).count() == 0


def test_confirm_checks_the_stored_file_again(client, official, registry):
    token = _preview_good_agreements(client, official).context["token"]
    # Someone registers one of the numbers between the check and the confirmation.
    AgreementFactory(number="02/2024/CT", partners=[registry["xieng"]])
    response = confirm(client, "agreements", token)
    assert response.status_code == 200
    assert errors_of(response) == {(3, "Số hiệu")}
    assert Agreement.objects.count() == 1


def test_confirm_refuses_a_stored_file_changed_on_disk(client, official, registry, media):
    token = _preview_good_agreements(client, official).context["token"]
    (media / "imports" / f"{token}.xlsx").write_bytes(xlsx(AGREEMENT_HEADERS, []))
    response = confirm(client, "agreements", token)
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:excel_import", args=["agreements"])
    assert Agreement.objects.count() == 0


def test_nfd_text_is_imported_as_nfc(client, official, registry):
    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    title = "Thỏa thuận hợp tác phát triển nông nghiệp Đồng Văn"
    headers = [nfd(header) for header in AGREEMENT_HEADERS]
    row = agreement_row(
        **{
            "Tên tiếng Việt": nfd(title),
            "Đối tác": nfd("Tỉnh Xiêng Khoảng"),
            "Loại thỏa thuận": nfd(label(Agreement.Kind.AGREEMENT)),
            "Lĩnh vực hợp tác": nfd("Nông nghiệp, lâm nghiệp"),
            "Mục tiêu": nfd("Hỗ trợ kỹ thuật."),
        }
    )
    assert nfd(title) != title
    client.force_login(official)
    response = upload(client, "agreements", xlsx(headers, [row]))
    assert response.context["report"].errors == []
    confirm(client, "agreements", response.context["token"])
    agreement = Agreement.objects.get()
    assert agreement.title_vi == title
    assert agreement.objectives == "Hỗ trợ kỹ thuật."
    assert list(agreement.partners.all()) == [registry["xieng"]]
    assert agreement.fields.get().name == "Nông nghiệp, lâm nghiệp"
    assert Agreement.objects.filter(title_vi=title).exists()


# ---------------------------------------------------------------------------
# Partners and outputs
# ---------------------------------------------------------------------------
def test_partner_import_goes_through_the_service_with_history(client, official, registry):
    headers = PartnerResource.headers()

    def row(**values):
        return [values.get(header) for header in headers]

    rows = [
        row(
            **{
                "Tên tiếng Việt": "Tỉnh Gyeonggi",
                "Loại đối tác": "province_state",
                "Quốc gia": "Hàn Quốc",
                "Tình trạng quan hệ": label(Partner.RelationStatus.NEW),
            }
        ),
        row(
            **{
                "Tên tiếng Việt": "Thành phố Anseong",
                "Loại đối tác": label(Partner.Kind.CITY),
                "Quốc gia": "kr",
                "Trực thuộc": "Tỉnh Gyeonggi",
                "Kết nghĩa": "x",
                "Ngày thiết lập quan hệ": "12/10/2019",
            }
        ),
    ]
    client.force_login(official)
    response = upload(client, "partners", xlsx(headers, rows))
    assert response.context["report"].errors == []
    assert not Partner.objects.filter(name_vi="Tỉnh Gyeonggi").exists()
    response = confirm(client, "partners", response.context["token"])
    assert response["Location"] == reverse("partners:list")
    anseong = Partner.objects.get(name_vi="Thành phố Anseong")
    assert anseong.parent.name_vi == "Tỉnh Gyeonggi"
    assert (anseong.country, anseong.is_twinned) == ("KR", True)
    assert anseong.relation_established_on == date(2019, 10, 12)
    assert anseong.search_text == "thanh pho anseong"
    assert anseong.history.get().history_user == official
    assert anseong.parent.history.get().history_user == official


def test_partner_import_errors(client, official, registry):
    headers = PartnerResource.headers()

    def row(**values):
        return [values.get(header) for header in headers]

    rows = [
        row(
            **{"Tên tiếng Việt": "Tỉnh Vân Nam", "Loại đối tác": "province_state", "Quốc gia": "CN"}
        ),  # row 2: already registered
        row(**{"Tên tiếng Việt": "Tỉnh Mới", "Loại đối tác": "tỉnh", "Quốc gia": "Atlantis"}),
        row(
            **{
                "Tên tiếng Việt": "Tỉnh Mới 2",
                "Loại đối tác": "city",
                "Quốc gia": "LA",
                "Trực thuộc": "Không có",
            }
        ),
        row(**{"Tên tiếng Việt": "Tỉnh Mới 2", "Loại đối tác": "city", "Quốc gia": "LA"}),
    ]
    client.force_login(official)
    response = upload(client, "partners", xlsx(headers, rows))
    assert errors_of(response) == {
        (2, "Tên tiếng Việt"),
        (3, "Loại đối tác"),
        (3, "Quốc gia"),
        (4, "Trực thuộc"),
        (5, "Tên tiếng Việt"),
    }
    assert Partner.objects.count() == 3


def test_output_import(client, official, registry, agency):
    agreement = AgreementFactory(number="07/2023/TTQT", partners=[registry["xieng"]])
    headers = OutputResource.headers()

    def row(**values):
        return [values.get(header) for header in headers]

    good = [
        row(
            **{
                "Số hiệu thỏa thuận": "07/2023/TTQT",
                "Sản phẩm đầu ra": "Đoàn khảo sát",
                "Giá trị mục tiêu": 3,
                "Hạn hoàn thành": "31/12/2026",
                "Cơ quan chịu trách nhiệm": "SVHTTDL",
                "Giá trị hiện tại": "1,5",
            }
        ),
        row(
            **{
                "Số hiệu thỏa thuận": "07/2023/TTQT",
                "Sản phẩm đầu ra": "Hội chợ du lịch",
                "Cơ quan chịu trách nhiệm": "SNgV",
                "Tình trạng": label(Output.Status.ACHIEVED),
                "Giá trị mục tiêu": 12.3,
            }
        ),
    ]
    client.force_login(official)
    response = upload(client, "outputs", xlsx(headers, good))
    assert response.context["report"].errors == []
    confirm(client, "outputs", response.context["token"])
    outputs = {o.description: o for o in agreement.outputs.all()}
    assert outputs["Đoàn khảo sát"].current_value == Decimal("1.5")
    assert outputs["Đoàn khảo sát"].responsible_agency == agency
    assert outputs["Hội chợ du lịch"].status == Output.Status.ACHIEVED
    assert outputs["Hội chợ du lịch"].target_value == Decimal("12.30")
    assert Output.history.filter(history_user=official).count() == 2

    bad = [
        row(
            **{
                "Số hiệu thỏa thuận": "00/KHONG-CO",
                "Sản phẩm đầu ra": "X",
                "Cơ quan chịu trách nhiệm": "SNgV",
            }
        ),
        row(
            **{
                "Số hiệu thỏa thuận": "07/2023/TTQT",
                "Sản phẩm đầu ra": "Y",
                "Cơ quan chịu trách nhiệm": "SNgV",
                "Giá trị mục tiêu": -1,
                "Giá trị hiện tại": "nhiều",
            }
        ),
    ]
    response = upload(client, "outputs", xlsx(headers, bad))
    assert errors_of(response) == {
        (2, "Số hiệu thỏa thuận"),
        (3, "Giá trị mục tiêu"),
        (3, "Giá trị hiện tại"),
    }
    assert agreement.outputs.count() == 2


def test_exported_file_imports_back(client, official, registry, agency):
    source = AgreementFactory(
        number="11/2022/BGN", lead_agency=agency, partners=[registry["koica"]]
    )
    client.force_login(official)
    content = client.get(reverse("agreements:excel_export", args=["agreements"])).content
    source.delete()
    response = upload(client, "agreements", content)
    assert response.context["report"].errors == []
    confirm(client, "agreements", response.context["token"])
    again = Agreement.objects.get(number="11/2022/BGN")
    assert (again.signed_on, again.end_on) == (source.signed_on, source.end_on)
    assert list(again.partners.all()) == [registry["koica"]]


# ---------------------------------------------------------------------------
# Files that are not what they claim
# ---------------------------------------------------------------------------
def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "không phải là tệp Excel"),
        (b"", "tệp rỗng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "Excel 97–2003"),
        (_zip({"word/document.xml": "<w/>"}), "không phải là tệp Excel"),
        (_zip({"xl/workbook.xml": "<workbook><sheets><sheet"}), "không phải là tệp Excel"),
        (xlsx(["Họ và tên", "Ngày sinh"], [["A", "01/01/2000"]]), "Các cột không khớp"),
        (xlsx([], []), "không có dữ liệu"),
        (xlsx(AGREEMENT_HEADERS, []), "không có dòng dữ liệu"),
    ],
    ids=[
        "pdf",
        "empty",
        "xls",
        "docx-like",
        "broken-xml",
        "wrong-headers",
        "empty-sheet",
        "headers-only",
    ],
)
def test_bad_files_get_a_clear_message(client, official, media, data, message):
    client.force_login(official)
    response = upload(client, "agreements", data)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert message in response.content.decode()
    assert not (media / "imports").exists() or not list((media / "imports").iterdir())


def test_wrong_headers_are_listed(client, official):
    headers = [h for h in AGREEMENT_HEADERS if h != "Đối tác"] + ["Ghi chú thêm"]
    client.force_login(official)
    response = upload(client, "agreements", xlsx(headers, [["x"] * len(headers)]))
    (error,) = response.context["form"].errors["file"]
    assert "“Đối tác”" in error and "“Ghi chú thêm”" in error


def test_file_name_and_size_limits(client, official, monkeypatch):
    client.force_login(official)
    response = upload(client, "agreements", xlsx(AGREEMENT_HEADERS, []), name="data.csv")
    assert response.context["form"].errors["file"]
    monkeypatch.setattr(excel, "MAX_UPLOAD_BYTES", 1000)
    response = upload(client, "agreements", xlsx(AGREEMENT_HEADERS, []))
    assert "MB" in response.context["form"].errors["file"][0]


def test_row_limit(client, official, registry, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    client.force_login(official)
    response = upload(client, "agreements", xlsx(AGREEMENT_HEADERS, [agreement_row()] * 4))
    assert "3" in response.context["form"].errors["file"][0]
    response = upload(client, "agreements", xlsx(AGREEMENT_HEADERS, [agreement_row()] * 3))
    assert response.context["report"].total == 3


# ---------------------------------------------------------------------------
# The reader on what Excel itself writes
# ---------------------------------------------------------------------------
EXCEL_LIKE = {
    "[Content_Types].xml": "<Types/>",
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org'
        '/officeDocument/2006/relationships/officeDocument"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Dữ liệu" sheetId="2" r:id="rId7"/>'
        '<sheet name="Khác" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId7" Target="/xl/worksheets/sheet2.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId8" Target="sharedStrings.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
        '<Relationship Id="rId9" Target="styles.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/styles"/></Relationships>'
    ),
    "xl/sharedStrings.xml": (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>Tên</t></si><si><t>Ngày</t></si>"
        "<si><r><t>Xiêng </t></r><r><rPr><b/></rPr><t>Khoảng</t></r>"
        "<rPh><t>ignored</t></rPh></si></sst>"
    ),
    "xl/styles.xml": (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
        '<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs>'
        "</styleSheet>"
    ),
    "xl/worksheets/sheet1.xml": "<worksheet/>",
    "xl/worksheets/sheet2.xml": (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<x:sheetData>"
        '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c>'
        "</x:row>"
        '<x:row r="3"><x:c r="A3" t="s"><x:v>2</x:v></x:c><x:c r="B3" s="1"><x:v>45352</x:v>'
        '</x:c><x:c r="D3" t="e"><x:v>#N/A</x:v></x:c></x:row>'
        '<x:row r="4"><x:c r="B4" s="2"><x:v>45000.5</x:v></x:c>'
        '<x:c r="C4" t="str"><x:f>A1</x:f><x:v>Tên</x:v></x:c></x:row>'
        '<x:row r="5"><x:c r="A5" s="1"/><x:c r="B5" t="inlineStr"><x:is><x:t> </x:t></x:is>'
        "</x:c></x:row>"
        '<x:row r="6"><x:c r="A6" t="b"><x:v>1</x:v></x:c><x:c r="B6"><x:v>12.5</x:v></x:c>'
        "</x:row></x:sheetData></x:worksheet>"
    ),
}


def _workbook_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_reader_handles_what_excel_writes():
    data = _workbook_bytes(
        [
            [None],
            ["Tên", "Ngày"],
            ["Xiêng Khoảng", datetime(2024, 3, 1), None, "#REF!"],
            [None, datetime(2023, 3, 15, 12), "Tên"],
            [None],
            [True, 12.5],
        ]
    )
    sheet = excel.read_xlsx(data)
    assert sheet.headers == ["Tên", "Ngày"]
    numbers = [number for number, _values in sheet.rows]
    assert numbers == [3, 4, 6]  # Excel's row numbers; blank rows skipped
    row3, row4, row6 = (values for _number, values in sheet.rows)
    assert row3[:2] == ["Xiêng Khoảng", datetime(2024, 3, 1)]
    assert isinstance(row3[3], excel.CellError)
    assert row4[1:3] == [datetime(2023, 3, 15, 12), "Tên"]
    assert row6[:2] == [True, 12.5]


def test_excel_error_cells_are_reported(client, official, registry):
    sheet = excel.read_xlsx(_workbook_bytes([["Tên tiếng Việt", "Ngày ký"], ["#REF!", 45352]]))
    with pytest.raises(excel.ExcelFileError):  # required columns are missing
        excel.run_import(AgreementResource, sheet, user=official, dry_run=True)
    sheet.headers = AGREEMENT_HEADERS[:]
    sheet.rows = [(2, agreement_row(**{"Tên tiếng Việt": excel.CellError("#REF!")}))]
    report = excel.run_import(AgreementResource, sheet, user=official, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "Tên tiếng Việt")]
    assert "#REF!" in report.errors[0].message


def test_bulk_import_matches_the_service(client, official, registry, agency):
    """The bulk writer leaves the same records as services.agreement_create."""
    from agreements import services

    data = {
        "kind": "mou",
        "number": "SV-1",
        "title_vi": "Bản ghi nhớ về giáo dục",
        "signing_level": "province",
        "state": "in_force",
        "signed_on": timezone.localdate() - timedelta(days=10),
        "lead_agency": agency,
        "objectives": "Trao đổi sinh viên.",
    }
    by_service = services.agreement_create(
        user=official, data=data, partners=[registry["koica"], registry["xieng"]]
    )
    row = agreement_row(
        **{
            "Loại thỏa thuận": "mou",
            "Số hiệu": "XL-1",
            "Tên tiếng Việt": "Bản ghi nhớ về giáo dục",
            "Đối tác": "KOICA; Tỉnh Xiêng Khoảng",
            "Cấp ký kết": "province",
            "Trạng thái": "in_force",
            "Ngày ký": (timezone.localdate() - timedelta(days=10)).strftime("%d/%m/%Y"),
            "Cơ quan chủ trì": "SVHTTDL",
            "Mục tiêu": "Trao đổi sinh viên.",
        }
    )
    client.force_login(official)
    response = upload(client, "agreements", xlsx(AGREEMENT_HEADERS, [row]))
    confirm(client, "agreements", response.context["token"])
    imported = Agreement.objects.get(number="XL-1")
    assert imported.search_text == by_service.search_text.replace("sv-1", "xl-1")
    assert imported.created_at is not None and imported.updated_at is not None
    fields = ["kind", "title_vi", "signing_level", "state", "signed_on", "lead_agency_id"]
    assert [getattr(imported, f) for f in fields] == [getattr(by_service, f) for f in fields]
    assert set(imported.partners.all()) == set(by_service.partners.all())
    # A recent signing opens the 15-day report, with its history.
    notices = [LegalNotice.objects.get(agreement=a) for a in (imported, by_service)]
    assert notices[0].due_on == notices[1].due_on and notices[0].kind == notices[1].kind
    assert notices[0].history.get().history_user_id == official.pk
    imported.full_clean()  # what the service would have required
    latest = imported.history.latest()
    assert latest.history_type == "+" and latest.history_user_id == official.pk
    assert {p.partner_id for p in latest.partners.all()} == {
        registry["koica"].pk,
        registry["xieng"].pk,
    }
