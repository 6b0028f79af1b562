"""Structured logs (config/logs.py, django-structlog): one JSON line per request with its id and
the user's id, the id answered in X-Request-ID and carried into Celery tasks, and nothing
secret or personal in any line.

The log lines are captured through the formatter that settings.LOGGING installs on the
console handler, so what is checked is what the portal writes.
"""

import io
import json
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


# A small URLconf for the two things no page of the portal does on purpose: crash, and queue
# a task from a test's own broker. Everything else goes through the portal's own URLs.
_SEND: dict = {}


@login_not_required
def _boom(request: HttpRequest) -> HttpResponse:
    card_number = "LOCAL-SECRET-4111"  # a local variable a traceback must not show
    raise RuntimeError(f"boom {len(card_number)}")


def _queue_ping(request: HttpRequest) -> HttpResponse:
    transaction.on_commit(lambda: _SEND["ping"]())
    return HttpResponse("queued")


urlpatterns = [
    path("boom/", _boom),
    path("queue-ping/", _queue_ping),
    path("", include("config.urls")),
]


class CapturedLogs:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict]:
        """Every line, each of which must be one JSON object."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def access(self) -> list[dict]:
        return [line for line in self.lines() if line["event"] == "request_finished"]


@pytest.fixture
def logs() -> Iterator[CapturedLogs]:
    root = logging.getLogger()
    console = next(h for h in root.handlers if h.get_name() == "console")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    root.addHandler(handler)
    try:
        yield CapturedLogs(stream)
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
def test_one_json_access_line_per_request(client, official, logs):
    client.force_login(official)
    response = client.get(reverse("search") + "?q=hop+tac&page=2")
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    assert UUID.fullmatch(request_id)

    (line,) = logs.access()
    assert line["request_id"] == request_id
    assert line["method"] == "GET"
    assert line["path"] == reverse("search")  # no query string
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], int | float) and line["duration_ms"] >= 0
    assert line["user_id"] == official.pk
    assert line["level"] == "info"
    assert "timestamp" in line
    # Only what was asked for: no address, browser, name or e-mail.
    assert set(line) == {
        "event",
        "request_id",
        "user_id",
        "method",
        "path",
        "status",
        "duration_ms",
        "level",
        "logger",
        "timestamp",
    }
    assert "hop" not in logs.text


@pytest.mark.django_db
def test_each_request_gets_its_own_id_and_lines_written_during_it_carry_it(client, logs):
    first = client.get(LOGIN)
    second = client.post(LOGIN, {"username": "nobody-here", "password": "x"})
    assert first["X-Request-ID"] != second["X-Request-ID"]
    # The failed login is logged by django-axes while the request runs: same request id.
    axes = [line for line in logs.lines() if line["logger"].startswith("axes")]
    assert axes, logs.text
    assert {line["request_id"] for line in axes} == {second["X-Request-ID"]}
    anonymous = [line for line in logs.access() if line["request_id"] == first["X-Request-ID"]]
    assert anonymous[0]["user_id"] is None
    assert anonymous[0]["status"] == 200


@pytest.mark.django_db
def test_a_proxys_request_id_is_kept_only_when_it_is_a_plain_token(client, logs):
    upstream = "edge-7f3a9c1e4b2d4e6f"
    response = client.get(LOGIN, HTTP_X_REQUEST_ID=upstream)
    assert response["X-Request-ID"] == upstream
    assert logs.access()[-1]["request_id"] == upstream

    for forged in (
        'x"}\n{"event": "forged',
        "short",
        "a" * 200,
        "id with spaces 123",
        "<script>alert(1)</script>",
    ):
        response = client.get(LOGIN, HTTP_X_REQUEST_ID=forged)
        assert UUID.fullmatch(response["X-Request-ID"]), forged
        assert logs.access()[-1]["request_id"] == response["X-Request-ID"]
    assert "forged" not in logs.text and "alert" not in logs.text


@pytest.mark.django_db
def test_client_and_server_errors_are_logged_with_the_request_id(client, official, logs, settings):
    settings.ROOT_URLCONF = __name__
    client.force_login(official)
    missing = client.get("/agencies/999999/?who=someone")
    assert missing.status_code == 404
    line = logs.access()[-1]
    assert (line["status"], line["level"], line["path"]) == (404, "warning", "/agencies/999999/")
    assert line["request_id"] == missing["X-Request-ID"]

    crashing = Client(raise_request_exception=False)
    response = crashing.get("/boom/?token=abc")
    assert response.status_code == 500
    failed = [line for line in logs.lines() if line["event"] == "request_failed"]
    assert len(failed) == 1
    assert failed[0]["path"] == "/boom/" and failed[0]["status"] == 500
    assert failed[0]["request_id"] == response["X-Request-ID"]
    assert "RuntimeError: boom" in failed[0]["exception"]
    # A plain traceback: neither the query string nor local variables.
    assert "LOCAL-SECRET-4111" not in logs.text
    assert "token=abc" not in logs.text and "who=someone" not in logs.text


@pytest.mark.django_db
def test_no_password_session_token_query_name_or_email_in_the_logs(administrator, logs, settings):
    """Log in with a wrong and a right password, get locked out, create a user with a
    password in the admin, change a password, search, log out: the captured lines hold
    none of the secrets or personal data involved."""
    person = UserFactory(
        username="tran.thi.lan.logcheck",
        full_name="Trần Thị Lan Kiểm Tra",
        email="lan.logcheck@ngoaivu.example.gov.vn",
        agency=administrator.agency,
        role="official",
    )
    wrong_password = "Wrong-Horse-Battery-8841"
    new_user_password = "Brand-New-Secret-Pass-5521"
    changed_password = "Changed-Secret-Pass-7730"
    search_words = "matkhau-tim-kiem-bimat"
    secrets = {
        person.username,
        person.full_name,
        person.email,
        "lan.logcheck",
        wrong_password,
        PASSWORD,
        new_user_password,
        changed_password,
        search_words,
        "hoang.van.minh.newuser",
        "Hoàng Văn Minh Mới",
    }

    def login(browser: Client, username: str, password: str) -> HttpResponse:
        token = form_token(browser, LOGIN)
        secrets.add(browser.cookies["csrftoken"].value)
        return browser.post(
            LOGIN, {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )

    def form_token(browser: Client, url: str) -> str:
        token = str(browser.get(url).context["csrf_token"])
        secrets.add(token)
        return token

    browser = Client(enforce_csrf_checks=True)
    assert login(browser, person.username, wrong_password).status_code == 200
    assert login(browser, person.username, PASSWORD).status_code == 302
    secrets.add(browser.cookies["sessionid"].value)
    browser.get(reverse("search"), {"q": search_words})
    browser.post(reverse("logout"), {"csrfmiddlewaretoken": form_token(browser, reverse("home"))})

    # Locked out after repeated failures: axes logs it, without the user name.
    intruder = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = intruder.post(LOGIN, {"username": person.username, "password": wrong_password})
    assert response.status_code == 429

    admin = Client(enforce_csrf_checks=True)
    assert login(admin, administrator.username, PASSWORD).status_code == 302
    secrets.add(admin.cookies["sessionid"].value)
    add_url = reverse("admin:accounts_user_add")
    response = admin.post(
        add_url,
        {
            "csrfmiddlewaretoken": form_token(admin, add_url),
            "username": "hoang.van.minh.newuser",
            "full_name": "Hoàng Văn Minh Mới",
            "agency": administrator.agency.pk,
            "role": "official",
            "password1": new_user_password,
            "password2": new_user_password,
        },
    )
    assert response.status_code == 302, (response.status_code, response.content.decode()[:300])
    new_user = User.objects.get(username="hoang.van.minh.newuser")
    assert new_user.check_password(new_user_password)
    change_url = reverse("admin:auth_user_password_change", args=[person.pk])
    response = admin.post(
        change_url,
        {
            "csrfmiddlewaretoken": form_token(admin, change_url),
            "password1": changed_password,
            "password2": changed_password,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(changed_password)

    text = logs.text
    # The logs did record all of this (so the check below looks at something)…
    assert len(logs.access()) >= 15
    assert any("Locking out" in line["event"] for line in logs.lines()), text
    assert {person.pk, administrator.pk} <= {line["user_id"] for line in logs.access()}
    # …and none of the secrets.
    for secret in secrets:
        assert secret and secret not in text, secret
    assert "?" not in "".join(line["path"] for line in logs.access())
    assert "@" not in text


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_task_logs_its_id_and_the_request_id_that_queued_it(
    client, official, settings, celery_worker_process, logs
):
    from celery import Celery

    from config.broker import broker_settings

    settings.ROOT_URLCONF = __name__
    worker, env = celery_worker_process()
    conf = broker_settings(env.get("REDIS_URL", ""), Path(env["PORTAL_VAR_DIR"]))
    producer = Celery(
        "test-producer",
        broker=conf["broker_url"],
        backend=conf["result_backend"],
        set_as_current=False,  # the tasks keep their own app: see tests/hardening/test_faults.py
    )
    producer.conf.broker_transport_options = conf["broker_transport_options"]
    producer.conf.update(task_serializer="json", accept_content=["json"])
    sent = []
    _SEND["ping"] = lambda: sent.append(
        producer.send_task("config.ping", args=["log"], queue=worker.queue)
    )
    try:
        client.force_login(official)
        response = client.get("/queue-ping/")
        assert response.status_code == 200
        (result,) = sent
        assert result.get(timeout=30)["payload"] == "log"
    finally:
        producer.close()
        _SEND.clear()
    request_id = response["X-Request-ID"]

    # The web side: the request's lines say which task it queued.
    enqueued = [line for line in logs.lines() if line["event"] == "task_enqueued"]
    assert [(line["child_task_id"], line["request_id"]) for line in enqueued] == [
        (result.id, request_id)
    ]

    # The worker side: its lines carry the task id and the request id (and user id).
    def task_lines() -> list[dict]:
        lines = []
        for raw in worker.log.read_text().splitlines():
            if raw.startswith("{"):
                line = json.loads(raw)
                if line.get("task_id") == result.id:
                    lines.append(line)
        return lines

    deadline = time.monotonic() + 15
    while not any(line["event"] == "task_succeeded" for line in task_lines()):
        assert time.monotonic() < deadline, worker.log.read_text()[-3000:]
        time.sleep(0.2)
    lines = task_lines()
    assert {line["event"] for line in lines} >= {"task_started", "task_succeeded"}
    for line in lines:
        assert line["request_id"] == request_id
        assert line["user_id"] == official.pk
    assert any(line.get("task") == "config.ping" for line in lines)
