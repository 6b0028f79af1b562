import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import override_settings

from tests.factories import PASSWORD, AgencyFactory, UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent


def require_service(reachable: bool, what: str) -> None:
    """Skip when a local service is missing on a developer machine; in CI it must be there."""
    if not reachable:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is required in CI but is not reachable")
        pytest.skip(f"{what} is not reachable")


@pytest.fixture(scope="session", autouse=True)
def _session_media_root(tmp_path_factory) -> Iterator[Path]:
    """Files the tests upload or generate go to a folder of this session (of this xdist
    worker under pytest-xdist), not to var/media, which `make run` serves and which the
    xdist workers would share. A test may still point MEDIA_ROOT elsewhere (``settings``)."""
    media_root = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media_root):
        yield media_root


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the portal's language (Vietnamese): a request through the test
    client leaves the language it chose active in the thread (LocaleMiddleware activates it
    and nothing deactivates it), so a test after an English page would start in English."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache, as it starts with an empty database: the home
    page keeps its figures for a minute (reports.dashboard), which would leak between tests."""
    from tests.caching import clear_cache

    clear_cache()


@pytest.fixture
def owner_agency():
    return AgencyFactory(owner=True)


@pytest.fixture
def agency():
    return AgencyFactory(name="Sở Văn hóa, Thể thao và Du lịch", short_name="SVHTTDL")


@pytest.fixture
def other_agency():
    return AgencyFactory(name="Sở Công Thương", short_name="SCT")


@pytest.fixture
def official(owner_agency):
    return UserFactory(official=True, agency=owner_agency, username="official")


@pytest.fixture
def reporter(agency):
    return UserFactory(agency=agency, username="reporter")


@pytest.fixture
def other_reporter(other_agency):
    return UserFactory(agency=other_agency, username="other_reporter")


@pytest.fixture
def leader():
    return UserFactory(
        leader=True,
        username="leader",
        agency=AgencyFactory(name="Ủy ban nhân dân tỉnh", short_name="UBND"),
    )


@pytest.fixture
def administrator(owner_agency):
    return UserFactory(administrator=True, agency=owner_agency, username="admin")


@pytest.fixture
def password() -> str:
    return PASSWORD


def xdist_worker() -> str:
    """This pytest-xdist worker's id (gw0, gw1, …), or "main" when the suite is not split."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _database_url() -> str:
    """The URL of the database the tests run on, for worker processes.

    Under pytest-xdist that is this xdist worker's own test database (pytest-django names it
    with the worker's suffix: test_…_gw0, test_…_gw1), never another worker's.
    """
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    if "PYTEST_XDIST_WORKER" in os.environ and not str(name).endswith(f"_{xdist_worker()}"):
        raise RuntimeError(f"{name} is not the test database of xdist worker {xdist_worker()}")
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    user = settings_dict["USER"] or ""
    auth = f"{user}:{settings_dict['PASSWORD']}@" if settings_dict["PASSWORD"] else f"{user}@"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{auth}{settings_dict['HOST'] or '127.0.0.1'}:{port}/{name}"


class WorkerProcess:
    """A real `celery worker` process, consuming its own queue."""

    def __init__(self, env: dict[str, str], queue: str, log: Path, pool: str = "solo") -> None:
        self.queue = queue
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config.celery_app",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited:\n{self.log.read_text()}")
            if " ready." in self.log.read_text():
                return
            time.sleep(0.2)
        raise TimeoutError(f"worker not ready:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log_file.close()


@pytest.fixture
def celery_worker_process(tmp_path, transactional_db) -> Iterator:
    """Start real worker processes: ``start(redis_url=None, queue=…, pool="solo")`` ->
    (worker, env).

    Without ``redis_url`` the worker uses the embedded filesystem broker in a fresh folder.
    The worker reads the test database, so tasks see committed test data (transactional_db).
    Requesting it also sets that database up when no other test of the run (or of this xdist
    worker) needs it, instead of handing the worker the development database.
    """
    workers: list[WorkerProcess] = []

    def start(
        redis_url: str | None = None, *, queue: str | None = None, pool: str = "solo"
    ) -> tuple[WorkerProcess, dict[str, str]]:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
        env["PORTAL_VAR_DIR"] = str(tmp_path / "var")
        env["DATABASE_URL"] = _database_url()
        env.pop("CELERY_BROKER_URL", None)
        env.pop("CELERY_RESULT_BACKEND", None)
        if redis_url:
            env["REDIS_URL"] = redis_url
        else:
            env.pop("REDIS_URL", None)
        # A queue (and worker name) of its own: xdist workers, and other test runs on this
        # machine, share the Redis databases and must never take each other's tasks.
        # (A test with a Redis server of its own may use the default queue.)
        queue = queue or f"test-{xdist_worker()}-{uuid.uuid4().hex[:8]}"
        worker = WorkerProcess(env, queue, tmp_path / f"{queue}.log", pool)
        workers.append(worker)
        worker.wait_ready()
        return worker, env

    yield start
    for worker in workers:
        worker.stop()


def pytest_report_header(config) -> list[str]:
    from django.conf import settings

    return [
        f"database: {settings.DATABASES['default']['ENGINE']}",
        f"celery broker: {settings.CELERY_BROKER_URL.split('@')[-1]}",
    ]
