"""Celery round trips through real worker processes, on Redis and on the embedded broker."""

import os
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings

from config.broker import broker_settings
from config.celery_app import app
from tests.conftest import require_service

pytestmark = pytest.mark.celery_worker


def _client(redis_url: str, var_dir: Path) -> Celery:
    """A producer configured exactly as the portal's web process would be."""
    conf = broker_settings(redis_url, var_dir)
    client = Celery(
        "test-client",
        broker=conf["broker_url"],
        backend=conf["result_backend"],
        set_as_current=False,
    )
    client.conf.broker_transport_options = conf["broker_transport_options"]
    client.conf.update(task_serializer="json", accept_content=["json"], result_serializer="json")
    return client


def _round_trip(start_worker, redis_url: str) -> dict:
    worker, env = start_worker(redis_url or None)
    client = _client(redis_url, Path(env["PORTAL_VAR_DIR"]))
    result = client.send_task("config.ping", args=["xin chào"], queue=worker.queue)
    payload = result.get(timeout=30)
    client.close()
    return payload


def test_round_trip_through_embedded_broker(celery_worker_process):
    payload = _round_trip(celery_worker_process, "")
    assert payload["payload"] == "xin chào"
    # Executed in the worker process, not in this one.
    assert payload["pid"] != str(os.getpid())


def test_round_trip_through_redis(celery_worker_process):
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
        reachable = True
    except redis.RedisError:
        reachable = False
    require_service(reachable, f"Redis at {redis_url}")
    payload = _round_trip(celery_worker_process, redis_url)
    assert payload["payload"] == "xin chào"
    assert payload["pid"] != str(os.getpid())


def test_settings_choose_broker_from_environment():
    if os.environ.get("REDIS_URL"):
        assert settings.CELERY_BROKER_URL == os.environ["REDIS_URL"]
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"
        assert Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).is_dir()


def test_celery_app_is_configured_from_django_settings():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.task_acks_late is True
    assert app.conf.timezone == "Asia/Ho_Chi_Minh"


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE, "the beat schedule is empty"
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"beat entry {name} names an unknown task"
