import pytest

from config.celery_app import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["broker"]["status"] == "ok"
    assert body["broker"]["transport"] in {"redis", "filesystem"}


def test_healthz_reports_a_dead_broker(client):
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = saved
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["broker"]["status"] == "error"
    assert body["database"]["status"] == "ok"


def test_healthz_is_public_and_never_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
