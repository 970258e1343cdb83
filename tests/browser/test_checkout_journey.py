"""Headless Chromium at phone width: a shopper buys from two member businesses,
delivery in Jakarta, pays with the development test payment (Stripe.js cannot
run here; its server side is tested against stripe-mock), and sees the order.
Screenshots: test-artifacts/screens/checkout-*.png.
"""

import pytest
from django.core.management import call_command
from oscar.core.loading import get_model

from tests.browser.test_storefront_screens import SHOTS, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def two_products(settings):
    settings.TEST_PAYMENTS = True
    settings.STRIPE_SECRET_KEY = ""
    call_command("load_demo", "--no-progress", "--products", "60", "--businesses", "8")
    Product = get_model("catalogue", "Product")
    picked, partners = [], set()
    for product in Product.objects.filter(structure="standalone", is_public=True, stockrecords__num_in_stock__gt=1).order_by("pk"):
        partner = product.stockrecords.first().partner
        if partner.status == "active" and partner.pk not in partners:
            picked.append(product)
            partners.add(partner.pk)
        if len(picked) == 2:
            return picked
    pytest.fail("the demo has no two in-stock products from different businesses")


def test_shopper_buys_from_two_businesses_on_a_phone(two_products, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    for product in two_products:
        page.goto(base + product.get_absolute_url())
        page.get_by_role("button", name="Tambah ke keranjang").click()
        page.wait_for_load_state()
    page.goto(base + "/checkout/")
    page.fill("#id_email", "sari@pembeli.test")
    page.fill("#id_name", "Sari Wulandari")
    page.fill("#id_phone", "0813 1111 2222")
    page.fill("#id_line1", "Jl. Tebet Timur Dalam 7")
    page.fill("#id_rt_rw", "002/004")
    page.fill("#id_kelurahan", "Tebet Timur")
    page.select_option("#id_kecamatan", label="Tebet")
    page.fill("#id_kota", "Jakarta Selatan")
    page.fill("#id_postcode", "12820")
    page.check("input[name=gateway][value=uji]")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(SHOTS / "checkout-form.png"), full_page=True)
    page.click("form.checkout-form button[type=submit]")
    page.wait_for_url("**/checkout/bayar/**")
    page.screenshot(path=str(SHOTS / "checkout-pay.png"), full_page=True)
    page.click("button[value=ok]")
    page.wait_for_url("**/checkout/terima-kasih/**")
    text = page.locator("main").inner_text()
    assert "Terima kasih" in text
    for product in two_products:
        assert product.title in text
    page.screenshot(path=str(SHOTS / "checkout-thanks.png"), full_page=True)
    Order = get_model("order", "Order")
    order = Order.objects.get(number=page.url.rstrip("/").rsplit("/", 1)[-1])
    assert order.email == "sari@pembeli.test"
    assert order.lines.values("partner").distinct().count() == 2
    assert order.shipping_address.kecamatan.name == "Tebet"
