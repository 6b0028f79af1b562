"""The benchmark suite (tests/bench/run.py, ``make bench``) runs at tiny scale, so that it never
rots: every row of its table is produced with numbers. Nothing here asserts on a time.

Real components: the test database filled by the data generator (the demo data where the
generator is not there), gunicorn serving it to wrk (or the Python load generator) for two
seconds, the PDF jobs in child processes, both Excel importers.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.bench import pages, suite, table
from tests.bench.data import generator_available

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tiny_data():
    if generator_available():
        call_command("generate_data", "--scale", "tiny", "--flush", "--seed", "7", verbosity=0)
    else:
        call_command("load_demo", verbosity=0)


def expected_names() -> list[tuple[str, str]]:
    names = [("pages", f"{page.name} · {role}") for page in pages.PAGES for role in page.roles]
    names += [("pages", pages.REFERENCE_PAGE)]
    names += [("search", "search page"), ("load", "agreement list (portal)"), ("load", "bare")]
    names += [("load", "ratio"), ("pdf", "consolidated"), ("pdf", "annex")]
    names += [("import", "portal: check"), ("import", "portal: import"), ("import", "default")]
    names += [("import", "ratio")]
    return names


def test_every_row_of_the_table_is_produced_with_numbers(tiny_data, settings, tmp_path):
    settings.ROOT_URLCONF = "tests.bench.urls"  # the bare ListView the load part compares with
    engine, plain = settings.TEMPLATES[0], Path(__file__).parent / "templates"
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], plain]}]
    options = suite.Options(
        scale="tiny",
        requests=3,
        warm_up=1,
        search_requests=10,
        load_seconds=2,
        annex_pages=3,
        import_rows=40,
    )
    rows = suite.run(options, log=lambda m: print(f"{time.monotonic():.1f} {m}"))

    problems = [f"{row.section}: {row.name}: {row.note}" for row in rows if not row.has_numbers()]
    assert not problems, problems
    for section, start in expected_names():
        assert any(row.section == section and start in row.name for row in rows), start
    assert len(rows) == len(expected_names())
    # Each goal is judged PASS or FAIL (tiny has no other scale to compare queries with).
    for row in rows:
        assert all(check.passed is not None for check in row.checks), row

    out = tmp_path / "bench.json"
    table.save(out, rows, {"scale": "tiny"})
    saved = json.loads(out.read_text())
    assert [r["name"] for r in saved["rows"]] == [row.name for row in rows]
    assert {r["result"] for r in saved["rows"]} <= {"PASS", "FAIL", "—"}
    text = table.render(rows)
    assert "p95 ≤ 30 ms" in text and "rows/s" in text and "req/s" in text
