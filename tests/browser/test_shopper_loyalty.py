"""Headless Chromium: a shopper favourites a product (asked to sign in first, brought back to it)
and finds it on Favorit; a buyer rates a delivered order and the product card shows the rating.

Screenshots (390 px and 1280 px) go to $VAR_DIR/screenshots/loyalty-*.png.
"""

from decimal import Decimal

import pytest
from django.conf import settings
from oscar.core.loading import get_model
from PIL import Image

from tests.browser.test_storefront_screens import browser  # noqa: F401  (fixture)
from tests.factories import PartnerFactory, ProductFactory, place_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LineFulfilment = get_model("partner", "LineFulfilment")
WIDTHS = (390, 1280)


def shots_dir():
    folder = settings.VAR_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page.url} is {overflow}px wider than a {width}px screen"
        page.screenshot(path=str(shots_dir() / f"loyalty-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 900})


def log_in(page, email, password):
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()


@pytest.fixture
def shop(django_user_model):
    maker = PartnerFactory(name="Tenun Bu Sumi")
    products = [ProductFactory(title=t, stock__partner=maker, stock__price=Decimal(p))
                for t, p in [("Syal Tenun Ikat", "175000"), ("Sarung Tenun Songket", "450000")]]
    buyer = django_user_model.objects.create_user(username="wati", email="wati@pembeli.test", password="rahasia-wati-1",
                                                  first_name="Wati")
    return {"maker": maker, "products": products, "buyer": buyer}


def test_a_shopper_favourites_a_product_and_sees_it_on_favorit(shop, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    scarf = shop["products"][0]
    page = browser.new_context(viewport={"width": 390, "height": 900}, is_mobile=True).new_page()
    page.goto(live_server.url + scarf.get_absolute_url())
    heart = page.locator(f".product-detail [data-favourite='{scarf.pk}']")
    assert heart.get_attribute("aria-pressed") == "false"
    heart.click()
    page.wait_for_url("**/accounts/login/**")
    log_in(page, "wati@pembeli.test", "rahasia-wati-1")
    assert page.url.endswith(scarf.get_absolute_url()), "back on the same product after signing in"

    page.locator(f".product-detail [data-favourite='{scarf.pk}']").click()
    page.wait_for_load_state()
    assert "masuk ke Favorit" in page.content()
    assert page.locator(f".product-detail [data-favourite='{scarf.pk}']").get_attribute("aria-pressed") == "true"
    shoot(page, "product-favourited")

    page.goto(live_server.url + "/catalogue/")
    # The card's heart is filled by okoce.js from the page's list of favourite ids.
    assert page.locator(f".product-card [data-favourite='{scarf.pk}']").get_attribute("aria-pressed") == "true"
    other = shop["products"][1]
    assert page.locator(f".product-card [data-favourite='{other.pk}']").get_attribute("aria-pressed") == "false"

    page.click("text=Favorit")
    page.wait_for_url("**/favorit/")
    cards = page.locator(".product-card__title")
    assert cards.all_inner_texts() == ["Syal Tenun Ikat"]
    shoot(page, "favorit")


def test_a_buyer_rates_a_delivered_order_and_the_card_shows_it(shop, live_server, browser, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sarong = shop["products"][1]
    line = place_order(shop["buyer"], [(sarong, 1)]).lines.get()
    LineFulfilment.objects.create(line=line, status="delivered", courier="JNE", tracking_number="JN0001")
    picture = tmp_path / "sarung.jpg"
    Image.new("RGB", (800, 800), (120, 40, 60)).save(picture, "JPEG")

    page = browser.new_context(viewport={"width": 390, "height": 900}, is_mobile=True).new_page()
    page.goto(live_server.url + "/ulasan/")
    log_in(page, "wati@pembeli.test", "rahasia-wati-1")
    page.wait_for_url("**/ulasan/")
    page.click("text=Beri nilai")
    page.wait_for_url(f"**/ulasan/tulis/{line.pk}/")
    page.click("label[for=id_score_1]")  # choices run 5, 4, …: the second is four stars
    page.fill("#id_body", "Tenunnya halus, warnanya sama dengan foto. Pengiriman cepat.")
    page.set_input_files("#id_photos", str(picture))
    shoot(page, "write-review")
    page.click("form.review-form button[type=submit]")
    page.wait_for_load_state()
    assert "Terima kasih atas ulasan Anda" in page.content()
    assert "Tenunnya halus" in page.locator("#ulasan").inner_text()
    shoot(page, "product-reviews")

    page.goto(live_server.url + "/catalogue/?sort_by=rating")
    card = page.locator(".product-card", has_text="Sarung Tenun Songket")
    assert card.locator(".rating__value").inner_text() == "4,0"
    assert card.locator(".rating__count").inner_text() == "(1)"
    assert page.locator(".product-card__title").first.inner_text() == "Sarung Tenun Songket", "sorted by rating"
    shoot(page, "catalogue-rated")
