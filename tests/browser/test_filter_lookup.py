"""A register too long to list in a filter's <select> (a national instance's partners): the
official types part of a partner's name without accents, picks it from what the search box
found, and the agreement list is filtered by it."""

import pytest
from playwright.sync_api import Page, expect

from accounts.widgets import LookupSelect
from agreements.models import Agreement
from tests.browser.test_journey import PASSWORD
from tests.browser.test_journey import official as official
from tests.factories import AgreementFactory, PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_finds_a_partner_by_typing_and_filters_the_list(
    page: Page, page_problems, live_server, login, monkeypatch, official
):
    # Beyond three records the lists become search boxes (500 in production).
    monkeypatch.setattr(LookupSelect, "full_list_max", 3)
    partners = [PartnerFactory(name_vi=f"Tỉnh Đối tác số {n}") for n in range(5)]
    wanted = PartnerFactory(name_vi="Tỉnh Chăm-pa-sắc")
    mine = AgreementFactory(title_vi="Thỏa thuận với Chăm-pa-sắc")
    mine.partners.set([wanted])
    other = AgreementFactory(title_vi="Thỏa thuận với đối tác khác")
    other.partners.set([partners[0]])

    login(page, official.username, PASSWORD)
    page.goto(live_server.url + "/agreements/")
    table = page.get_by_test_id("agreement-table")
    expect(table).to_contain_text(other.title_vi)
    partner_select = page.locator("select[name=partner]")
    # Only "every partner" until the user types.
    expect(partner_select.locator("option")).to_have_count(1)

    search = page.locator('input[aria-controls="id_partner"]')
    expect(search).to_have_attribute("aria-label", "Tìm trong danh sách bên dưới")
    search.fill("cham pa")
    expect(partner_select.locator("option")).to_have_count(2)
    partner_select.select_option(label="Tỉnh Chăm-pa-sắc")
    with page.expect_navigation():
        page.get_by_role("button", name="Lọc").click()

    expect(table).to_contain_text(mine.title_vi)
    expect(table).not_to_contain_text(other.title_vi)
    # The chosen partner stays shown and selected after the page reloads.
    expect(partner_select).to_have_value(str(wanted.pk))
    expect(partner_select.locator("option:checked")).to_have_text("Tỉnh Chăm-pa-sắc")
    assert Agreement.objects.count() == 2
    assert page_problems.all() == []
