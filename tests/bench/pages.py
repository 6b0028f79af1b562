"""Key pages: SQL queries per page and p50/p95 server time, as each role that may see them.

In-process with Django's test Client (the whole middleware stack, sessions saved on every
request as in production), timed around each request; queries counted with
CaptureQueriesContext on separate requests so that the counting does not slow the timed ones.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.paging import list_counts_forget

from .data import ROLES, Subjects
from .table import Check, Row, check_max

# p95 goal of a key page, by scale (tiny is held to the province goal, for information).
P95_GOAL_MS = {"tiny": 30, "province": 30, "national": 50}
SEARCH_P95_GOAL_MS = 50
MAX_QUERIES = 12
REFERENCE_PAGE = "reference: bare Django ListView (not judged)"
WARM_UP = 3


@dataclass
class Page:
    name: str
    roles: tuple[str, ...]
    urls: Callable[[Subjects], list[str]]
    # Each request as the first after a write: the list's kept count and pages forgotten.
    after_a_write: bool = False


def _one(url_name: str, *args_from: str, query: str = "") -> Callable[[Subjects], list[str]]:
    def urls(subjects: Subjects) -> list[str]:
        args = [getattr(subjects, name).pk for name in args_from]
        url = reverse(url_name, args=args)
        extra = query.format(s=subjects) if query else ""
        return [f"{url}?{extra}" if extra else url]

    return urls


def _search(subjects: Subjects) -> list[str]:
    from urllib.parse import urlencode

    return [f"{reverse('search')}?{urlencode({'q': q})}" for q in subjects.search_queries]


PAGES = [
    Page("agreement list", ROLES, _one("agreements:list")),
    # The list kept (accounts.paging) serves the rows above from the cache; the first look
    # after any write renders them, counts them and keeps them again.
    Page("agreement list, after a write", ROLES, _one("agreements:list"), after_a_write=True),
    Page("agreement list, filtered", ROLES, _one("agreements:list", query="{s.filter_query}")),
    Page("search", ROLES, _search),
    Page("agreement detail", ROLES, _one("agreements:detail", "agreement")),
    Page("partner page", ROLES, _one("partners:detail", "partner")),
    Page("delegation list", ROLES, _one("delegations:list")),
    Page("plan vs actual", ROLES, _one("delegations:plan_vs_actual")),
    Page("targets overview", ROLES, _one("targets:overview")),
    Page("completeness", ("official", "leader", "admin"), _one("reports:period_detail", "period")),
    Page("agency report form", ("reporter",), _one("reports:report_edit", "report")),
    Page("leader dashboard", ("leader",), _one("home")),
    # The other roles' home pages (not in the issue's list): every user lands there.
    Page("home page", ("official", "reporter", "admin"), _one("home")),
]


class PageError(Exception):
    pass


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 50 values is the 48th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil
    return ordered[int(rank) - 1]


def _get(client: Client, url: str) -> int:
    response = client.get(url)
    if response.status_code != 200:
        where = response.get("Location", "")
        raise PageError(f"GET {url} answered {response.status_code} {where}".strip())
    return len(response.content)


def _nothing() -> None:
    pass


def count_queries(client: Client, url: str, before: Callable[[], None] = _nothing) -> int:
    before()
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured.captured_queries)


def time_requests(
    client: Client, urls: list[str], requests: int, before: Callable[[], None] = _nothing
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each of ``requests`` requests, cycling through
    ``urls`` (``before`` runs ahead of each, untimed). The CPU time (this process: Django,
    and SQLite, which runs in it) is less disturbed than the wall clock by other work on a
    shared machine."""
    wall, cpu = [], []
    for i in range(requests):
        url = urls[i % len(urls)]
        before()
        start, start_cpu = time.perf_counter(), time.process_time()
        _get(client, url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def measure(
    client: Client,
    urls: list[str],
    requests: int,
    warm_up: int = WARM_UP,
    before: Callable[[], None] = _nothing,
) -> dict[str, float | int]:
    """Warm-up requests (templates, translations, connection), the query count of each
    URL, then ``requests`` timed requests cycling through ``urls``; ``before`` runs ahead of
    each request."""
    for i in range(warm_up):
        before()
        _get(client, urls[i % len(urls)])
    queries = max(count_queries(client, url, before) for url in urls)
    times, cpu = time_requests(client, urls, requests, before)
    return {
        "requests": len(times),
        "queries": queries,
        "p50 ms": statistics.median(times),
        "p95 ms": percentile(times, 0.95),
        "cpu p50 ms": statistics.median(cpu),
    }


def _queries_same(name: str, queries: int, other: dict[str, dict], other_scale: str) -> Check:
    previous = other.get(name)
    goal = f"queries same as {other_scale}"
    if not previous or previous.get("queries") is None:
        return Check(goal, None)
    return Check(f"{goal} ({previous['queries']})", previous["queries"] == queries)


def page_rows(
    subjects: Subjects,
    *,
    scale: str,
    requests: int = 50,
    warm_up: int = WARM_UP,
    other: dict[str, dict] | None = None,
    other_scale: str = "",
    log: Callable[[str], None] = print,
) -> list[Row]:
    """One row per page and role. ``other`` maps row names to the figures of the same pages
    at the other scale, when it has been run (for "the same number of queries at both
    scales")."""
    goal_ms = P95_GOAL_MS.get(scale, P95_GOAL_MS["province"])
    clients = {role: client_for(user) for role, user in subjects.users.items()}
    rows = []
    for page in PAGES:
        for role in page.roles:
            name = f"{page.name} · {role}"
            try:
                before = list_counts_forget if page.after_a_write else _nothing
                values = measure(clients[role], page.urls(subjects), requests, warm_up, before)
            except Exception as error:  # one broken page must not hide the others
                log(f"pages: {name}: {error}")
                empty = dict.fromkeys(("requests", "queries", "p50 ms", "p95 ms", "cpu p50 ms"))
                failed = [Check("answers 200", False)]
                rows.append(Row("pages", name, empty, failed, f"error: {error}"[:200]))
                continue
            checks = [
                check_max(f"p95 ≤ {goal_ms} ms", values["p95 ms"], goal_ms),
                check_max(f"queries ≤ {MAX_QUERIES}", values["queries"], MAX_QUERIES),
            ]
            if other:
                checks.append(_queries_same(name, values["queries"], other or {}, other_scale))
            rows.append(Row("pages", name, values, checks))
            log(
                f"pages: {name:<40} {values['queries']:>3} queries  p50 {values['p50 ms']:6.1f} ms"
                f"  p95 {values['p95 ms']:6.1f} ms"
            )
    # The same harness on a bare Django ListView of the agreements (tests/bench/urls.py), not
    # judged: what a page of 50 rows costs on this machine before the portal does anything.
    values = measure(clients["official"], [reverse("bench_bare_list")], requests, warm_up)
    rows.append(Row("pages", f"{REFERENCE_PAGE} · official", values))
    log(f"pages: {REFERENCE_PAGE}: p50 {values['p50 ms']:.1f} ms  p95 {values['p95 ms']:.1f} ms")
    return rows


def search_rows(
    subjects: Subjects,
    *,
    requests: int = 100,
    warm_up: int = WARM_UP,
    log: Callable[[str], None] = print,
) -> list[Row]:
    """The search page for a set of unaccented queries, as an official (who sees every
    agreement): p95 over all of them against the national goal."""
    client = client_for(subjects.users["official"])
    urls = _search(subjects)
    name = f"search page, {len(urls)} unaccented queries · official"
    measured = measure(client, urls, max(requests, len(urls)), warm_up)
    values = {"queries in set": len(urls), **measured}
    log(f"search: {name}: p50 {values['p50 ms']:.1f} ms, p95 {values['p95 ms']:.1f} ms")
    return [
        Row(
            "search",
            name,
            values,
            [check_max(f"p95 ≤ {SEARCH_P95_GOAL_MS} ms", values["p95 ms"], SEARCH_P95_GOAL_MS)],
            note="; ".join(subjects.search_queries),
        )
    ]
