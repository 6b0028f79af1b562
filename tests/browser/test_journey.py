"""End-to-end journeys in a real browser: log in, land on the role's home page, switch
language, follow ``next``, log out."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from accounts.models import Agency, Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-2026"


def make_user(username: str, role: str, agency: Agency, full_name: str) -> User:
    user = User(username=username, role=role, agency=agency, full_name=full_name)
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    return user


@pytest.fixture
def official() -> User:
    owner = Agency.objects.create(
        name=settings.PORTAL["DEPARTMENT_NAME"],
        short_name=settings.PORTAL["DEPARTMENT_ABBR"],
        kind=Agency.Kind.DEPARTMENT,
    )
    return make_user("chuyenvien", Role.OFFICIAL, owner, "Nguyễn Thị Hồng Nhung")


@pytest.fixture
def leader() -> User:
    ubnd = Agency.objects.create(
        name="Ủy ban nhân dân tỉnh", short_name="UBND", kind=Agency.Kind.PROVINCIAL_BODY
    )
    return make_user("lanhdao", Role.LEADER, ubnd, "Phạm Quốc Khánh")


def login_url_re(live_server, next_path: str | None = None) -> re.Pattern:
    url = re.escape(live_server.url + "/accounts/login/")
    if next_path is not None:
        url += re.escape("?next=" + next_path)
    return re.compile("^" + url + "$")


def test_official_home_and_language_switch(page: Page, page_problems, live_server, login, official):
    login(page, official.username, PASSWORD)

    expect(page).to_have_url(live_server.url + "/")
    html = page.locator("html")
    title = page.get_by_test_id("home-title")
    nav = page.get_by_test_id("main-nav")

    expect(html).to_have_attribute("lang", "vi")
    expect(title).to_have_text("Bàn làm việc của chuyên viên")
    for label in ("Trang chủ", "Đối tác", "Cơ quan, đơn vị"):
        expect(nav).to_contain_text(label)
    expect(nav).not_to_contain_text("Quản trị")
    expect(page.get_by_test_id("lang-vi")).to_have_attribute("aria-current", "true")

    with page.expect_navigation():
        page.get_by_test_id("lang-en").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(html).to_have_attribute("lang", "en")
    expect(title).to_have_text("Official's workspace")
    expect(nav).to_contain_text("Partners")
    expect(nav).not_to_contain_text("Đối tác")
    expect(page.get_by_test_id("lang-en")).to_have_attribute("aria-current", "true")

    with page.expect_navigation():
        page.get_by_role("button", name="Tiếng Việt").click()
    expect(html).to_have_attribute("lang", "vi")
    expect(title).to_have_text("Bàn làm việc của chuyên viên")
    expect(nav).to_contain_text("Đối tác")
    expect(nav).not_to_contain_text("Partners")

    # Let the deferred scripts run and the last requests settle before judging.
    page.wait_for_load_state("networkidle")
    assert page_problems.all() == []


def test_login_follows_next(page: Page, live_server, login, official):
    page.goto(live_server.url + "/partners/")
    expect(page).to_have_url(login_url_re(live_server, "/partners/"))
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()

    login(page, official.username, PASSWORD, goto=False)

    expect(page).to_have_url(live_server.url + "/partners/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đối tác nước ngoài")


def test_leader_home_and_logout(page: Page, live_server, login, leader):
    login(page, leader.username, PASSWORD)

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_test_id("home-title")).to_have_text("Tổng quan dành cho lãnh đạo")
    nav = page.get_by_test_id("main-nav")
    expect(nav).to_contain_text("Trang chủ")
    expect(nav).not_to_contain_text("Quản trị")

    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(login_url_re(live_server))
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_test_id("main-nav")).to_have_count(0)

    page.goto(live_server.url + "/")
    expect(page).to_have_url(login_url_re(live_server, "/"))
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
