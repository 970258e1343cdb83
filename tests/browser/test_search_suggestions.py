"""Headless Chromium at phone width: suggestions under the search box, then
"Dekat saya" and sorting by the nearest maker.

Real browser, live server, the demo shop plus one rendang maker in Tebet and
one far away in Koja. Screenshots go to test-artifacts/screens/search-*.png.
"""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.browser.test_storefront_screens import SHOTS, browser  # noqa: F401  (fixture)
from tests.factories import PartnerFactory, ProductFactory, kecamatan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shop():
    call_command("load_demo", "--no-progress", "--products", "20", "--businesses", "4")
    tebet = PartnerFactory(name="Dapur Rendang Tebet", kecamatan=kecamatan("tebet"), founder_name="Sari Hidayat")
    koja = PartnerFactory(name="Rendang Pesisir Koja", kecamatan=kecamatan("koja"), founder_name="Budi Saputra")
    ProductFactory(title="Rendang Suwir Pedas", stock__partner=tebet, stock__price=Decimal("95000"))
    # The newest product is the far one: only a distance sort puts Tebet first.
    ProductFactory(title="Rendang Paru Kering", stock__partner=koja, stock__price=Decimal("80000"))


def fits_the_screen(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


def shot(page, name, full_page=True):
    SHOTS.mkdir(parents=True, exist_ok=True)
    fits_the_screen(page)
    page.screenshot(path=str(SHOTS / f"search-{name}.png"), full_page=full_page)


def first_card_place(page):
    return page.locator(".product-grid .product-card").first.locator(".product-card__place a").inner_text()


def test_suggestions_then_near_me_and_nearest_first(shop, live_server, browser):  # noqa: F811
    base = live_server.url
    page = browser.new_page(viewport=PHONE)
    page.goto(base + "/catalogue/")
    box = page.locator("#id_q")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"

    # Typing shows products, businesses and kecamatan in a listbox.
    box.click()
    box.press_sequentially("rend", delay=40)
    listbox = page.locator("#search-suggestions")
    option = listbox.locator("[role=option]", has_text="Rendang Suwir Pedas")
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert listbox.locator("[role=option]", has_text="Dapur Rendang Tebet").count() == 1
    shot(page, "suggestions-390", full_page=False)

    # Arrow keys move through the options; Escape closes the list.
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and listbox.is_hidden()

    # Choosing a product suggestion fills the box and searches.
    box.press("ArrowDown")
    option.click()
    page.wait_for_url("**/search/?q=Rendang+Suwir+Pedas")
    assert page.locator(".product-card", has_text="Rendang Suwir Pedas").count() == 1

    # A business suggestion opens its shop.
    box = page.locator("#id_q")
    box.fill("")
    box.press_sequentially("dapur ren", delay=40)
    listbox.locator("[role=option]", has_text="Dapur Rendang Tebet").click()
    page.wait_for_url("**/toko/dapur-rendang-tebet/")

    # "Dekat saya": no "Nearest to me" before a kecamatan is chosen.
    page.goto(base + "/catalogue/")
    assert page.locator("#id_sort_by option[value=distance]").count() == 0
    page.select_option("#id_near_kecamatan", "tebet")
    page.locator(".near__form button[type=submit]").click()
    page.wait_for_url("**/catalogue/?sort_by=distance")
    assert "Tebet" in page.locator(".near__chosen").inner_text()
    assert first_card_place(page) == "Tebet"

    # Another sort, then back to nearest with the sort select.
    page.select_option("#id_sort_by", "newest")
    page.wait_for_url(re.compile(r"sort_by=newest"))
    page.select_option("#id_sort_by", "distance")
    page.wait_for_url(re.compile(r"sort_by=distance"))
    assert first_card_place(page) == "Tebet"
    shot(page, "near-tebet-390")


def test_search_works_without_javascript(shop, live_server, browser):  # noqa: F811
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.fill("input[name=q]", "rendang suwir")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search/?q=rendang+suwir")
    assert page.locator(".product-card", has_text="Rendang Suwir Pedas").count() == 1
    page.select_option("#id_near_kecamatan", "tebet")
    page.locator(".near__form button[type=submit]").click()
    page.wait_for_url(re.compile(r"sort_by=distance"))
    assert page.locator(".near__chosen").count() == 1
    context.close()
