"""Access: password rules where passwords are set, sessions, logout, the admin; and the
security headers (CSP without inline scripts, nosniff, referrer policy, frames, HSTS).

Lockout, idle timeout and the login wall are tested in tests/accounts/test_auth.py, and
`check --deploy` in tests/config/test_settings.py; this module adds what they do not cover.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from tests.config.test_settings import GOOD_KEY, _run
from tests.factories import PASSWORD, UserFactory

BASE_DIR = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
STRONG = "Dai-Su-Quan-Vientiane-2026"


def _admin_add(client: Client, agency, password1: str, password2: str | None = None):
    return client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "pham.quoc.huy",
            "full_name": "Phạm Quốc Huy",
            "agency": agency.pk,
            "role": "official",
            "password1": password1,
            "password2": password2 or password1,
        },
    )


# ---------------------------------------------------------------------------------------------
# Passwords
# ---------------------------------------------------------------------------------------------
def test_password_validators_are_configured():
    validators = {v["NAME"].rsplit(".", 1)[-1]: v for v in django_settings.AUTH_PASSWORD_VALIDATORS}
    assert set(validators) >= {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
    assert validators["MinimumLengthValidator"]["OPTIONS"]["min_length"] >= 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    "weak",
    [
        pytest.param("Ab1-xyz9", id="too-short"),
        pytest.param("4829173650482", id="all-digits"),
        pytest.param("password1234", id="common"),
        pytest.param("pham.quoc.huy", id="like-the-username"),
    ],
)
def test_admin_user_creation_refuses_a_weak_password(client, administrator, weak):
    client.force_login(administrator)
    response = _admin_add(client, administrator.agency, weak)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.get("password2")
    assert not User.objects.filter(username="pham.quoc.huy").exists()


@pytest.mark.django_db
def test_admin_user_creation_accepts_a_strong_password(client, administrator):
    client.force_login(administrator)
    response = _admin_add(client, administrator.agency, STRONG)
    assert response.status_code == 302
    user = User.objects.get(username="pham.quoc.huy")
    assert user.check_password(STRONG)
    # Stored hashed, never as given.
    assert STRONG not in user.password


@pytest.mark.django_db
def test_admin_password_change_enforces_the_rules(client, administrator, reporter):
    client.force_login(administrator)
    url = reverse("admin:auth_user_password_change", args=[reporter.pk])
    weak = client.post(url, {"password1": "short-1", "password2": "short-1"})
    assert weak.status_code == 200
    assert weak.context["form"].errors
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)

    strong = client.post(url, {"password1": STRONG, "password2": STRONG, "usable_password": "true"})
    assert strong.status_code == 302
    reporter.refresh_from_db()
    assert reporter.check_password(STRONG)


# ---------------------------------------------------------------------------------------------
# Sessions and logout
# ---------------------------------------------------------------------------------------------
def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.django_db
def test_session_cookie_is_http_only_same_site_and_ends_with_the_browser(client, official):
    assert _login(client, "official").status_code == 302
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
    # The server side ends it after the idle time (tests/accounts/test_auth.py).
    assert django_settings.SESSION_COOKIE_AGE <= 60 * 60
    assert django_settings.SESSION_REFRESH_SECONDS <= 60
    assert client.cookies[django_settings.CSRF_COOKIE_NAME]["httponly"]


@pytest.mark.django_db
def test_login_replaces_a_session_planted_before_it(client, official):
    """Session fixation: a session id known before login is worth nothing after it."""
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = planted.session_key
    assert _login(client, "official").status_code == 302
    assert client.cookies[django_settings.SESSION_COOKIE_NAME].value != planted.session_key
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = planted.session_key
    assert replay.get(reverse("home"))["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_a_copied_session_cookie_stops_working_after_logout(client, official):
    assert _login(client, "official").status_code == 302
    stolen = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = stolen
    assert replay.get(reverse("home")).status_code == 200  # the copy works while logged in…

    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=stolen).exists()
    # …and not after logout: the session is gone from the server, not just from the browser.
    response = replay.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert replay.post(reverse("agreements:create")).status_code == 302


# ---------------------------------------------------------------------------------------------
# The Django admin: administrators only
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def agency_head(agency):
    return UserFactory(agency=agency, username="agency_head", is_agency_head=True)


@pytest.mark.django_db
@pytest.mark.parametrize("user_fixture", ["reporter", "agency_head", "official", "leader"])
def test_the_admin_refuses_everyone_but_administrators(client, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    for url in ("/admin/", reverse("admin:accounts_user_changelist"), "/admin/axes/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")
    client.logout()
    # Their password does not open the admin's own login form either.
    response = Client().post(
        "/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.django_db
def test_administrators_can_manage_users_in_the_admin(client, administrator, reporter):
    client.force_login(administrator)
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    assert changelist.status_code == 200
    assert reporter.username in changelist.content.decode()
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert client.get(reverse("admin:accounts_agency_changelist")).status_code == 200


@pytest.mark.django_db
def test_an_administrator_made_ordinary_loses_the_admin(client, administrator):
    administrator.role = "official"
    administrator.save()
    client.force_login(administrator)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


# ---------------------------------------------------------------------------------------------
# Security headers
# ---------------------------------------------------------------------------------------------
def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


# Policies that never send the path (which may hold ids) to another site.
STRICT_REFERRER_POLICIES = {"same-origin", "strict-origin", "no-referrer"}


def _assert_security_headers(response, where: str) -> None:
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] in STRICT_REFERRER_POLICIES, where
    assert response["X-Frame-Options"] == "DENY", where
    assert response.has_header("X-Request-ID"), where
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"], where
    assert csp["default-src"] == ["'self'"], where
    assert csp["object-src"] == ["'none'"], where
    assert csp["frame-ancestors"] == ["'none'"], where
    assert csp["base-uri"] == ["'self'"], where
    assert csp["form-action"] == ["'self'"], where
    assert "'unsafe-inline'" not in response["Content-Security-Policy"], where
    assert "'unsafe-eval'" not in response["Content-Security-Policy"], where


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_security_headers(client, official, password, settings):
    responses = {
        "login page": client.get(LOGIN),
        "failed login": _login(client, "official", "wrong"),
        "anonymous redirect": client.get(reverse("home")),
        "anonymous POST": client.post(reverse("agreements:create")),
        "health check": client.get("/healthz"),
        "language switch": client.post("/i18n/setlang/", {"language": "en"}),
    }
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = _login(client, "official", "wrong-again")
    responses["lockout"] = locked
    assert locked.status_code == 429
    client.force_login(official)
    responses.update(
        {
            "home": client.get(reverse("home")),
            "not found": client.get("/agreements/999999/"),
            "forbidden": client.get("/admin/"),
            "method not allowed": client.get(reverse("logout")),
            "csrf failure": Client(enforce_csrf_checks=True).post(LOGIN, {}),
            "logout": client.post(reverse("logout")),
        }
    )
    statuses = {response.status_code for response in responses.values()}
    assert statuses >= {200, 302, 403, 404, 405, 429}
    for where, response in responses.items():
        _assert_security_headers(response, where)


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
# htmx's hx-on evaluates its attribute as code, which 'unsafe-eval' would have to allow.
HX_ON = re.compile(r"\shx-on[:\-]", re.IGNORECASE)
DATA_SCRIPT = re.compile(r"""type=["']application/(?:ld\+)?json["']""", re.IGNORECASE)


def _inline_code(html: str) -> list[str]:
    found = [m.group(0) for m in INLINE_SCRIPT.finditer(html) if not DATA_SCRIPT.search(m.group(1))]
    for pattern in (EVENT_HANDLER, SCRIPT_URL, HX_ON):
        found += [m.group(0) for m in pattern.finditer(html)]
    return found


def _template_files() -> list[Path]:
    skip = {".venv", "node_modules", "staticfiles", "var", ".git", "tests"}
    return [
        path
        for path in BASE_DIR.rglob("*.html")
        if not skip.intersection(path.relative_to(BASE_DIR).parts)
        and "templates" in path.relative_to(BASE_DIR).parts
    ]


def test_no_template_holds_inline_script_or_event_handlers():
    templates = _template_files()
    assert len(templates) >= 50, templates
    offenders = {}
    for path in templates:
        found = _inline_code(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(BASE_DIR))] = found
    assert not offenders


def test_the_inline_code_check_finds_what_it_looks_for():
    for html in (
        "<script>alert(1)</script>",
        '<script type="module">import "x"</script>',
        '<button class="btn" onclick="go()">',
        "<body onload='x()'>",
        '<a href="javascript:void(0)">',
        '<div hx-on:click="x()">',
    ):
        assert _inline_code(html), html
    for html in (
        '<script src="/static/js/portal.js" defer></script>',
        '<script id="data" type="application/json">{"a": 1}</script>',
        '<a href="/x" data-confirm="on=off">',
        "<p>Click on = here</p>",
    ):
        assert not _inline_code(html), html


@pytest.mark.django_db
@pytest.mark.parametrize("user_fixture", ["official", "reporter", "leader"])
def test_rendered_pages_hold_no_inline_script(client, request, user_fixture):
    """What the browser receives, widgets and template tags included, on every page that
    takes no parameter."""
    client.force_login(request.getfixturevalue(user_fixture))
    checked = 0
    for route in _routes():
        if "<" in route or route.startswith(("admin/", "accounts/logout", "i18n/")):
            continue
        response = client.get("/" + route)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        assert not _inline_code(response.content.decode()), route
        _assert_security_headers(response, route)
        checked += 1
    assert checked >= 10


# ---------------------------------------------------------------------------------------------
# Production: HTTPS only
# ---------------------------------------------------------------------------------------------
PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

plain = Client().get("/agreements/?q=x")
secure = Client().get("/", secure=True)
health = Client().get("/healthz")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "secure": [secure.status_code, secure.get("Strict-Transport-Security")],
    "health": health.status_code,
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,
                settings.LANGUAGE_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,
                settings.CSRF_COOKIE_HTTPONLY],
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "logging": settings.LOGGING["formatters"]["structured"]["processors"][-1].__class__.__name__,
}))
"""


def test_production_redirects_to_https_and_sends_hsts(tmp_path):
    result = _run(
        ["-c", PRODUCTION_PROBE],
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="testserver",
        PORTAL_VAR_DIR=str(tmp_path),
        DATABASE_URL="",
        REDIS_URL="",
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain"] == [301, "https://testserver/agreements/?q=x"]
    status, hsts = probe["secure"]
    assert status == 302  # to the login page, over HTTPS
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 365 * 24 * 60 * 60
    assert "includeSubDomains" in hsts and "preload" in hsts
    # The container health check probes over plain HTTP inside the compose network.
    assert probe["health"] != 301
    assert probe["cookies"] == [True, True, True, True, True]
    assert probe["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert probe["logging"] == "JSONRenderer"
