"""The portal's benchmark suite, in one command (``make bench SCALE=… DB=…``):

    .venv/bin/python tests/bench/run.py --scale province --db sqlite
    .venv/bin/python tests/bench/run.py --scale national --db postgres

It fills a scratch database of the chosen scale once (``manage.py generate_data``; the demo
data when the generator is not there) — var/bench-<scale>.sqlite3, or the PostgreSQL database
bench_<scale> on 127.0.0.1:5432, created if missing — then measures:

- pages:  SQL queries and p50/p95 server time of the key pages, as every role that may see
          them (Django test client, in process);
- search: the search page's p95 over a set of unaccented queries;
- load:   the agreement list's throughput under gunicorn (2 workers) and wrk on loopback,
          next to a bare Django ListView over the same table, and the ratio;
- pdf:    the consolidated 6-month PDF and a 200-page annex, time and peak memory (child
          processes);
- import: 10,000 agreements from an .xlsx file, the portal's import next to a default
          django-import-export ModelResource, rows/s and the ratio.

The portal runs with the local Redis as its cache when one answers (production's web
processes share theirs: the lists' kept counts and pages), else with each process's memory.

It prints a table with the goals (PASS/FAIL) and writes it as JSON to
var/bench-<scale>-<db>.json. Timings depend on what else the machine is doing: the load
average before and after the run is part of the JSON. The queries of each page are compared
with the other scale's JSON (province with national) when it exists.

A province run takes about ten minutes, most of it the default resource's row-by-row import
(--default-import-rows shortens it). At national scale some pages take seconds each:
--requests and --only shorten such a run (the table shows the number of requests).
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))

SCALES = ("tiny", "province", "national")
OTHER_SCALE = {"province": "national", "national": "province"}


def var_dir() -> Path:
    return Path(os.environ.get("PORTAL_VAR_DIR") or BASE_DIR / "var")


def database_url(scale: str, db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{var_dir() / f'bench-{scale}.sqlite3'}"
    return f"postgres://postgres@127.0.0.1:5432/bench_{scale}"


def ensure_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
    ) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = found.fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def shared_cache() -> str:
    """The cache the portal is benchmarked with: ``CACHE_URL`` if set, else the local Redis
    when one answers, as in production, where the web processes share their cache (the kept
    counts and pages); else each process's own memory, as ``make run`` has it."""
    if os.environ.get("CACHE_URL"):
        return os.environ["CACHE_URL"]
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return "locmemcache://"
    return "redis://127.0.0.1:6379/3"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=SCALES, default="province")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=None, help="the data generator's seed")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again")
    parser.add_argument("--requests", type=int, default=50, help="requests per page and role")
    parser.add_argument("--load-seconds", type=float, default=10)
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--annex-pages", type=int, default=200)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument(
        "--default-import-rows",
        type=int,
        default=None,
        help="the default resource imports only the first N rows of the file (it is slow)",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated sections: pages,search,load,pdf,import"
    )
    parser.add_argument("--out", type=Path, default=None, help="the JSON file to write")
    return parser.parse_args(argv)


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BASE_DIR, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return ""


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.db == "postgres":
        ensure_postgres_database(f"bench_{args.scale}")
    os.environ["DATABASE_URL"] = database_url(args.scale, args.db)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    os.environ["CACHE_URL"] = shared_cache()
    # This run's keys apart from an earlier run's (on other data) in a shared cache; the
    # load section's gunicorn inherits both.
    os.environ["BENCH_RUN_ID"] = uuid.uuid4().hex[:12]

    import django

    django.setup()

    from django.db import connection

    from tests.bench import suite, table
    from tests.bench.data import DEFAULT_SEED, ensure_data

    sections = tuple(s for s in args.only.split(",") if s) or suite.SECTIONS
    unknown = set(sections) - set(suite.SECTIONS)
    if unknown:
        raise SystemExit(f"unknown sections: {', '.join(sorted(unknown))}")
    out = args.out or var_dir() / f"bench-{args.scale}-{args.db}.json"
    load_before = os.getloadavg()
    started = time.time()
    data = ensure_data(
        scale=args.scale,
        seed=args.seed if args.seed is not None else DEFAULT_SEED,
        stamp=var_dir() / f"bench-{args.scale}-{args.db}.data.json",
        regenerate=args.regenerate,
    )
    # The other scale's pages, on this database kind if it has been run there, else on the
    # other (the queries a page makes do not depend on the database).
    other_scale = OTHER_SCALE.get(args.scale, "")
    other_pages = {}
    for db in (args.db, "postgres" if args.db == "sqlite" else "sqlite"):
        other_rows = table.load_rows(var_dir() / f"bench-{other_scale}-{db}.json")
        other_pages = {r["name"]: r["values"] for r in other_rows if r["section"] == "pages"}
        if other_pages:
            break
    options = suite.Options(
        scale=args.scale,
        requests=args.requests,
        search_requests=max(100, args.requests),
        load_seconds=args.load_seconds,
        loadgen=args.loadgen,
        annex_pages=args.annex_pages,
        import_rows=args.import_rows,
        default_import_rows=args.default_import_rows,
        sections=sections,
        other_scale=other_scale,
        other_pages=other_pages,
    )
    rows = suite.run(options)
    load_after = os.getloadavg()
    counts = data["counts"]
    meta = {
        "scale": args.scale,
        "db": args.db,
        "vendor": connection.vendor,
        "data": {k: data.get(k) for k in ("source", "scale", "seed")},
        "counts": counts,
        "commit": git_commit(),
        "cache": os.environ["CACHE_URL"].split(":")[0],
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "seconds": round(time.time() - started, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in load_after],
        },
        "note": "timings on a machine shared with other work; see the load averages",
    }
    header = (
        f"Benchmark: scale {args.scale} ({data['source']}), {connection.vendor}, commit "
        f"{meta['commit']}; {counts['agreements']:,} agreements, {counts['partners']:,} partners,"
        f" {counts['agencies']:,} agencies, {counts['users']:,} users, {counts['reviews']:,} "
        f"reviews, {counts['delegations']:,} delegations; cache: {meta['cache']}\n"
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} on "
        f"{os.cpu_count()} CPUs (timings are noisy on a shared machine)"
    )
    print(table.render(rows, header=header))
    table.save(out, rows, meta)
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
