"""The bulk writer of the agreement import stores every text exactly as the cell held it.

On PostgreSQL each column goes to the database as the text of an array literal
(``_array_literal``): quotes, backslashes, braces, commas and the word NULL inside a cell must
come back unchanged, in the agreement and in its history row.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.utils import translation

from agreements import excel
from agreements.models import Agreement, FieldOfCooperation
from agreements.resources import AgreementResource, _array_literal, cell_text
from tests.agreements.test_excel import AGREEMENT_HEADERS, agreement_row, xlsx
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

AWKWARD = [
    'Tên có "ngoặc kép" và \\ gạch chéo',
    "{a,b}",
    "NULL",
    "null",
    ",",
    '""',
    '\\"',
    "a\\\\b\\",
    "it's",
    "dòng 1\ndòng 2",
    "tab\tgiữa",
    "😀 đối tác 🇻🇳",
    "\\N",
    "{}",
    '"{NULL}"',
]
TEXT_COLUMNS = {
    "Tên tiếng Việt": "title_vi",
    "Tên tiếng Anh": "title_en",
    "Nơi ký": "signed_place",
    "Mục tiêu": "objectives",
    "Ghi chú": "notes",
}


def test_awkward_text_is_stored_as_typed(official, owner_agency):
    partner = PartnerFactory(name_vi="Tỉnh Xiêng Khoảng", country="LA")
    names = [partner.name_vi, partner.name_native, partner.abbreviation]
    rows = [
        agreement_row(**{header: text for header in TEXT_COLUMNS}, **{"Số hiệu": f"AW-{n}"})
        for n, text in enumerate(AWKWARD)
    ]
    rows.append(agreement_row(**{"Số hiệu": ""}))  # no number: stored empty, not NULL
    with translation.override("vi"):
        sheet = excel.read_xlsx(xlsx(AGREEMENT_HEADERS, rows))
        report = excel.run_import(AgreementResource, sheet, user=official, dry_run=False)
    assert report.ok, report.errors[:3]
    assert report.saved == len(rows)
    for n, text in enumerate(AWKWARD):
        agreement = Agreement.objects.get(number=f"AW-{n}")
        expected = cell_text(text)
        assert expected.strip(), text
        stored = {name: getattr(agreement, name) for name in TEXT_COLUMNS.values()}
        assert stored == dict.fromkeys(TEXT_COLUMNS.values(), expected), text
        history = agreement.history.get()
        assert {name: getattr(history, name) for name in TEXT_COLUMNS.values()} == stored
        assert agreement.search_text == agreement.build_search_text(names)
    assert Agreement.objects.filter(number="").count() == 1


def test_array_literal_of_each_type():
    when = datetime(2026, 2, 10, 13, 45, tzinfo=UTC)
    assert _array_literal([None, True, False, 7, 'a"b\\c', Decimal("1.50"), date(2026, 2, 1)]) == (
        '{NULL,t,f,"7","a\\"b\\\\c","1.50","2026-02-01"}'
    )
    assert _array_literal([when]) == '{"2026-02-10 13:45:00+00:00"}'
    assert _array_literal([]) == "{}"
    assert _array_literal(['a"b', "", "c\\"]) == '{"a\\"b","","c\\\\"}'
    odd = [uuid.uuid4()]  # a type it does not know: left to psycopg
    assert _array_literal(odd) is odd


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL arrays")
@pytest.mark.parametrize(
    ("values", "cast"),
    [
        ([*AWKWARD, "", " ", None], "text"),
        ([*AWKWARD, "", " "], "text"),
        ([1, None, -5, 2**62], "bigint"),
        ([True, False, None], "boolean"),
        ([date(1900, 1, 1), None, date(2100, 12, 31)], "date"),
        ([Decimal("0.01"), Decimal("123456789.99"), None], "numeric"),
        ([datetime(2026, 2, 10, 13, 45, 1, 5, tzinfo=UTC)], "timestamptz"),
    ],
    ids=["text", "only-text", "bigint", "boolean", "date", "numeric", "timestamptz"],
)
def test_postgresql_reads_the_literal_back(values, cast):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT %s::{cast}[]", [_array_literal(values)])
        (back,) = cursor.fetchone()
    assert back == values


def test_history_snapshots_match_the_many_to_many_rows(official, owner_agency, agency):
    """Each new history row holds the very many-to-many rows written (their ids included),
    as simple_history's own snapshot would."""
    partners = [PartnerFactory(name_vi=f"Tỉnh Thử {n}", country="LA") for n in range(4)]
    fields = list(FieldOfCooperation.objects.order_by("pk")[:3])
    assert len(fields) == 3
    agencies = [agency.short_name, owner_agency.short_name]
    rows = [
        agreement_row(
            **{
                "Số hiệu": f"M2M-{n}",
                "Đối tác": "; ".join(p.name_vi for p in (partners[n % 4 :] + partners)[:2]),
                "Lĩnh vực hợp tác": "; ".join(f.name for f in fields[: 1 + n % 3]),
                "Cơ quan phối hợp": "; ".join(agencies[n % 2 :]),
            }
        )
        for n in range(12)
    ]
    with translation.override("vi"):
        sheet = excel.read_xlsx(xlsx(AGREEMENT_HEADERS, rows))
        report = excel.run_import(AgreementResource, sheet, user=official, dry_run=False)
    assert report.ok, report.errors[:3]
    for name in ("partners", "fields", "coordinating_agencies"):
        field = Agreement._meta.get_field(name)
        other = field.m2m_reverse_name()
        written = set(field.remote_field.through.objects.values_list("id", "agreement_id", other))
        assert len(written) >= 12
        snapshots = apps.get_model("agreements", f"HistoricalAgreement_{name}").objects
        kept = snapshots.values_list("id", "agreement_id", other, "history__id")
        assert {(i, a, o) for i, a, o, _h in kept} == written, name
        # Each snapshot row hangs on the history row of its own agreement.
        assert all(a == h for _i, a, _o, h in kept), name
