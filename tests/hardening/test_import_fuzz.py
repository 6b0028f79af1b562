"""Import fuzzing: over a thousand generated and mutated workbooks fed to the real import path.

The files come from ``tests.hardening.fuzzfiles``: seeded mutations of the very template each
register's "download the template" link serves. Each of the seven imports (partners,
agreements, outputs, plan items, delegations, conferences, target measurements) gets its own
batch; most files go through the import machinery directly (``read_xlsx`` + ``run_import`` with
``dry_run=False``, i.e. a real attempt to save), one in six through the web pages (upload,
check, and confirm when the check passes).

For every file:

* no exception but the one meant for the user (``ExcelFileError``), and no row that failed
  with an internal error (those are logged by ``agreements.excel`` at ERROR level);
* refused (any error at all) means nothing written: the row counts of every table of the
  registers and of their history are what they were;
* accepted means every row saved;
* every message is in Vietnamese;
* the pages never echo a cell's markup unescaped.
"""

from __future__ import annotations

import logging
import random
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.db.models import Count, Q
from django.db.models.functions import Length
from django.test.utils import register_lookup
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from agreements import excel
from agreements.excel import ExcelFileError, read_xlsx, run_import
from agreements.excel_urls import EXCEL as AGREEMENTS_EXCEL
from agreements.models import Agreement, Output
from delegations.excel_views import EXCEL as DELEGATIONS_EXCEL
from delegations.models import Conference, Delegation, Direction, PlanItem, Purpose
from partners.models import Partner
from reports.periods import PeriodKind
from targets.excel_views import EXCEL as TARGETS_EXCEL
from targets.models import Measurement
from tests.delegations.factories import PlanFactory
from tests.factories import AgreementFactory, PartnerFactory
from tests.hardening.fuzzfiles import (
    EXCEL_MAX_CELL,
    IMG,
    XSS,
    Mutator,
    column_kind,
    is_vietnamese,
    many_rows_xlsx,
    zip_bomb,
)
from tests.targets.factories import TargetFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 1)  # both 2026 reporting periods have started
FILES_PER_RESOURCE = 145
VIEW_EVERY = 6  # one file in six goes through the web pages
FUZZED_APPS = ("partners", "agreements", "delegations", "targets")
# Control characters other than tab and line breaks (NUL cannot even be stored in PostgreSQL).
CONTROL_RE = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
NAMES = [
    "du-lieu.xlsx",
    "Dữ liệu nhập.xlsx",
    unicodedata.normalize("NFD", "Dữ liệu nhập (NFD).xlsx"),
    "../../../etc/passwd.xlsx",
    "..\\..\\windows\\win.ini.xlsx",
    "<script>alert(1)</script>.xlsx",
    "tệp " + "rất dài " * 60 + ".xlsx",
    "DATA.XLSX",
    "\u202eslx.exe.xlsx",
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def vi(choice) -> str:
    with translation.override("vi"):
        return str(choice.label)


# ---------------------------------------------------------------------------------------------
# What each import needs: the registers it names, and good rows
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def world(owner_agency, agency, other_agency, official):
    PartnerFactory(name_vi="Tỉnh Xiêng Khoảng", name_native="Xiangkhouang", country="LA")
    PartnerFactory(name_vi="Tỉnh Vân Nam", name_native="Yunnan", country="CN")
    AgreementFactory(number="01/2024/BGN-XK", lead_agency=owner_agency)
    PlanFactory(year=2026, direction=Direction.OUTBOUND)
    PlanFactory(year=2026, direction=Direction.INBOUND)
    TargetFactory(code="4.1", owner_agency=owner_agency, unit="chương trình")
    TargetFactory(code="4.2", owner_agency=agency, unit="%", kind="percentage", target_min=80)
    return official


def _serial(rng: random.Random) -> int:
    return rng.randrange(10**9)


def partner_rows(rng, n):
    return [
        {
            "Tên tiếng Việt": f"Tỉnh Thử Nghiệm {_serial(rng)}",
            "Tên gốc hoặc tiếng Anh": "Test province",
            "Loại đối tác": rng.choice([vi(Partner.Kind.PROVINCE_STATE), "city"]),
            "Quốc gia": rng.choice(["LA", "KR", "Hàn Quốc"]),
            "Trực thuộc": rng.choice(["", "Tỉnh Vân Nam"]),
            "Tình trạng quan hệ": vi(Partner.RelationStatus.NEW),
            "Ngày thiết lập quan hệ": rng.choice(["05/02/2020", date(2021, 3, 4), None]),
            "Kết nghĩa": rng.choice(["Có", "Không", None]),
            "Thông tin liên hệ": "Sở Ngoại vụ tỉnh bạn",
            "Ghi chú": "Ghi chú thử",
        }
        for _ in range(n)
    ]


def agreement_rows(rng, n):
    rows = []
    for _ in range(n):
        signed = rng.random() < 0.5
        rows.append(
            {
                "Loại thỏa thuận": vi(Agreement.Kind.MOU),
                "Số hiệu": f"{_serial(rng)}/BGN-FUZZ",
                "Tên tiếng Việt": "Biên bản ghi nhớ hợp tác thử",
                "Tên tiếng Anh": "Test memorandum",
                "Đối tác": rng.choice(["Tỉnh Xiêng Khoảng", "Tỉnh Xiêng Khoảng; Tỉnh Vân Nam"]),
                "Cấp ký kết": rng.choice(["province", vi(Agreement.SigningLevel.DEPARTMENT)]),
                "Trạng thái": vi(Agreement.State.IN_FORCE) if signed else "",
                "Ngày ký": "10/03/2025" if signed else None,
                "Ngày có hiệu lực": "15/03/2025" if signed else None,
                "Ngày hết hiệu lực": "15/03/2030" if signed else None,
                "Lĩnh vực hợp tác": "Du lịch",
                "Cơ quan chủ trì": "SNgV",
                "Cơ quan phối hợp": "SVHTTDL; SCT",
                "Mục tiêu": "Tăng cường hợp tác.",
                "Cơ chế đánh giá": "Đánh giá hằng năm.",
                "Ghi chú": "Nhập thử",
            }
        )
    return rows


def output_rows(rng, n):
    return [
        {
            "Số hiệu thỏa thuận": "01/2024/BGN-XK",
            "Sản phẩm đầu ra": f"Sản phẩm thử {_serial(rng)}",
            "Chỉ số": "Số đoàn",
            "Đơn vị tính": "đoàn",
            "Giá trị mục tiêu": rng.choice([10, "12,5", None]),
            "Hạn hoàn thành": "31/12/2026",
            "Cơ quan chịu trách nhiệm": "SNgV",
            "Giá trị hiện tại": rng.choice([0, 3, None]),
            "Ghi chú tiến độ": "Đang thực hiện",
        }
        for _ in range(n)
    ]


def plan_rows(rng, n):
    return [
        {
            "Năm kế hoạch": 2026,
            "Loại đoàn": rng.choice([vi(Direction.OUTBOUND), "inbound"]),
            "Mục đích": vi(Purpose.INVESTMENT),
            "Nội dung": f"Xúc tiến đầu tư {_serial(rng)}",
            "Quốc gia": "KR",
            "Đối tác": rng.choice(["", "Tỉnh Vân Nam"]),
            "Tháng dự kiến": rng.choice([6, "9", None]),
            "Số thành viên dự kiến": 5,
            "Cơ quan chủ trì": "SNgV",
        }
        for _ in range(n)
    ]


def delegation_rows(rng, n):
    return [
        {
            "Loại đoàn": vi(Direction.OUTBOUND),
            "Tên đoàn": f"Đoàn công tác thử {_serial(rng)}",
            "Mục đích": vi(Purpose.TRADE),
            "Trưởng đoàn": "Nguyễn Văn A",
            "Chức vụ trưởng đoàn": "Phó Chủ tịch UBND tỉnh",
            "Thành viên": rng.choice(["", "Trần Thị B - Chuyên viên; Lê Văn C"]),
            "Quốc gia": "KR",
            "Ngày bắt đầu dự kiến": "10/09/2026",
            "Ngày kết thúc dự kiến": "15/09/2026",
            "Cơ quan chủ trì, đón tiếp": "SNgV",
            "Kinh phí (đồng)": rng.choice([None, 150000000, "1.500.000"]),
        }
        for _ in range(n)
    ]


def conference_rows(rng, n):
    return [
        {
            "Tên hội nghị, hội thảo": f"Hội thảo quốc tế thử {_serial(rng)}",
            "Mục đích": vi(Purpose.TOURISM),
            "Cơ quan tổ chức": "SNgV",
            "Ngày khai mạc": "10/10/2026",
            "Ngày bế mạc": "11/10/2026",
            "Địa điểm": "Tuyên Quang",
            "Số đại biểu nước ngoài": rng.choice([None, 20]),
        }
        for _ in range(n)
    ]


def measurement_rows(rng, n):
    # At most one row per target and period: four distinct pairs.
    pairs = [
        (code, kind)
        for code in ("4.1", "4.2")
        for kind in (vi(PeriodKind.SEMIANNUAL), vi(PeriodKind.ANNUAL))
    ]
    rng.shuffle(pairs)
    return [
        {
            "Mã chỉ tiêu": code,
            "Năm": 2026,
            "Kỳ báo cáo": kind,
            "Giá trị": rng.choice([5, "12,5", 60]),
            "Minh chứng": f"Báo cáo số {_serial(rng)}/BC",
        }
        for code, kind in pairs[: min(n, 4)]
    ]


@dataclass(frozen=True)
class Spec:
    views: object  # the register's ExcelViews
    model: type
    rows: object
    free_text: frozenset[str]
    create_only: bool = True


SPECS = {
    "partners": Spec(
        AGREEMENTS_EXCEL, Partner, partner_rows, frozenset({"Thông tin liên hệ", "Ghi chú"})
    ),
    "agreements": Spec(
        AGREEMENTS_EXCEL,
        Agreement,
        agreement_rows,
        frozenset({"Tên tiếng Anh", "Nơi ký", "Thời hạn", "Cơ chế đánh giá", "Ghi chú"}),
    ),
    "outputs": Spec(
        AGREEMENTS_EXCEL, Output, output_rows, frozenset({"Chỉ số", "Ghi chú tiến độ"})
    ),
    "plans": Spec(DELEGATIONS_EXCEL, PlanItem, plan_rows, frozenset({"Thời gian dự kiến"})),
    "delegations": Spec(
        DELEGATIONS_EXCEL,
        Delegation,
        delegation_rows,
        frozenset({"Chức vụ trưởng đoàn", "Địa điểm", "Chương trình"}),
    ),
    "conferences": Spec(
        DELEGATIONS_EXCEL,
        Conference,
        conference_rows,
        frozenset({"Thành phần tham dự", "Số quyết định"}),
    ),
    "measurements": Spec(
        TARGETS_EXCEL, Measurement, measurement_rows, frozenset({"Minh chứng"}), create_only=False
    ),
}


# ---------------------------------------------------------------------------------------------
# Oracles
# ---------------------------------------------------------------------------------------------
def fuzzed_tables(spec: Spec | None = None) -> list[str]:
    """Every table of the register an import writes to (of every register without ``spec``):
    its models, their many-to-many tables and their history."""
    labels = [spec.model._meta.app_label] if spec else FUZZED_APPS
    tables = set()
    for label in labels:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables.add(model._meta.db_table)
    return sorted(tables)


def row_counts(tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {t: after[t] - before[t] for t in before if after[t] != before[t]}


class Outcome:
    def __init__(self, fuzz, refused: bool, messages: list[str], saved: int = 0) -> None:
        self.fuzz, self.refused, self.messages, self.saved = fuzz, refused, messages, saved


def check_messages(fuzz, messages: list[str]) -> None:
    for message in messages:
        assert message.strip(), f"{fuzz}: an empty message"
        assert is_vietnamese(message), f"{fuzz}: not Vietnamese: {message[:300]!r}"


def check_writes(fuzz, spec: Spec, outcome: Outcome, before, after) -> None:
    delta = changed(before, after)
    if outcome.refused:
        assert not delta, f"{fuzz}: refused but written: {delta}"
        return
    main = delta.get(spec.model._meta.db_table, 0)
    if spec.create_only:
        assert main == outcome.saved, f"{fuzz}: {outcome.saved} rows saved, {main} created"
    else:
        assert main <= outcome.saved, f"{fuzz}: {outcome.saved} rows saved, {main} created"


def stored_anomalies(spec: Spec, resource_class) -> list[str]:
    """Values an accepted import must never leave in the register: dates outside 1900–2100
    (the importer's range for typed dates), text with NUL or other control characters, text
    longer than an Excel cell can hold. One query."""
    imported = {f.attribute for f in resource_class.columns()}
    checks = {}
    for field in spec.model._meta.concrete_fields:
        name = field.name
        if name not in imported:
            continue
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            early = Q(**{f"{name}__lt": date(1900, 1, 1)})
            late = Q(**{f"{name}__gt": date(2100, 12, 31)})
            checks[f"{name} outside 1900-2100"] = Count("pk", filter=early | late)
        elif isinstance(field, models.CharField | models.TextField):
            checks[f"{name} with control characters"] = Count(
                "pk", filter=Q(**{f"{name}__regex": CONTROL_RE})
            )
            checks[f"{name} over {EXCEL_MAX_CELL} characters"] = Count(
                "pk", filter=Q(**{f"{name}__length__gt": EXCEL_MAX_CELL})
            )
    with register_lookup(models.CharField, Length), register_lookup(models.TextField, Length):
        found = spec.model.objects.aggregate(
            **{f"c{i}": check for i, check in enumerate(checks.values())}
        )
    return [what for i, what in enumerate(checks) if found[f"c{i}"]]


def through_service(resource_class, fuzz, user) -> Outcome:
    try:
        report = run_import(resource_class, read_xlsx(fuzz.data), user=user, dry_run=False)
    except ExcelFileError as error:
        return Outcome(fuzz, True, [error.message])
    return Outcome(fuzz, not report.ok, [e.message for e in report.errors], report.saved)


def through_view(client, spec: Spec, resource: str, fuzz) -> Outcome:
    namespace = spec.views.namespace
    upload = SimpleUploadedFile(fuzz.name, fuzz.data, content_type=excel.XLSX_CONTENT_TYPE)
    response = client.post(reverse(f"{namespace}:excel_import", args=[resource]), {"file": upload})
    assert response.status_code == 200, f"{fuzz}: {response.status_code}"
    check_escaped(fuzz, response)
    if "report" not in response.context:
        messages = response.context["form"].errors.get("file", [])
        assert messages, f"{fuzz}: the import page came back without a message"
        return Outcome(fuzz, True, list(messages))
    report = response.context["report"]
    messages = [e.message for e in report.errors]
    if not report.ok:
        assert response.context["token"] is None
        return Outcome(fuzz, True, messages)
    token = response.context["token"]
    assert token, f"{fuzz}: a good file without a token to confirm"
    confirmed = client.post(
        reverse(f"{namespace}:excel_import_confirm", args=[resource]), {"token": token}
    )
    assert confirmed.status_code == 302, f"{fuzz}: confirm answered {confirmed.status_code}"
    return Outcome(fuzz, False, messages, report.total)


def check_escaped(fuzz, response) -> None:
    content = response.content.decode()
    for marker in (XSS, IMG, "<script>alert(1)</script>"):
        assert marker not in content, f"{fuzz}: {marker!r} reached the page unescaped"


# ---------------------------------------------------------------------------------------------
# The fuzzing
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("resource", list(SPECS))
def test_fuzzed_files_never_fail_half_way(client, world, caplog, resource):
    spec = SPECS[resource]
    resource_class = spec.views.resources[resource]
    client.force_login(world)
    # The template exactly as the portal serves it.
    served = client.get(reverse(f"{spec.views.namespace}:excel_template", args=[resource]))
    assert served.status_code == 200
    mutator = Mutator(
        template=served.content,
        kinds={f.column_name: column_kind(f.widget) for f in resource_class.columns()},
        required=resource_class.required_headers(),
        good_rows=spec.rows,
        seed=f"{resource}-8",
        free_text_headers=spec.free_text,
    )
    tables = fuzzed_tables(spec)
    names = random.Random(resource)
    tried = via_view = accepted = 0
    mutations: Counter[str] = Counter()
    started = time.monotonic()
    caplog.set_level(logging.ERROR, logger="agreements.excel")
    for fuzz in mutator.files(FILES_PER_RESOURCE):
        before = row_counts(tables)
        if fuzz.index % VIEW_EVERY == 0:
            fuzz = fuzz.renamed(names.choice(NAMES))
            outcome = through_view(client, spec, resource, fuzz)
            via_view += 1
        else:
            outcome = through_service(resource_class, fuzz, world)
        after = row_counts(tables)
        failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not failures, f"{fuzz}: a row failed inside the import: {failures[0].getMessage()}"
        check_messages(fuzz, outcome.messages)
        check_writes(fuzz, spec, outcome, before, after)
        if not outcome.refused:
            anomalies = stored_anomalies(spec, resource_class)
            assert not anomalies, f"{fuzz}: accepted and stored {anomalies}"
        if fuzz.expected_good:
            assert not outcome.refused, f"{fuzz}: a harmless change was refused: {outcome.messages}"
        accepted += not outcome.refused
        tried += 1
        mutations[fuzz.mutation] += 1
    elapsed = time.monotonic() - started
    print(
        f"{resource}: {tried} files ({via_view} through the pages), {accepted} accepted, "
        f"{elapsed:.1f} s"
    )
    assert tried == FILES_PER_RESOURCE
    assert via_view >= FILES_PER_RESOURCE // VIEW_EVERY
    assert set(mutations) == {name for name, _w, _m in mutator.mutations}
    # The corpus is neither all-good nor all-broken.
    assert 0.1 * tried < accepted < 0.6 * tried, accepted


# ---------------------------------------------------------------------------------------------
# The big ones
# ---------------------------------------------------------------------------------------------
def test_a_100k_row_file_is_refused_quickly_with_the_row_limit(client, world):
    client.force_login(world)
    template = client.get(reverse("agreements:excel_template", args=["outputs"])).content
    # The required columns only: the reader's work is in the rows, not in the width.
    headers = AGREEMENTS_EXCEL.resources["outputs"].required_headers()
    row = [output_rows(random.Random(1), 1)[0].get(h) for h in headers]
    data = many_rows_xlsx(template, headers, row, 100_000)
    assert len(data) < excel.MAX_UPLOAD_BYTES
    before = row_counts(fuzzed_tables())
    started = time.monotonic()
    response = client.post(
        reverse("agreements:excel_import", args=["outputs"]),
        {"file": SimpleUploadedFile("100k.xlsx", data, content_type=excel.XLSX_CONTENT_TYPE)},
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    (message,) = response.context["form"].errors["file"]
    assert "20.000" in message and is_vietnamese(message), message
    assert row_counts(fuzzed_tables()) == before
    assert not list((Path(settings.MEDIA_ROOT) / "imports").glob("*.xlsx"))  # nothing kept
    # The reader stops at the limit instead of reading the 80,000 rows after it.
    assert elapsed < 30, elapsed


def test_a_file_at_the_row_limit_is_checked_in_full(world, monkeypatch):
    """Exactly the limit passes; one row more is refused."""
    monkeypatch.setattr(excel, "MAX_ROWS", 50)
    template = excel.template_workbook(AGREEMENTS_EXCEL.resources["outputs"])
    headers = AGREEMENTS_EXCEL.resources["outputs"].headers()
    row = [output_rows(random.Random(2), 1)[0].get(h) for h in headers]
    report = run_import(
        AGREEMENTS_EXCEL.resources["outputs"],
        read_xlsx(many_rows_xlsx(template, headers, row, 50)),
        user=world,
        dry_run=True,
    )
    assert report.ok and report.total == 50
    with pytest.raises(ExcelFileError) as refused:
        read_xlsx(many_rows_xlsx(template, headers, row, 51))
    assert "50" in refused.value.message and is_vietnamese(refused.value.message)


def test_a_zip_bomb_is_refused_before_parsing(client, world, monkeypatch):
    # The real limit is 250 MB unpacked; a 20 MB one keeps the test small.
    assert excel.MAX_UNPACKED_BYTES <= 250 * 1024 * 1024
    monkeypatch.setattr(excel, "MAX_UNPACKED_BYTES", 20 * 1024 * 1024)
    template = excel.template_workbook(AGREEMENTS_EXCEL.resources["partners"])
    data = zip_bomb(template, 21 * 1024 * 1024)
    assert len(data) < 200_000  # it compresses a hundredfold
    client.force_login(world)
    response = client.post(
        reverse("agreements:excel_import", args=["partners"]),
        {"file": SimpleUploadedFile("bom.xlsx", data, content_type=excel.XLSX_CONTENT_TYPE)},
    )
    (message,) = response.context["form"].errors["file"]
    with translation.override("vi"):
        assert message == gettext("The workbook is too large once unpacked.")
    assert is_vietnamese(message)


@pytest.mark.parametrize("name", ["du-lieu.csv", "du-lieu.xls", "du-lieu.ods", "du-lieu"])
def test_other_extensions_are_refused_by_name(client, world, name):
    """CSV is not an import format: a .csv (or .xls, .ods) upload is refused before reading."""
    client.force_login(world)
    data = "Tên tiếng Việt;Loại đối tác\r\nTỉnh A;city\r\n".encode("utf-8-sig")
    response = client.post(
        reverse("agreements:excel_import", args=["partners"]),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )
    (message,) = response.context["form"].errors["file"]
    assert ".xlsx" in message and is_vietnamese(message)
