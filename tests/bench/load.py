"""Throughput of the agreement list under concurrent load, next to a bare Django ListView.

gunicorn (2 sync workers, bench settings and urlconf) serves both pages from the benchmark's
database; wrk runs in another process on loopback with a logged-in official's session
cookie, first against the portal's list, then against the bare ListView (tests/bench/urls.py).
Without wrk (e.g. a developer's machine that has not run ``make bench``), a small Python
load generator with keep-alive connections in threads takes its place, and the table says so.

The portal's list is served as production serves it to every official who opens it: its
count and rendered rows kept in the shared cache (accounts.paging) until the next write. The
pages section's "agreement list, after a write" rows time the first look after a write.

Every response must be the page itself: before and after each run the page is fetched with
the cookie and must answer 200 (not the login redirect), and wrk's count of non-2xx/3xx
answers and socket errors is reported as errors.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from django.urls import reverse

from .data import current_database_url
from .table import Row, check_max, check_min

GOAL_RPS = 300
GOAL_RATIO = 0.5
WORKERS = 2
# Two wrk threads (one per core) and eight connections: enough to keep both sync workers busy.
THREADS = 2
CONNECTIONS = 8


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float | None
    p99_ms: float | None
    bytes_per_request: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(user) -> str:
    """A logged-in session stored in the database the server reads."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@contextmanager
def gunicorn(port: int, log: Callable[[str], None]):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_URL": current_database_url(),
        # The session cookie is signed with this process's key.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
    }
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
        "--chdir", str(settings.BASE_DIR), "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _body = fetch(port, reverse("login"), "")
                if status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        log(f"load: gunicorn pid {process.pid} on 127.0.0.1:{port}, {WORKERS} workers")
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def fetch(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def expect_page(port: int, path: str, cookie: str) -> int:
    """The page with the cookie answers 200 with a body: returns its size."""
    status, body = fetch(port, path, cookie)
    if status != 200 or not body:
        raise RuntimeError(f"GET {path} with the session answered {status}, not the page")
    return len(body)


_SIZE = {"": 1, "B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
_TIME = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _TIME[unit]


def parse_wrk(output: str) -> LoadResult:
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m), ([\d.]+)(B|KB|MB|GB) read", output)
    if not done:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    requests = int(done.group(1))
    seconds = _ms(done.group(2) + done.group(3)) / 1000
    read = float(done.group(4)) * _SIZE[done.group(5)]
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s|m))\s*$", output, re.M))
    return LoadResult(
        requests=requests,
        seconds=seconds,
        errors=errors,
        p50_ms=_ms(latency["50"]) if "50" in latency else None,
        p99_ms=_ms(latency["99"]) if "99" in latency else None,
        bytes_per_request=read / requests if requests else 0.0,
    )


def run_wrk(port: int, path: str, cookie: str, seconds: float) -> LoadResult:
    command = [
        "wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--latency",
        "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}",
    ]  # fmt: skip
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed: {completed.stderr or completed.stdout}")
    return parse_wrk(completed.stdout)


def run_python(port: int, path: str, cookie: str, seconds: float) -> LoadResult:
    """Fallback load generator: CONNECTIONS threads, each with its own connection (re-opened
    when the server closes it), for ``seconds``."""
    latencies: list[float] = []
    counters = {"requests": 0, "errors": 0, "bytes": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        connection = None
        mine, errors, read = [], 0, 0
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                body = response.read()
                if response.status >= 400:
                    errors += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                errors += 1
                connection = None
                continue
            mine.append((time.perf_counter() - start) * 1000)
            read += len(body)
        with lock:
            latencies.extend(mine)
            counters["requests"] += len(mine)
            counters["errors"] += errors
            counters["bytes"] += read

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)
    return LoadResult(
        requests=n,
        seconds=elapsed,
        errors=counters["errors"],
        p50_ms=latencies[n // 2] if n else None,
        p99_ms=latencies[min(n - 1, int(n * 0.99))] if n else None,
        bytes_per_request=counters["bytes"] / n if n else 0.0,
    )


def load_rows(
    user, *, seconds: float = 10, loadgen: str = "auto", log: Callable[[str], None] = print
) -> list[Row]:
    """Rows for the portal's list, the bare ListView and their ratio."""
    if loadgen == "auto":
        loadgen = "wrk" if shutil.which("wrk") else "python"
    run = run_wrk if loadgen == "wrk" else run_python
    cookie = session_cookie(user)
    pages = [
        ("agreement list (portal) · official", reverse("agreements:list")),
        ("bare ListView, same table and page size", reverse("bench_bare_list")),
    ]
    port = free_port()
    results: list[LoadResult] = []
    with gunicorn(port, log):
        for name, path in pages:
            size = expect_page(port, path, cookie)
            run(port, path, cookie, min(2, seconds / 2))  # warm both workers up
            result = run(port, path, cookie, seconds)
            expect_page(port, path, cookie)
            if result.requests and abs(result.bytes_per_request - size) > 0.5 * size:
                raise RuntimeError(
                    f"{path}: {result.bytes_per_request:.0f} bytes per answer under load, the "
                    f"page has {size}: the load run did not get the page"
                )
            log(
                f"load: {name}: {result.rps:.0f} req/s over {result.seconds:.1f} s "
                f"({result.requests} requests, {result.errors} errors, {loadgen})"
            )
            results.append(result)
    portal, bare = results
    note = f"{loadgen}, {CONNECTIONS} connections, {seconds:g} s"

    def values(result: LoadResult) -> dict:
        return {
            "req/s": result.rps,
            "requests": result.requests,
            "errors": result.errors,
            "p50 ms": result.p50_ms,
            "p99 ms": result.p99_ms,
        }

    ratio = portal.rps / bare.rps if bare.rps else None
    return [
        Row(
            "load",
            pages[0][0],
            values(portal),
            [
                check_min(f"≥ {GOAL_RPS} req/s", portal.rps, GOAL_RPS),
                check_max("no errors", portal.errors, 0),
            ],
            note=note,
        ),
        Row("load", pages[1][0], values(bare), [check_max("no errors", bare.errors, 0)], note=note),
        Row(
            "load",
            "ratio portal / bare",
            {"ratio": ratio},
            [check_min(f"≥ {GOAL_RATIO}x", ratio, GOAL_RATIO)],
        ),
    ]
