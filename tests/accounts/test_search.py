"""accounts.search: every folded word as a substring, the same rows on SQLite and PostgreSQL;
on SQLite through the FTS5 trigram tables that triggers keep in step (agreements 0012)."""

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from accounts import search
from accounts.search import SQLITE_FTS_TABLES, fts5_phrase
from agreements.models import Agreement
from partners.models import Partner
from tests.factories import AgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the FTS5 tables exist on SQLite only"
)


def titles(query: str) -> list[str]:
    return sorted(a.title_vi for a in Agreement.objects.search(query))


def in_step() -> None:
    """FTS5's own check of an external-content table against the table it indexes: raises
    if a row was inserted, changed or deleted without the index following."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for fts in SQLITE_FTS_TABLES.values():
            cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")


@pytest.fixture
def agreements():
    AgreementFactory(title_vi="Hợp tác đào tạo nguồn nhân lực", number="01/2024/TT")
    AgreementFactory(title_vi="Bản ghi nhớ về du lịch", number="02/2024/BGN")
    AgreementFactory(title_vi="Hợp tác y tế biên giới", number="03/2024/TT")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dao tao", ["Hợp tác đào tạo nguồn nhân lực"]),
        ("ĐÀO", ["Hợp tác đào tạo nguồn nhân lực"]),
        ("hop tac", ["Hợp tác y tế biên giới", "Hợp tác đào tạo nguồn nhân lực"]),
        # Words under three characters have no trigram: the LIKE alone matches them.
        ("y te", ["Hợp tác y tế biên giới"]),
        ("du", ["Bản ghi nhớ về du lịch"]),
        ("lu", ["Hợp tác đào tạo nguồn nhân lực"]),
        # Inside a word, across a word boundary, and numbers with their slashes.
        ("ao ta", ["Hợp tác đào tạo nguồn nhân lực"]),
        ("c dao", ["Hợp tác đào tạo nguồn nhân lực"]),
        ("2024/tt", ["Hợp tác y tế biên giới", "Hợp tác đào tạo nguồn nhân lực"]),
        ("02/2024", ["Bản ghi nhớ về du lịch"]),
        ("hop tac xyz", []),
        (
            "",
            ["Bản ghi nhớ về du lịch", "Hợp tác y tế biên giới", "Hợp tác đào tạo nguồn nhân lực"],
        ),
    ],
)
def test_every_word_as_a_substring(agreements, query, expected):
    assert titles(query) == expected


@pytest.mark.parametrize(
    "query", ['"', '""', "hop*", "du OR lich", "NEAR(hop tac)", "-hop", "tác:", "^hop", "(du"]
)
def test_fts5_syntax_in_a_query_is_only_text(agreements, query):
    # Each would be an operator, a column filter or a syntax error in an FTS5 query.
    assert titles(query) == []


def test_fts5_phrase_quotes_everything():
    assert fts5_phrase("hop") == '"hop"'
    assert fts5_phrase('a"b') == '"a""b"'


def test_the_index_follows_every_kind_of_write():
    partner = PartnerFactory(name_vi="Tỉnh Chămpasắc")
    agreement = AgreementFactory(title_vi="Hợp tác nông nghiệp", partners=[partner])
    assert titles("champasac") == ["Hợp tác nông nghiệp"]

    Agreement.objects.filter(pk=agreement.pk).update(search_text="thuy san")  # raw UPDATE
    assert titles("nong nghiep") == []
    assert titles("thuy san") == ["Hợp tác nông nghiệp"]

    Agreement.objects.bulk_create(
        [Agreement(**{**_fields(agreement), "number": "99/2024", "search_text": "bulk thuy san"})]
    )
    assert len(titles("thuy san")) == 2

    partner.name_vi = "Tỉnh Savannakhet"
    partner.save()
    assert [p.name_vi for p in Partner.objects.search("savan")] == ["Tỉnh Savannakhet"]
    assert list(Partner.objects.search("champa")) == []

    Agreement.objects.all().delete()
    Partner.objects.all().delete()
    assert titles("thuy san") == []
    in_step()


def _fields(agreement: Agreement) -> dict:
    return {
        f.attname: getattr(agreement, f.attname)
        for f in Agreement._meta.concrete_fields
        if not f.primary_key
    }


@sqlite_only
def test_sqlite_reads_the_trigram_index_for_rare_words_and_keeps_it_in_step(agreements):
    with CaptureQueriesContext(connection) as queries:
        assert titles("nhan luc y") == []
        assert titles("nhan luc") == ["Hợp tác đào tạo nguồn nhân lực"]
    sql = [q["sql"] for q in queries.captured_queries]
    # Each search: how many rows the index holds for the words (at most SQLITE_COMMON), then
    # the rows through the index.
    assert len(sql) == 4
    assert all("agreement_search_fts" in s and "MATCH" in s for s in sql), sql
    in_step()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER agreement_search_fts_update")
    Agreement.objects.update(search_text="khac")
    with pytest.raises(DatabaseError, match=r"malformed|corrupt"):
        in_step()


@sqlite_only
def test_sqlite_reads_rows_in_order_for_common_words(agreements, monkeypatch):
    monkeypatch.setattr(search, "SQLITE_COMMON", 2)
    with CaptureQueriesContext(connection) as queries:
        # "hop tac" is in two agreements: common, read without the index, the same rows.
        assert titles("hop tac") == ["Hợp tác y tế biên giới", "Hợp tác đào tạo nguồn nhân lực"]
        assert titles("nhan luc") == ["Hợp tác đào tạo nguồn nhân lực"]
    probe, common, probe_rare, rare = (q["sql"] for q in queries.captured_queries)
    assert "MATCH" in probe and "MATCH" not in common and "LIKE" in common
    assert "MATCH" in probe_rare and "MATCH" in rare
