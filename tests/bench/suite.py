"""The benchmark suite's parts, run in order on the database Django is configured with.

Used by tests/bench/run.py (``make bench``) on a scratch database of the chosen scale, and by
tests/bench/test_bench_smoke.py at tiny scale on the test database.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass

from .table import Check, Row

SECTIONS = ("pages", "search", "load", "pdf", "import")


@dataclass
class Options:
    scale: str = "province"
    requests: int = 50
    warm_up: int = 3
    search_requests: int = 100
    load_seconds: float = 10
    loadgen: str = "auto"
    annex_pages: int = 200
    import_rows: int = 10_000
    default_import_rows: int | None = None  # None: the whole file, as the portal's import
    sections: tuple[str, ...] = SECTIONS
    # Figures of the same pages at the other scale, by row name (queries must be equal).
    other_scale: str = ""
    other_pages: dict[str, dict] | None = None


def _failed(section: str, name: str, error: Exception) -> Row:
    return Row(section, name, {"value": None}, [Check("runs", False)], f"error: {error}"[:300])


def run(options: Options, log: Callable[[str], None] = print) -> list[Row]:
    from . import imports, load, pages, pdf
    from .data import pick_subjects

    subjects = pick_subjects()
    rows: list[Row] = []
    if "pages" in options.sections:
        rows += pages.page_rows(
            subjects,
            scale=options.scale,
            requests=options.requests,
            warm_up=options.warm_up,
            other=options.other_pages,
            other_scale=options.other_scale,
            log=log,
        )
    parts = [
        ("search", "search page", lambda: pages.search_rows(
            subjects, requests=options.search_requests, warm_up=options.warm_up, log=log)),
        ("load", "agreement list under load", lambda: load.load_rows(
            subjects.users["official"], seconds=options.load_seconds, loadgen=options.loadgen,
            log=log)),
        ("pdf", "PDF rendering", lambda: pdf.pdf_rows(annex_pages=options.annex_pages, log=log)),
        ("import", "Excel import", lambda: imports.import_rows(
            rows=options.import_rows, default_rows=options.default_import_rows, log=log)),
    ]  # fmt: skip
    for section, name, part in parts:
        if section not in options.sections:
            continue
        try:
            rows += part()
        except Exception as error:  # a broken part is a row with its error, not a lost run
            log(f"{section}: FAILED: {traceback.format_exc()}")
            rows.append(_failed(section, name, error))
    return rows
