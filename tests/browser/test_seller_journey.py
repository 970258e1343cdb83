"""Headless Chromium at phone width: a business applies, staff approve it, the
seller adds a shoe with two sizes and two photos, staff approve the listing,
and a shopper finds it in the shop.

Real browser, live server, the demo's product types. Screenshots go to
test-artifacts/screens/seller-*.png.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from tests.browser.test_storefront_screens import SHOTS, browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people():
    call_command("load_demo", "--no-progress", "--products", "20", "--businesses", "4")
    User = get_user_model()
    User.objects.create_user(username="tini", email="tini@sepatu.test", password="rahasia-tini-1")
    User.objects.create_user(username="petugas", email="petugas@okoce.test", password="rahasia-staf-1",
                             is_staff=True, is_superuser=True)


def pictures(tmp_path):
    paths = []
    for name, colour in [("depan.jpg", (150, 60, 30)), ("samping.jpg", (40, 90, 160))]:
        path = tmp_path / name
        Image.new("RGB", (900, 900), colour).save(path, "JPEG")
        paths.append(str(path))
    return paths


def log_in(page, base, email, password):
    page.goto(base + "/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()


def fits_the_screen(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the phone"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    fits_the_screen(page)
    page.screenshot(path=str(SHOTS / f"seller-{name}.png"), full_page=True)


def test_apply_approve_list_a_shoe_and_shoppers_see_it(people, live_server, browser, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = live_server.url
    front, back = pictures(tmp_path)
    seller = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    staff = browser.new_context(viewport=PHONE, is_mobile=True).new_page()

    # 1. The business applies.
    log_in(seller, base, "tini@sepatu.test", "rahasia-tini-1")
    seller.goto(base + "/penjual/")
    seller.wait_for_url("**/penjual/daftar/")
    seller.fill("#id_name", "Sepatu Tini")
    seller.fill("#id_founder_name", "Tini Marlina")
    seller.select_option("#id_kecamatan", label="Tanah Abang")
    seller.fill("#id_address", "Jl. Kebon Kacang 9")
    seller.fill("#id_whatsapp", "0812-7777-1234")
    seller.fill("#id_member_number", "OKOCE-2026-7777")
    seller.set_input_files("#id_logo", front)
    shot(seller, "apply")
    seller.click("form.seller-form button[type=submit]")
    assert "sedang ditinjau" in seller.content()

    # 2. Staff approve it.
    log_in(staff, base, "petugas@okoce.test", "rahasia-staf-1")
    staff.goto(base + "/staf/anggota/")
    staff.get_by_role("link", name="Sepatu Tini").click()
    shot(staff, "staff-review")
    staff.select_option("#id_action", "approve")
    staff.click("form.seller-form button[type=submit]")
    assert "Aktif" in staff.content()

    # 3. The seller adds a shoe in two sizes with two photos.
    seller.goto(base + "/penjual/")
    shot(seller, "home")
    seller.get_by_role("link", name="Tambah produk").first.click()
    seller.get_by_role("link", name="Sepatu").click()
    seller.fill("#id_title", "Sepatu Kanvas Tini")
    seller.fill("#id_description", "Sepatu kanvas ringan, dijahit tangan di Tanah Abang.")
    seller.fill("#id_attr_bahan", "Kanvas")
    seller.select_option("#id_variant-0-option", label="39")
    seller.fill("#id_variant-0-price", "175.000")
    seller.fill("#id_variant-0-stock", "5")
    seller.select_option("#id_variant-1-option", label="40")
    seller.fill("#id_variant-1-price", "180000")
    seller.fill("#id_variant-1-stock", "3")
    seller.set_input_files("#id_new_photos", [front, back])
    shot(seller, "product-form")
    seller.click("form.seller-form button[type=submit]")
    assert "Menunggu tinjauan" in seller.content()
    assert seller.locator(".photo-list img").count() == 2
    shot(seller, "product-saved")

    # 4. Staff approve the listing.
    staff.goto(base + "/staf/moderasi/")
    shot(staff, "moderation")
    staff.locator("section.seller-line", has_text="Sepatu Kanvas Tini").get_by_role("button", name="Setujui").click()
    assert "disetujui" in staff.content()

    # 5. A shopper finds it, with both sizes and both photos.
    shopper = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    shopper.goto(base + "/kecamatan/tanah-abang/")
    shopper.get_by_role("link", name="Sepatu Kanvas Tini").first.click()
    text = shopper.locator("main").inner_text().replace("\xa0", " ")
    assert "Sepatu Kanvas Tini" in text and "Rp 175.000" in text and "Rp 180.000" in text
    assert "Sepatu Tini" in text
    broken = shopper.evaluate("[...document.images].filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)")
    assert broken == []
    ask = shopper.get_by_role("link", name="Tanya penjual").get_attribute("href")
    assert ask.startswith("https://wa.me/6281277771234?text=")
    shot(shopper, "shop-product")
