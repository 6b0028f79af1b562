"""Soak: minutes of mixed logged-in traffic at a steady rate against gunicorn on loopback.

    .venv/bin/python -m tests.hardening.soak                 # 5 minutes at 100 req/s
    .venv/bin/python -m tests.hardening.soak --duration 30 --rate 50
    DATABASE_URL=postgres://… .venv/bin/python -m tests.hardening.soak --database-url-from-env

It prepares a database with the demo data (a fresh SQLite file by default), starts gunicorn
with 2 workers (the production web server; DEBUG off), logs in officials, reporters and a
leader through the real login form, and sends requests at a fixed rate, each to a page of
the mix below picked in turn by a pool of client threads. It reports the errors (goal 0: any
answer other than the expected status, or a failed connection), latency percentiles, and the
resident memory of the gunicorn processes after the warm-up and at the end (goal: flat).
Exit status 1 when there were errors. ``--json`` writes the figures to a file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.hardening.http import Session
from tests.hardening.servers import free_port, wait_for_port

BASE_DIR = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-2026"  # accounts/demo.py
USERS = ["chuyenvien", "baocao.vhttdl", "baocao.sct", "lanhdao"]
# Pages of the mix; "{agreement}" etc. are filled with ids found on the list pages.
PAGES = [
    "/",
    "/agreements/",
    "/agreements/?q=hop+tac",
    "/agreements/?state=in_force",
    "{agreement}",
    "/partners/",
    "{partner}",
    "/delegations/",
    "{delegation}",
    "/targets/",
    "/reports/",
    "/agreements/alerts/",
    "/search/?q=lao",
]
DETAIL_LINKS = {
    "agreement": (r'href="(/agreements/\d+/)"', "/agreements/"),
    "partner": (r'href="(/partners/\d+/)"', "/partners/"),
    "delegation": (r'href="(/delegations/\d+/)"', "/delegations/"),
}


@dataclass
class Figures:
    duration_s: float
    rate_target: float
    requests: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    rate_achieved: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_growth_mb: float = 0.0


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def _gunicorn_pids(master: int) -> list[int]:
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def prepare(env: dict[str, str]) -> None:
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    for command in (["migrate", "-v0"], ["load_demo"]):
        subprocess.run(
            [*manage, *command], env=env, cwd=BASE_DIR, check=True, stdout=subprocess.DEVNULL
        )


def _paths(session: Session) -> list[str]:
    found: dict[str, str] = {}
    for name, (pattern, page) in DETAIL_LINKS.items():
        links = re.findall(pattern, session.get(page).body.decode())
        found[name] = links[0] if links else page
    return [page.format(**found) if "{" in page else page for page in PAGES]


def run(*, duration: float, rate: float, threads: int, env: dict[str, str], log: Path) -> Figures:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "--access-logfile=-" if os.environ.get("SOAK_ACCESS_LOG") else "--log-level=warning",
        ],
        # The portal's JSON access lines go to a file, not the terminal: warnings and
        # errors only, unless SOAK_ACCESS_LOG is set.
        env={**env, "DJANGO_LOG_LEVEL": env.get("DJANGO_LOG_LEVEL", "WARNING")},
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    figures = Figures(duration_s=duration, rate_target=rate)
    try:
        wait_for_port(port, up=True, timeout=60)
        base = f"http://127.0.0.1:{port}"
        sessions = []
        for username in USERS:
            session = Session(base)
            session.login(username, DEMO_PASSWORD)
            sessions.append(session)
        paths = _paths(sessions[0])
        # Warm-up: every page once per user, then the starting memory.
        for session in sessions:
            for path in paths:
                session.get(path)
        figures.rss_start_mb = _rss_mb(_gunicorn_pids(server.pid))

        tickets: queue.Queue[tuple[Session, str] | None] = queue.Queue()
        latencies: list[float] = []
        lock = threading.Lock()

        def client() -> None:
            while (ticket := tickets.get()) is not None:
                session, path = ticket
                started = time.perf_counter()
                try:
                    status = session.get(path).status
                    problem = None if status == 200 else f"HTTP {status} {path}"
                except Exception as error:  # a refused or dropped connection is an error
                    problem = f"{type(error).__name__} {path}: {error}"
                elapsed = time.perf_counter() - started
                with lock:
                    figures.requests += 1
                    latencies.append(elapsed)
                    if problem:
                        figures.errors += 1
                        if len(figures.error_samples) < 10:
                            figures.error_samples.append(problem)

        workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
        for worker in workers:
            worker.start()
        mix = itertools.cycle(itertools.product(sessions, paths))
        start = time.perf_counter()
        sent = 0
        while (now := time.perf_counter() - start) < duration:
            due = int(now * rate) + 1
            while sent < due:
                tickets.put(next(mix))
                sent += 1
            time.sleep(max(0.0, (sent / rate) - (time.perf_counter() - start)))
        for _ in workers:
            tickets.put(None)
        for worker in workers:
            worker.join(timeout=60)
        elapsed = time.perf_counter() - start
        figures.rss_end_mb = _rss_mb(_gunicorn_pids(server.pid))
        figures.rss_growth_mb = round(figures.rss_end_mb - figures.rss_start_mb, 1)
        figures.rate_achieved = round(figures.requests / elapsed, 1)
        if latencies:
            ordered = sorted(latencies)
            figures.p50_ms = round(statistics.median(ordered) * 1000, 1)
            figures.p95_ms = round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1)
            figures.p99_ms = round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=300, help="seconds (default 300)")
    parser.add_argument("--rate", type=float, default=100, help="requests per second")
    parser.add_argument("--threads", type=int, default=16, help="client threads")
    parser.add_argument(
        "--database-url-from-env",
        action="store_true",
        help="use DATABASE_URL as it is (migrated, demo data loaded) instead of a fresh SQLite",
    )
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)

    var_dir = Path(tempfile.mkdtemp(prefix="portal-soak-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PORTAL_VAR_DIR": str(var_dir),
        "PORTAL_MEDIA_ROOT": str(var_dir / "media"),
    }
    if not args.database_url_from_env:
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'soak.sqlite3'}"
    prepare(env)
    log = var_dir / "gunicorn.log"
    figures = run(duration=args.duration, rate=args.rate, threads=args.threads, env=env, log=log)
    print(f"server log: {log}")
    print(json.dumps(asdict(figures), indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(asdict(figures), indent=2, ensure_ascii=False))
    return 1 if figures.errors else 0


if __name__ == "__main__":
    sys.exit(main())
