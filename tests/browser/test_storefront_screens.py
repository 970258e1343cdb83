"""Headless Chromium walks the shop at phone and desktop widths.

Real browser (Debian's chromium driven by Playwright), real dev-like server
(pytest-django's live_server), demo data from load_demo. Screenshots land in
test-artifacts/screens/ for a person to look at.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture
def browser():
    require(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo_shop():
    call_command("load_demo", "--no-progress", "--products", "40", "--businesses", "8")
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    product = Product.objects.filter(structure=Product.PARENT).first()
    return {"product_url": product.get_absolute_url(), "product_title": product.title}


@pytest.mark.parametrize("width", [390, 1280])
def test_shopper_browses_home_kecamatan_and_a_product(demo_shop, live_server, browser, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    pages = {
        "home": "/",
        "catalogue": "/catalogue/",
        "kecamatan": "/kecamatan/cengkareng/",
        "product": demo_shop["product_url"],
        "marts": "/mart/",
    }
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        # Nothing wider than the screen: no sideways scrolling on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a {width}px screen"
        # Every image on the page loaded (drawn pictures, logos, thumbnails).
        broken = page.evaluate("[...document.images].filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)")
        assert broken == [], broken

    page.goto(live_server.url + demo_shop["product_url"])
    assert page.locator("h1").inner_text() == demo_shop["product_title"]
    assert page.locator(".product-detail__maker").is_visible()

    # The search box on every page takes the shopper to results.
    page.goto(live_server.url + "/")
    page.fill("input[name=q]", demo_shop["product_title"].split()[0])
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search/**")
    assert page.locator(".product-card").count() > 0
