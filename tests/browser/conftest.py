"""Playwright fixtures for the browser journeys.

The tests drive Debian's Chromium (/usr/bin/chromium): no Playwright-downloaded browser is
used, and the flags below keep the headless browser off the (closed) network.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Response,
    expect,
    sync_playwright,
)

# Playwright's sync API keeps an asyncio event loop running in the main thread, so Django
# would refuse every ORM call made while it is alive (SynchronousOnlyOperation). The ORM
# calls in these tests are ordinary synchronous code, so the check is switched off.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Run `make test`, which installs it.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def static_load_failed(request: Request) -> bool:
    """A static file that could not be loaded. A load the browser itself cancelled
    (net::ERR_ABORTED: the page navigated away while, say, the favicon was still on its
    way) is not a broken file; a missing one answers 404 and is caught on the response."""
    return "/static/" in request.url and "ERR_ABORTED" not in (request.failure or "")


@dataclass
class PageProblems:
    """What went wrong in the browser: console errors (CSP violations included), uncaught
    exceptions, and static files that failed to load or answered with an error."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_static: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return self.console_errors + self.page_errors + self.failed_static


@pytest.fixture
def page_problems(page: Page) -> PageProblems:
    """Request it before the first navigation so that every page load is watched."""
    problems = PageProblems()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.console_errors.append(f"console: {message.text} ({message.location})")

    def on_request_failed(request: Request) -> None:
        if static_load_failed(request):
            problems.failed_static.append(f"failed: {request.url} ({request.failure})")

    def on_response(response: Response) -> None:
        if "/static/" in response.url and response.status >= 400:
            problems.failed_static.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.page_errors.append(f"pageerror: {error}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    return problems


@pytest.fixture
def login(live_server) -> Callable[..., None]:
    """login(page, username, password): fill the login form and submit it.

    With ``goto=False`` the form already shown on the page is used (e.g. after a redirect
    that carries ``?next=``); otherwise the login page is opened first.
    """

    def do_login(page: Page, username: str, password: str, *, goto: bool = True) -> None:
        if goto:
            page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Tên đăng nhập", exact=True).fill(username)
        page.get_by_label("Mật khẩu", exact=True).fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng nhập").click()

    return do_login
