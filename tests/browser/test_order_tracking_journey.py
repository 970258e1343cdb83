"""Headless Chromium: a guest buys two sizes of a shoe and a snack from two member businesses with
delivery, opens the emailed order link and sees both parcels; the shoe's seller ships one line with
a courier from the list; the guest's page and the shipping email carry the tracking link. Then the
same shopper signs in, takes the order into the account, and the account pages are measured and
photographed at 390 px and 1280 px (screenshots: var/screenshots/account-*.png, guest-order-*.png).

Payment is the development test payment, as in test_checkout_journey (Stripe.js cannot run here).
Emails go to Django's test outbox (the live server runs in this process).
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from oscar.core.loading import get_model

from tests.browser.test_storefront_screens import browser  # noqa: F401  (fixture)
from tests.factories import PartnerFactory, ProductFactory, kecamatan, make_user, parent_with_variants

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = Path(settings.VAR_DIR) / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SIDEWAYS = "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"


@pytest.fixture
def two_businesses(settings):
    settings.TEST_PAYMENTS = True
    settings.STRIPE_SECRET_KEY = ""
    shoes = PartnerFactory(name="Sepatu Kulit Cibubur", kecamatan=kecamatan("ciracas"))
    snacks = PartnerFactory(name="Kerupuk Ikan Cilincing", kecamatan=kecamatan("cilincing"))
    seller = make_user("rina@sepatu.test", password="sepatu-rina-2026")
    shoes.users.add(seller)
    shoe = parent_with_variants(shoes, sizes=("40", "41"), title="Sepatu Pantofel Cibubur")
    snack = ProductFactory(title="Kerupuk Ikan Tenggiri", stock__partner=snacks, stock__price=Decimal("35000"))
    return {"sizes": list(shoe.children.order_by("pk")), "snack": snack, "seller": seller}


def add_to_basket(page, base, product):
    """Into the browser's own basket, as the product page's form does (the buy box itself is tested elsewhere)."""
    page.goto(base + (product.parent or product).get_absolute_url())
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(f"{base}/basket/add/{product.pk}/", form={"quantity": "1"},
                                 headers={"X-CSRFToken": token, "Referer": page.url})
    assert response.ok


def no_sideways_scroll(page, path):
    assert page.evaluate(SIDEWAYS) <= 0, f"{path} scrolls sideways by {page.evaluate(SIDEWAYS)} px"


def test_guest_order_link_parcels_and_tracking_then_the_account_on_a_phone(two_businesses, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    monkeypatch.setattr(settings, "BASE_URL", base)
    shopper = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    for product in (*two_businesses["sizes"], two_businesses["snack"]):
        add_to_basket(shopper, base, product)
    shopper.goto(base + "/checkout/")
    shopper.fill("#id_email", "sari@pembeli.test")
    shopper.fill("#id_name", "Sari Wulandari")
    shopper.fill("#id_phone", "0813 1111 2222")
    shopper.fill("#id_line1", "Jl. Tebet Timur Dalam 7")
    shopper.fill("#id_rt_rw", "002/004")
    shopper.fill("#id_kelurahan", "Tebet Timur")
    shopper.select_option("#id_kecamatan", label="Tebet")
    shopper.fill("#id_kota", "Jakarta Selatan")
    shopper.fill("#id_postcode", "12820")
    shopper.check("input[name=gateway][value=uji]")
    shopper.click("form.checkout-form button[type=submit]")
    shopper.wait_for_url("**/checkout/bayar/**")
    shopper.click("button[value=ok]")
    shopper.wait_for_url("**/checkout/terima-kasih/**")
    thanks = shopper.locator("main").inner_text()
    assert "nomor resi" in thanks and "siap diambil" not in thanks  # delivery: tracking numbers will follow

    Order = get_model("order", "Order")
    order = Order.objects.get()
    assert order.lines.count() == 3 and order.lines.values("partner").distinct().count() == 2
    confirmation = next(m for m in mail.outbox if m.to == ["sari@pembeli.test"])
    link = re.search(r"https?://\S+/accounts/order-status/[^/\s]+/[^/\s]+/", confirmation.body).group(0)

    # The link opens the order in a browser that never saw the checkout.
    guest = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    guest.goto(link)
    assert guest.locator(".parcel").count() == 2
    text = guest.locator("main").inner_text()
    assert "Sepatu Kulit Cibubur" in text and "Kerupuk Ikan Cilincing" in text and "41" in text and "40" in text
    no_sideways_scroll(guest, "guest order")

    # The shoe seller ships the size 40 with SiCepat.
    seller = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    seller.goto(base + "/accounts/login/")
    seller.fill("#id_login-username", "rina@sepatu.test")
    seller.fill("#id_login-password", "sepatu-rina-2026")
    seller.click("button[name=login_submit]")
    seller.goto(f"{base}/penjual/pesanan/{order.number}/")
    line = order.lines.get(product=two_businesses["sizes"][0])
    form = seller.locator(f"form:has(input[name=line][value='{line.pk}'])")
    form.locator(f"#id_line{line.pk}-status").select_option("shipped")
    form.locator(f"#id_line{line.pk}-courier").select_option(label="SiCepat")
    form.locator(f"#id_line{line.pk}-tracking_number").fill("004455667788")
    mail.outbox.clear()
    form.locator("button[type=submit]").click()
    seller.wait_for_load_state()
    tracking = "https://www.sicepat.com/checkAwb/004455667788"
    [shipped] = [m for m in mail.outbox if m.to == ["sari@pembeli.test"]]
    assert tracking in shipped.body and "SiCepat" in shipped.body
    assert tracking in next(content for content, kind in shipped.alternatives if kind == "text/html")

    guest.goto(link)
    assert guest.locator(f"a.tracking-link[href='{tracking}']").count() == 1
    for viewport, width in ((PHONE, 390), (DESKTOP, 1280)):
        guest.set_viewport_size(viewport)
        guest.goto(link)
        no_sideways_scroll(guest, f"guest order at {width}")
        guest.screenshot(path=str(SHOTS / f"guest-order-{width}.png"), full_page=True)

    # The same shopper registers later with the same email: the order joins the account through the emailed link.
    account = make_user("sari@pembeli.test", password="sari-pembeli-2026")
    me = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    me.goto(base + "/accounts/login/")
    me.fill("#id_login-username", "sari@pembeli.test")
    me.fill("#id_login-password", "sari-pembeli-2026")
    me.click("button[name=login_submit]")
    me.wait_for_load_state()
    claim = next(m for m in mail.outbox if m.to == ["sari@pembeli.test"] and "pesanan-tamu" in m.body)
    me.goto(re.search(r"https?://\S+/pesanan-tamu/\S+/", claim.body).group(0))
    order.refresh_from_db()
    assert order.user == account
    me.goto(base + "/accounts/addresses/add/")
    me.fill("#id_first_name", "Sari Wulandari")
    me.fill("#id_phone_number", "0813 1111 2222")
    me.fill("#id_line1", "Jl. Tebet Timur Dalam 7")
    me.fill("#id_rt_rw", "002/004")
    me.fill("#id_kelurahan", "Tebet Timur")
    me.select_option("#id_kecamatan", label="Tebet")
    me.fill("#id_line4", "Jakarta Selatan")
    me.fill("#id_state", "DKI Jakarta")
    me.fill("#id_postcode", "12820")
    me.locator("form.account-form button[type=submit]").click()
    me.wait_for_url("**/accounts/addresses/")
    assert "Jl. Tebet Timur Dalam 7" in me.locator("main").inner_text()

    pages = {"orders": "/accounts/orders/", "order": f"/accounts/orders/{order.number}/", "addresses": "/accounts/addresses/",
             "address-form": "/accounts/addresses/add/", "profile": "/accounts/profile/"}
    for viewport, width in ((PHONE, 390), (DESKTOP, 1280)):
        me.set_viewport_size(viewport)
        for name, path in pages.items():
            assert me.goto(base + path).status == 200, path
            no_sideways_scroll(me, f"{path} at {width}")
            me.screenshot(path=str(SHOTS / f"account-{name}-{width}.png"), full_page=True)
    me.goto(base + "/accounts/orders/")
    listing = me.locator("main").text_content()
    assert "Tanggal pesan" in listing and "Lacak" in listing and "Sepatu Kulit Cibubur" in listing
    me.goto(base + f"/accounts/orders/{order.number}/")
    assert me.locator(f"a.tracking-link[href='{tracking}']").count() == 1
