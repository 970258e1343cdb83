"""Headless Chromium: every kind of page a shopper opens passes axe-core with no serious or
critical violation and shows no English left over in Indonesian; checkout works with the
keyboard alone.

axe-core is the npm package (pinned in scripts/services.sh, installed under .services/axe;
AXE_JS points elsewhere), injected into Debian's chromium by Playwright.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from oscar.core.loading import get_model

from tests.browser.half_translated import english_on_page
from tests.browser.test_storefront_screens import SHOTS, browser  # noqa: F401  (fixture)
from tests.conftest import require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = Path(os.environ.get("AXE_JS") or ROOT / ".services" / "axe" / "node_modules" / "axe-core" / "axe.min.js")
RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary.split("\\n").slice(1, 2).join("")),
    }));
}"""


@pytest.fixture
def axe_js():
    require(AXE_JS.exists(), f"axe-core not found at {AXE_JS} (scripts/services.sh up installs it)")
    return AXE_JS


@pytest.fixture
def shop(settings):
    settings.TEST_PAYMENTS = True
    settings.STRIPE_SECRET_KEY = ""
    call_command("load_demo", "--no-progress", "--products", "40", "--businesses", "8")
    Product = get_model("catalogue", "Product")
    Category = get_model("catalogue", "Category")
    Partner = get_model("partner", "Partner")
    from cms.models import FounderStoryPage

    standalone = Product.objects.filter(structure="standalone", is_public=True, stockrecords__num_in_stock__gt=2,
                                        stockrecords__partner__status="active").order_by("pk").first()
    parent = Product.objects.filter(structure="parent", is_public=True).order_by("pk").first()
    story = FounderStoryPage.objects.live().order_by("pk").first()
    assert standalone and parent and story, "the demo data has products and a founder story"
    get_user_model().objects.create_user(username="nina", email="nina@pembeli.test", password="sandi-nina-2026")
    return {
        "standalone": standalone,
        "pages": {
            "home": "/",
            "catalogue": "/catalogue/",
            "category": Category.objects.filter(depth=1).order_by("pk").first().get_absolute_url(),
            "kecamatan": f"/kecamatan/{Partner.objects.filter(status='active').order_by('pk').first().kecamatan.slug}/",
            "product": parent.get_absolute_url(),
            "search": "/search/?q=" + parent.title.split()[0],
            "stories": "/cerita/",
            "story": story.url,
            "shop": f"/toko/{Partner.objects.filter(status='active').order_by('pk').first().code}/",
            "marts": "/mart/",
        },
    }


def check(page, axe_js, name):
    """axe-core's serious and critical findings, and Oscar's English, on the page now open."""
    page.add_script_tag(path=str(axe_js))
    violations = page.evaluate(RUN_AXE)
    english = english_on_page(page.inner_text("body")) if page.evaluate("document.documentElement.lang") == "id" else []
    return [f"{name}: axe {v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for v in violations] + \
        [f"{name}: English on an Indonesian page: {msgid.strip()!r}" for msgid in english]


def test_shopper_pages_pass_axe_and_show_no_english_in_indonesian(shop, live_server, browser, axe_js):  # noqa: F811
    # The shop's Content-Security-Policy refuses injected scripts; axe is the test's, not the shop's.
    page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    base = live_server.url
    problems = []
    for name, path in shop["pages"].items():
        assert page.goto(base + path).status == 200, path
        problems += check(page, axe_js, name)
    # The basket and checkout, with something in the basket.
    page.goto(base + shop["standalone"].get_absolute_url())
    page.get_by_role("button", name="Tambah ke keranjang").click()  # (the buy box also has "Beli sekarang")
    page.wait_for_load_state()
    problems += check(page, axe_js, "product, added to basket")
    for name, path in (("basket", "/basket/"), ("checkout", "/checkout/")):
        assert page.goto(base + path).status == 200, path
        problems += check(page, axe_js, name)
    # A signed-in shopper's account.
    page.goto(base + "/accounts/login/")
    problems += check(page, axe_js, "login")
    page.fill("#id_login-username", "nina@pembeli.test")
    page.fill("#id_login-password", "sandi-nina-2026")
    page.click("button[name=login_submit]")
    page.wait_for_load_state()
    for name, path in (("account", "/accounts/"), ("orders", "/accounts/orders/")):
        assert page.goto(base + path).status == 200, path
        problems += check(page, axe_js, name)
    assert problems == [], "\n".join(problems)


def tab_to(page, selector, limit=150):
    """Press Tab until the focused element matches ``selector``, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def test_checkout_with_the_keyboard_alone(shop, live_server, browser, monkeypatch):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM, after Playwright's event loop started
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    base = live_server.url
    product = shop["standalone"]
    page.goto(base + product.get_absolute_url())
    tab_to(page, "#add_to_basket_form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(base + "/basket/")
    tab_to(page, "a[href$='/checkout/']")
    with page.expect_navigation(url="**/checkout/"):
        page.keyboard.press("Enter")
    typed = {"#id_email": "kibor@pembeli.test", "#id_name": "Rina Kibor", "#id_phone": "0813 2222 3333",
             "#id_line1": "Jl. Tebet Barat 9", "#id_rt_rw": "001/002", "#id_kelurahan": "Tebet Barat"}
    for selector, value in typed.items():
        tab_to(page, selector)
        page.keyboard.type(value)
    tab_to(page, "#id_kecamatan")
    page.keyboard.type("Tebet")  # a focused select picks the option typed
    for selector, value in {"#id_kota": "Jakarta Selatan", "#id_postcode": "12810"}.items():
        tab_to(page, selector)
        page.keyboard.type(value)
    tab_to(page, "input[name=gateway]")
    for _ in range(5):  # arrow keys move through a radio group; Space chooses
        if page.evaluate("document.activeElement.value") == "uji":
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.screenshot(path=str(SHOTS / "keyboard-checkout-form.png"), full_page=True)
    tab_to(page, "form.checkout-form button[type=submit]")
    with page.expect_navigation(url="**/checkout/bayar/**"):
        page.keyboard.press("Enter")
    tab_to(page, "button[value=ok]")
    with page.expect_navigation(url="**/checkout/terima-kasih/**"):
        page.keyboard.press("Enter")
    assert product.title in page.locator("main").inner_text()
    Order = get_model("order", "Order")
    order = Order.objects.get(guest_email="kibor@pembeli.test")
    assert order.shipping_address.kecamatan.name == "Tebet" and order.lines.get().product == product
