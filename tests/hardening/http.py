"""A logged-in HTTP session against a running portal (gunicorn on loopback), stdlib only
(no Django import: the soak script runs it outside Django).

Used by the fault tests and the soak script: it logs in through the real login form (CSRF
token included) and keeps the session cookie.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar

LOGIN_PATH = "/accounts/login/"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    def __init__(self, base_url: str, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def _open(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, response.read())
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            return Answer(error.code, error.read())

    def get(self, path: str) -> Answer:
        return self._open(urllib.request.Request(self.base_url + path))

    def post(self, path: str, data: dict[str, str]) -> Answer:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base_url + path, data=body, method="POST")
        request.add_header("Referer", self.base_url + path)
        return self._open(request)

    def login(self, username: str, password: str) -> None:
        form = self.get(LOGIN_PATH)
        match = CSRF_INPUT.search(form.body.decode())
        if form.status != 200 or match is None:
            raise RuntimeError(f"no login form (HTTP {form.status})")
        answer = self.post(
            LOGIN_PATH,
            {"csrfmiddlewaretoken": match.group(1), "username": username, "password": password},
        )
        if answer.status != 302:
            raise RuntimeError(f"login of {username} failed (HTTP {answer.status})")
