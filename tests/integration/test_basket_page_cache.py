"""An anonymous shopper's basket page asked again with nothing changed comes from the page cache
(storefront/pagecache.py, basket/versions.py), and is never stale, foreign or unusable:

- any change to the basket (a line added, a quantity changed, a line removed, a voucher) or to what
  it shows (a price, stock, an offer) shows on the next request;
- a shopper never gets another shopper's basket, and a forged basket cookie gets no cached page;
- a page with a message (after adding) is rendered afresh and not kept;
- a page is kept no longer than until a site offer starts or ends (its discounts follow the clock).
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from basket.versions import seconds_to_next_offer_change
from storefront import pagecache
from tests.factories import PartnerFactory, ProductFactory, kecamatan
from tests.integration.test_promotions import promotion

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def shop():
    maker = PartnerFactory(name="Anyam Lestari", kecamatan=kecamatan("tebet"))
    bag = ProductFactory(title="Tas Anyaman Purun", stock__partner=maker, stock__price=Decimal("150000"), stock__num_in_stock=9)
    mat = ProductFactory(title="Tikar Pandan", stock__partner=maker, stock__price=Decimal("80000"), stock__num_in_stock=9)
    return {"maker": maker, "bag": bag, "mat": mat}


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def shopper_with(*items):
    """A browser that added ``items`` ((product, quantity)…) and read the message once (as the redirect does)."""
    browser = Client()
    for product, quantity in items:
        assert browser.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity}).status_code == 302
    browser.get("/basket/")  # shows and drops the "added" messages
    return browser


def test_a_basket_page_asked_again_comes_from_the_cache_with_no_queries(shop):
    browser = shopper_with((shop["bag"], 2))
    first = browser.get("/basket/")
    assert first["X-Page-Cache"] == "miss" and "Tas Anyaman Purun" in text(first)
    with CaptureQueriesContext(connection) as queries:
        again = browser.get("/basket/")
    assert again["X-Page-Cache"] == "hit" and len(queries) == 0, [q["sql"] for q in queries]
    assert "Tas Anyaman Purun" in text(again) and "Rp 300.000" in text(again)
    # The empty basket page of a visitor with no basket is the same for everyone, and kept too.
    assert Client().get("/basket/")["X-Page-Cache"] == "miss"
    empty = Client().get("/basket/")
    assert empty["X-Page-Cache"] == "hit" and "Tas Anyaman Purun" not in text(empty)


def test_every_change_to_the_basket_shows_on_the_next_request(shop):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(shop["bag"].get_absolute_url())
    token = TOKEN.search(page.content.decode()).group(1)
    add = browser.post(reverse("basket:add", kwargs={"pk": shop["bag"].pk}), {"quantity": 1, "csrfmiddlewaretoken": token})
    assert add.status_code == 302
    browser.get("/basket/")
    browser.get("/basket/")
    cached = browser.get("/basket/")
    assert cached["X-Page-Cache"] == "hit" and "Rp 150.000" in text(cached)
    # The cached page's form works: its token is this browser's, and the quantity changes.
    content = cached.content.decode()
    token = TOKEN.search(content).group(1)
    line_id = re.search(r'name="form-0-id" value="(\d+)"', content).group(1)
    response = browser.post("/basket/", {
        "csrfmiddlewaretoken": token, "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000, "form-0-id": line_id, "form-0-quantity": 3,
    })
    assert response.status_code == 302
    browser.get("/basket/")  # the "updated" message
    after = browser.get("/basket/")
    assert after["X-Page-Cache"] == "miss" and "Rp 450.000" in text(after)
    # Another product added: both lines show.
    browser.post(reverse("basket:add", kwargs={"pk": shop["mat"].pk}), {"quantity": 1, "csrfmiddlewaretoken": token})
    browser.get("/basket/")
    both = text(browser.get("/basket/"))
    assert "Tas Anyaman Purun" in both and "Tikar Pandan" in both


def test_a_price_change_shows_on_the_next_request(shop):
    browser = shopper_with((shop["bag"], 1))
    browser.get("/basket/")
    assert browser.get("/basket/")["X-Page-Cache"] == "hit"
    record = StockRecord.objects.get(product=shop["bag"])
    record.price = Decimal("175000")
    record.save()
    page = browser.get("/basket/")
    assert page["X-Page-Cache"] == "miss" and "Rp 175.000" in text(page)


def test_a_new_promotion_shows_in_the_cached_basket_on_the_next_request(shop):
    browser = shopper_with((shop["bag"], 1))
    browser.get("/basket/")
    assert "Rp 150.000" in text(browser.get("/basket/"))
    promotion(shop["maker"], title="Diskon Anyaman", value=10)
    page = browser.get("/basket/")
    assert page["X-Page-Cache"] == "miss" and "Rp 135.000" in text(page)


def test_shoppers_never_get_each_others_basket_and_forged_cookies_get_no_cached_page(shop):
    one, two = shopper_with((shop["bag"], 1)), shopper_with((shop["mat"], 1))
    for browser in (one, two):
        browser.get("/basket/")
    assert "Tikar Pandan" not in text(one.get("/basket/")) and "Tas Anyaman Purun" in text(one.get("/basket/"))
    assert "Tas Anyaman Purun" not in text(two.get("/basket/")) and "Tikar Pandan" in text(two.get("/basket/"))
    basket_id = one.cookies["oscar_open_basket"].value.split(":")[0]
    for forged in (f"{basket_id}:forged", basket_id, "x\x00y", "9" * 40):
        stranger = Client()
        stranger.cookies["oscar_open_basket"] = forged
        page = stranger.get("/basket/")
        assert page.status_code == 200 and "Tas Anyaman Purun" not in text(page), forged
        if forged.startswith(basket_id):
            assert "X-Page-Cache" not in page  # another's basket id, badly signed: rendered, never stored or served


def test_the_added_message_is_shown_once_and_never_kept(shop):
    browser = Client()
    browser.post(reverse("basket:add", kwargs={"pk": shop["bag"].pk}), {"quantity": 1})
    with_message = browser.get("/basket/")
    assert "X-Page-Cache" not in with_message  # a messages cookie: this request's own page
    assert "alert" in with_message.content.decode()
    browser.get("/basket/")
    assert "Tas Anyaman Purun</a> telah" not in text(browser.get("/basket/"))


def test_a_basket_page_is_kept_no_longer_than_until_an_offer_starts_or_ends(shop, monkeypatch):
    assert seconds_to_next_offer_change() == 3600  # nothing starts or ends within the hour
    campaign = promotion(None, title="Hari UMKM", slug="hari-umkm", banner="Hari UMKM")
    campaign.offer.end_datetime = timezone.now() + timedelta(seconds=40)
    campaign.offer.save()
    assert 0 < seconds_to_next_offer_change() <= 40
    browser = shopper_with((shop["bag"], 1))
    stored = []
    real_set = pagecache.cache.set
    monkeypatch.setattr(pagecache.cache, "set", lambda key, value, timeout=None, **kw: (
        stored.append((key, timeout)) if key.startswith("page:") else None, real_set(key, value, timeout, **kw))[1])
    assert browser.get("/basket/")["X-Page-Cache"] == "miss"
    assert len(stored) == 1 and 0 < stored[0][1] <= 40, stored
    # Once it has ended, nothing is coming within the hour any more.
    later = timezone.now() + timedelta(seconds=41)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert seconds_to_next_offer_change() > 40


def test_a_voucher_taken_out_of_every_basket_at_once_shows_on_the_next_request(shop):
    """``voucher.basket_set.clear()`` names no basket: every basket page is re-rendered."""
    promotion(shop["maker"], title="Kode Anyaman", kind="amount", value=20000, code="ANYAM20")
    browser = shopper_with((shop["bag"], 1))
    browser.post("/basket/vouchers/add/", {"code": "anyam20"})
    browser.get("/basket/")  # the "voucher added" message
    browser.get("/basket/")
    cached = browser.get("/basket/")
    assert cached["X-Page-Cache"] == "hit" and "Rp 130.000" in text(cached)
    get_model("voucher", "Voucher").objects.get(code="ANYAM20").basket_set.clear()
    page = browser.get("/basket/")
    assert page["X-Page-Cache"] == "miss" and "Rp 130.000" not in text(page) and "Rp 150.000" in text(page)
