"""The consolidated 6-month PDF and a long annex, each rendered in a child process
(tests/bench/pdf_child.py) whose ru_maxrss is the job's peak memory.

Next to each, the same HTML laid out by WeasyPrint alone (its default stylesheet, ours
removed): the baseline that says how much of the time is WeasyPrint's own on this machine,
as the bare ListView does for the list's throughput."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable

from django.conf import settings

from .data import current_database_url
from .table import Row, check_max

GOAL_CONSOLIDATED_S = 5
GOAL_CONSOLIDATED_MB = 600
GOAL_ANNEX_S = 25
TIMEOUT_S = 600


def run_child(*args: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as media:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "DATABASE_URL": current_database_url(),
            "PORTAL_MEDIA_ROOT": media,
        }
        completed = subprocess.run(
            [sys.executable, "-m", "tests.bench.pdf_child", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(
            f"pdf_child {' '.join(args)} exited {completed.returncode}: "
            f"{(completed.stderr or completed.stdout)[-1500:]}"
        )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _alone(result: dict) -> dict:
    """WeasyPrint alone on the same HTML (pdf_child.weasyprint_alone), and our render time
    over it."""
    return {"alone s": result["reference s"], "ratio": result["render s"] / result["reference s"]}


def pdf_rows(*, annex_pages: int = 200, log: Callable[[str], None] = print) -> list[Row]:
    rows = []
    result = run_child("consolidated")
    log(
        f"pdf: consolidated {result['year']}: gather {result['gather s']:.2f} s + render "
        f"{result['render s']:.2f} s, {result['pages']} pages, peak {result['peak MB']:.0f} MB; "
        f"WeasyPrint alone on the same HTML {result['reference s']:.2f} s"
    )
    rows.append(
        Row(
            "pdf",
            f"consolidated 6-month report {result['year']} (gather + issue + render)",
            {
                **{k: result[k] for k in ("pages", "gather s", "render s", "total s", "peak MB")},
                **_alone(result),
            },
            [
                check_max(f"≤ {GOAL_CONSOLIDATED_S} s", result["total s"], GOAL_CONSOLIDATED_S),
                check_max(f"≤ {GOAL_CONSOLIDATED_MB} MB", result["peak MB"], GOAL_CONSOLIDATED_MB),
            ],
        )
    )
    result = run_child("annex", "--pages", str(annex_pages))
    log(
        f"pdf: annex of {result['rows']:,} agreements: {result['pages']} pages in "
        f"{result['render s']:.2f} s, peak {result['peak MB']:.0f} MB; "
        f"WeasyPrint alone on the same HTML {result['reference s']:.2f} s"
    )
    rows.append(
        Row(
            "pdf",
            f"{annex_pages}-page annex (agreements list, render only)",
            {
                "pages": result["pages"],
                "render s": result["render s"],
                "total s": result["render s"],
                "peak MB": result["peak MB"],
                **_alone(result),
            },
            [check_max(f"≤ {GOAL_ANNEX_S} s", result["render s"], GOAL_ANNEX_S)],
            note=f"{result['rows']:,} rows",
        )
    )
    return rows
