"""Login, logout, lockout, idle timeout and the login wall."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def test_login_page_is_vietnamese(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert "Đăng nhập" in content
    assert "Tên đăng nhập" in content
    assert "Mật khẩu" in content


def test_login_with_good_password_lands_on_home(client, official, password):
    response = _login(client, "official", password)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_shows_vietnamese_error(client, official):
    response = _login(client, "official", "wrong-password")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_logout_ends_the_session(client, official, password):
    _login(client, "official", password)
    session_key = client.session.session_key
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get(reverse("home"))["Location"].startswith(LOGIN)


def test_logout_by_get_is_refused(client, official):
    client.force_login(official)
    assert client.get(reverse("logout")).status_code == 405


def test_lockout_after_repeated_failures_is_per_user_and_address(
    client, official, reporter, password
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "official", "wrong", ip="10.0.0.1")

    locked = _login(client, "official", password, ip="10.0.0.1")
    assert locked.status_code == 429
    assert "Tài khoản tạm thời bị khóa" in locked.content.decode()
    assert "15 phút" in locked.content.decode()

    # A colleague behind the same office address still gets in…
    assert _login(client, "reporter", password, ip="10.0.0.1").status_code == 302
    client.logout()
    # …and so does the same person from another address.
    assert _login(client, "official", password, ip="10.0.0.2").status_code == 302


def test_lockout_ends_after_cool_off(client, official, password):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "official", "wrong")
    assert _login(client, "official", password).status_code == 429
    with time_machine.travel(timedelta(minutes=16)):
        assert _login(client, "official", password).status_code == 302


def test_session_expires_after_idle_time(client, official, password):
    _login(client, "official", password)
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(idle - timedelta(minutes=1)):
        # Activity pushes the expiry forward…
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(2 * idle - timedelta(minutes=2)):
        assert client.get(reverse("home")).status_code == 200
    # …and idleness ends the session.
    with time_machine.travel(3 * idle):
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_pages_do_not_write_the_session_more_than_once_a_minute(client, official, password):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _login(client, "official", password)
    client.get(reverse("home"))
    expiry = Session.objects.get().expire_date
    soon = timedelta(seconds=settings.SESSION_REFRESH_SECONDS - 5)
    with time_machine.travel(soon), CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    sql = [query["sql"] for query in captured]
    writes = [q for q in sql if "django_session" in q and not q.startswith("SELECT")]
    assert writes == []
    assert Session.objects.get().expire_date == expiry
    with time_machine.travel(timedelta(seconds=settings.SESSION_REFRESH_SECONDS + 5)):
        assert client.get(reverse("home")).status_code == 200
    assert Session.objects.get().expire_date > expiry


def test_an_anonymous_visit_creates_no_session(client):
    from django.contrib.sessions.models import Session

    client.get(LOGIN)
    client.get(reverse("home"))
    assert Session.objects.count() == 0


def _all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _all_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


# Pages an anonymous visitor may open; everything else sends them to the login page.
PUBLIC = {"accounts/login/", "healthz", "i18n/setlang/"}


def test_anonymous_visitor_is_sent_to_login_from_every_page(client):
    """Every URL pattern, with any value in its parameters: the login wall answers first,
    so a view that forgets it (or is marked public by mistake) fails here."""
    import re

    checked = 0
    for route, _pattern in _all_patterns():
        if route.startswith("admin/") or route in PUBLIC:
            continue
        path = "/" + re.sub(
            r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) == "int" else "x", route
        )
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, (method.__name__, path)
            assert response["Location"].startswith(LOGIN), path
        checked += 1
    assert checked >= 20


def test_admin_is_for_administrators_only(client, official, administrator):
    client.force_login(official)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200


def test_lockout_behind_a_proxy_uses_the_forwarded_address(client, official, password, settings):
    # What PORTAL_PROXY_COUNT=1 configures (config/settings/base.py).
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    settings.AXES_IPWARE_PROXY_COUNT = 0
    proxy = "172.18.0.5"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "official", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    locked = client.post(
        LOGIN,
        {"username": "official", "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert locked.status_code == 429
    # The same user from another office, through the same proxy, is not locked out.
    other_office = client.post(
        LOGIN,
        {"username": "official", "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert other_office.status_code == 302


def test_without_a_declared_proxy_a_forged_header_does_not_escape_lockout(
    client, official, password
):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "official", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    forged = client.post(
        LOGIN,
        {"username": "official", "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert forged.status_code == 429
