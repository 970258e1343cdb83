"""Headless Chromium (issue #12): a seller lists a shoe in the Sepatu category and, once staff approve it,
it is on that category page; a signed-in shopper uses the buy box (a size, a quantity, "Beli sekarang"),
checks out with a saved address without retyping it, and then picks an order up at a Mart, which
stores no stray address. Screenshots: test-artifacts/screens/buy-*.png.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from oscar.core.loading import get_model
from PIL import Image

from places.models import Kecamatan, Mart
from tests.browser.test_storefront_screens import SHOTS, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Order = get_model("order", "Order")
UserAddress = get_model("address", "UserAddress")
Country = get_model("address", "Country")


@pytest.fixture
def demo(settings):
    settings.TEST_PAYMENTS = True
    settings.STRIPE_SECRET_KEY = ""
    call_command("load_demo", "--no-progress", "--products", "30", "--businesses", "6")


def log_in(page, base, email, password):
    page.goto(base + "/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"
    # No price breaks inside its number ("Rp 315.0" / "00"): each amount is one box on one line.
    broken = page.evaluate("[...document.querySelectorAll('.money, .price-large, .price_color')]"
                           ".filter(e => e.getClientRects().length > 1).map(e => e.textContent.trim())")
    assert broken == [], f"{page.url}: prices broken across lines: {broken}"
    page.screenshot(path=str(SHOTS / f"buy-{name}.png"), full_page=True)


def test_a_seller_lists_a_shoe_in_sepatu_and_it_is_on_the_category_page(demo, live_server, browser, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = live_server.url
    seller = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    log_in(seller, base, "penjual@okoce-mart.example", "okoce-penjual-2026")
    seller.goto(base + "/penjual/produk/baru/sepatu/")
    options = seller.locator("#id_category option").all_inner_texts()
    assert "Sepatu" in options and not [o for o in options if "Makanan" in o or "Rendang" in o]
    seller.fill("#id_title", "Sepatu Kanvas Uji Kategori")
    seller.fill("#id_description", "Sepatu kanvas ringan, dijahit tangan.")
    seller.fill("#id_attr_bahan", "Kanvas")
    seller.select_option("#id_category", label="Sepatu")
    seller.select_option("#id_variant-0-option", label="39")
    seller.fill("#id_variant-0-price", "175.000")
    seller.fill("#id_variant-0-stock", "5")
    picture = tmp_path / "depan.jpg"
    Image.new("RGB", (900, 900), (150, 60, 30)).save(picture, "JPEG")
    seller.set_input_files("#id_new_photos", [str(picture)])
    seller.click("form.seller-form button[type=submit]")
    seller.wait_for_load_state()
    assert "Menunggu tinjauan" in seller.content(), seller.locator(".error-block").all_inner_texts()

    staff = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    log_in(staff, base, "staf@okoce-mart.example", "okoce-staf-2026")
    staff.goto(base + "/staf/moderasi/")
    section = staff.locator("section.seller-line", has_text="Sepatu Kanvas Uji Kategori")
    assert "Kategori: Sepatu" in section.inner_text()
    shot(staff, "moderation")
    section.get_by_role("button", name="Setujui").click()
    staff.wait_for_load_state()

    shopper = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    shopper.goto(base + Category.objects.get(name="Sepatu").get_absolute_url())
    assert shopper.get_by_role("link", name="Sepatu Kanvas Uji Kategori").count() >= 1
    shot(shopper, "category")


@pytest.fixture
def shopper(demo):
    user = get_user_model().objects.create_user(username="sari", email="sari@pembeli.test", password="rahasia-sari-1")
    country, _ = Country.objects.get_or_create(iso_3166_1_a2="ID", defaults={"name": "Indonesia", "printable_name": "Indonesia"})
    UserAddress.objects.create(
        user=user, first_name="Sari Wulandari", line1="Jl. Tebet Timur Dalam 7", rt_rw="002/004", kelurahan="Tebet Timur",
        kecamatan=Kecamatan.objects.get(slug="tebet"), line4="Jakarta Selatan", state="DKI Jakarta", postcode="12820",
        phone_number="+6281311112222", country=country, is_default_for_shipping=True,
    )
    shoe = next(p for p in Product.objects.filter(structure=Product.PARENT, is_public=True).order_by("pk")
                if sum(1 for c in p.children.all() if c.stockrecords.filter(num_in_stock__gt=2).exists()) >= 1)
    return {"user": user, "shoe": shoe}


def test_buy_box_saved_address_checkout_then_a_mart_pickup(shopper, live_server, browser, monkeypatch):  # noqa: F811
    from playwright.sync_api import expect

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = live_server.url
    page = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    log_in(page, base, "sari@pembeli.test", "rahasia-sari-1")

    # The buy box: nothing chosen yet; choose a size, a quantity within its stock, "Beli sekarang".
    page.goto(base + shopper["shoe"].get_absolute_url())
    assert page.locator("input[name=child_id]:checked").count() == 0
    text = page.locator(".buy-box").inner_text()
    assert "Tambah ke keranjang" in text and "Beli sekarang" in text
    assert "Ongkir ke Tebet mulai" in page.locator(".shipping-line").inner_text()  # from the saved address
    shot(page, "product-390")
    choice = page.locator(".option-button:not(.option-button--out)").first
    stock = int(choice.locator("input").get_attribute("data-stock"))
    choice.click()
    assert page.locator("#id_buy_quantity").get_attribute("max") == str(stock)
    page.fill("#id_buy_quantity", "2")
    page.get_by_role("button", name="Beli sekarang").click()
    page.wait_for_url("**/checkout/")

    # Checkout: the saved address is chosen and its fields stay hidden; name and phone are remembered.
    assert page.locator("input[name=saved_address]").first.is_checked()
    assert page.locator(".new-address").is_hidden()
    assert page.input_value("#id_name") == "Sari Wulandari" and page.input_value("#id_phone") == "+6281311112222"
    summary = page.locator(".checkout-summary").inner_text()
    assert "Perkiraan ongkir ke Tebet" in summary
    page.check("input[name=gateway][value=uji]")
    shot(page, "checkout-390")
    page.click("form.checkout-form button[type=submit]")
    page.wait_for_url("**/checkout/bayar/**")
    itemised = page.locator(".pay-itemised").inner_text().replace("\xa0", " ")
    assert "Dikirim ke Tebet" in itemised and "Produk" in itemised and "Ongkos kirim" in itemised and "Total" in itemised
    shot(page, "payment-390")
    page.click("button[value=ok]")
    page.wait_for_url("**/checkout/terima-kasih/**")
    first = Order.objects.get(number=page.url.rstrip("/").rsplit("/", 1)[-1])
    address = first.shipping_address
    assert (address.line1, address.rt_rw, address.kelurahan, address.kecamatan.slug, address.postcode) == (
        "Jl. Tebet Timur Dalam 7", "002/004", "Tebet Timur", "tebet", "12820")
    assert first.lines.get().quantity == 2

    # A second order, picked up at a Mart: the saved address is not part of it.
    page.set_viewport_size(DESKTOP)
    page.goto(base + shopper["shoe"].get_absolute_url())
    shot(page, "product-1280")
    page.locator(".option-button:not(.option-button--out)").first.click()
    page.get_by_role("button", name="Tambah ke keranjang").click()
    page.wait_for_load_state()
    page.goto(base + "/basket/")
    assert "Perkiraan ongkir ke Tebet" in page.locator("main").inner_text()
    shot(page, "basket-1280")
    page.goto(base + "/checkout/")
    page.check("input[name=delivery][value=ambil]")
    mart = Mart.objects.order_by("pk").first()
    page.select_option("#id_mart", str(mart.pk))
    page.check("input[name=gateway][value=mart]")
    expect(page.locator("[data-shipping-estimate]")).to_contain_text("gratis")  # the summary follows the choice
    shot(page, "checkout-pickup-1280")
    page.click("form.checkout-form button[type=submit]")
    page.wait_for_url(lambda url: "/checkout/bayar/" in url or "/checkout/terima-kasih/" in url)
    second = Order.objects.filter(user=shopper["user"]).exclude(pk=first.pk).get()
    address = second.shipping_address
    assert second.pickup_mart == mart and address.first_name == "Sari Wulandari"
    assert (address.rt_rw, address.kelurahan, address.postcode, address.line1) == ("", "", "", mart.address)
