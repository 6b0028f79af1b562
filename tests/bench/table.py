"""The benchmark's result table: rows of figures, each with its goals, printed and saved as JSON."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

PASS, FAIL, NOT_JUDGED = "PASS", "FAIL", "—"


@dataclass
class Check:
    """One goal next to a figure. ``passed`` is None when it cannot be judged in this run
    (e.g. "the same at both scales" before the other scale has been run)."""

    goal: str
    passed: bool | None

    @property
    def result(self) -> str:
        return NOT_JUDGED if self.passed is None else PASS if self.passed else FAIL


@dataclass
class Row:
    section: str
    name: str
    values: dict[str, float | int | None]
    checks: list[Check] = field(default_factory=list)
    note: str = ""

    @property
    def result(self) -> str:
        judged = [c.passed for c in self.checks if c.passed is not None]
        if not judged:
            return NOT_JUDGED
        return PASS if all(judged) else FAIL

    def has_numbers(self) -> bool:
        """Every figure of the row is a finite number."""
        return bool(self.values) and all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in self.values.values()
        )


def check_max(goal: str, value: float | None, limit: float) -> Check:
    return Check(goal, None if value is None else value <= limit)


def check_min(goal: str, value: float | None, limit: float) -> Check:
    return Check(goal, None if value is None else value >= limit)


SECTION_TITLES = {
    "pages": "Key pages (in-process, Django test client; server time per request; cpu: this "
    "process's CPU time, which with SQLite includes the database's)",
    "search": "Accent-insensitive search (unaccented queries)",
    "load": "Agreement list under concurrent load (gunicorn, 2 workers; loopback)",
    "pdf": "PDF rendering (child process; peak memory = its ru_maxrss)",
    "import": "Excel import of agreements (in one transaction, rolled back afterwards)",
}


def _format(value: float | int | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and value > 99):
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def render(rows: list[Row], header: str = "") -> str:
    """The table as text: one block per section, its own columns, then goals and result."""
    lines = [header] if header else []
    sections = list(dict.fromkeys(row.section for row in rows))
    for section in sections:
        block = [row for row in rows if row.section == section]
        columns = list(dict.fromkeys(key for row in block for key in row.values))
        name_width = max(len("what"), *(len(row.name) for row in block)) + 2
        widths = {
            c: max(len(c), *(len(_format(r.values.get(c))) for r in block)) + 2 for c in columns
        }
        goals = ["; ".join(f"{c.goal} {c.result}" for c in row.checks) for row in block]
        lines.append("")
        lines.append(f"== {SECTION_TITLES.get(section, section)}")
        lines.append(
            "what".ljust(name_width)
            + "".join(c.rjust(widths[c]) for c in columns)
            + "  result  goals"
        )
        for row, goal in zip(block, goals, strict=True):
            lines.append(
                row.name.ljust(name_width)
                + "".join(_format(row.values.get(c)).rjust(widths[c]) for c in columns)
                + f"  {row.result:<6}  {goal}"
                + (f"  ({row.note})" if row.note else "")
            )
    failed = sum(1 for row in rows if row.result == FAIL)
    passed = sum(1 for row in rows if row.result == PASS)
    lines.append("")
    judged = passed + failed
    lines.append(f"{passed} rows PASS, {failed} rows FAIL, {len(rows) - judged} not judged")
    return "\n".join(lines)


def to_json(rows: list[Row], meta: dict) -> dict:
    return {
        **meta,
        "rows": [
            {
                **asdict(row),
                "checks": [{**asdict(c), "result": c.result} for c in row.checks],
                "result": row.result,
            }
            for row in rows
        ],
    }


def save(path: Path, rows: list[Row], meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_json(rows, meta), ensure_ascii=False, indent=2) + "\n")


def load_rows(path: Path) -> list[dict]:
    """The rows of an earlier run's JSON (empty when there is none)."""
    try:
        return json.loads(path.read_text())["rows"]
    except (OSError, ValueError, KeyError):
        return []
