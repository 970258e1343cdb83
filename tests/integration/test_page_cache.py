"""Whole pages for anonymous shoppers come from the cache (storefront/pagecache.py), and never a stale,
foreign or unusable one: each hit has a working CSRF token and its own CSP nonce; signed-in shoppers,
shoppers with a basket and English readers get their own page. Invalidation by price, stock, holds,
moderation, suspension and category changes is tested in test_performance.py with the cache on too."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from catalogue import viewcounts
from tests.factories import PartnerFactory, ProductFactory, kecamatan, make_user

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")
NONCE = re.compile(r'<script[^>]* nonce="([^"]+)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def shop():
    category = create_from_breadcrumbs("Kerajinan")
    maker = PartnerFactory(name="Anyam Lestari", kecamatan=kecamatan("tebet"))
    bag = ProductFactory(title="Tas Anyaman Purun", stock__partner=maker, stock__price=Decimal("150000"), category=category)
    return {
        "bag": bag,
        "urls": ["/", "/catalogue/", category.get_absolute_url(), "/kecamatan/tebet/", bag.get_absolute_url()],
    }


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def visit(url, **cookies):
    """A first-time visitor (a new browser, no cookies but those given)."""
    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    return client.get(url)


def test_the_second_anonymous_visitor_gets_the_page_from_the_cache_without_queries(shop):
    for url in shop["urls"]:
        first = visit(url)
        assert first.status_code == 200 and first["X-Page-Cache"] == "miss", url
        with CaptureQueriesContext(connection) as queries:
            second = visit(url)
        assert second.status_code == 200 and second["X-Page-Cache"] == "hit", url
        assert len(queries) == 0, (url, [q["sql"] for q in queries])
        assert "Tas Anyaman Purun" in second.content.decode(), url
        assert "Cookie" in second["Vary"] and "no-cache" in second["Cache-Control"], url


def test_a_query_string_in_another_order_is_the_same_page(shop):
    visit("/catalogue/?sort_by=newest&page=1")
    assert visit("/catalogue/?page=1&sort_by=newest")["X-Page-Cache"] == "hit"


def test_the_token_in_a_cached_page_adds_to_the_basket(shop):
    visit(shop["bag"].get_absolute_url())
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(shop["bag"].get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    assert "csrftoken" in page.cookies  # the visitor's own secret, set with the cached page
    token = TOKEN.search(page.content.decode()).group(1)
    response = browser.post(f"/basket/add/{shop['bag'].pk}/", {"quantity": 1, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Basket.objects.get().lines.get().product == shop["bag"]
    # The basket's shopper now gets their own page, with the product in the basket.
    assert "X-Page-Cache" not in browser.get("/catalogue/")


def test_a_wrong_token_is_still_refused(shop):
    visit(shop["bag"].get_absolute_url())
    browser = Client(enforce_csrf_checks=True)
    browser.get(shop["bag"].get_absolute_url())
    response = browser.post(f"/basket/add/{shop['bag'].pk}/", {"quantity": 1, "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403


def test_every_hit_has_its_own_nonce_matching_its_header(shop):
    url = shop["bag"].get_absolute_url()
    visit(url)
    nonces = []
    for _ in range(2):
        response = visit(url)
        assert response["X-Page-Cache"] == "hit"
        found = set(NONCE.findall(response.content.decode()))
        assert len(found) == 1
        nonce = found.pop()
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_signed_in_shoppers_and_baskets_never_get_or_make_a_cached_page(shop):
    buyer = make_user("pembeli@example.com")
    signed_in = Client()
    signed_in.force_login(buyer)
    # Rendered for a signed-in shopper first: not stored for the anonymous visitor after.
    assert "X-Page-Cache" not in signed_in.get("/catalogue/")
    assert visit("/catalogue/")["X-Page-Cache"] == "miss"
    assert visit("/catalogue/")["X-Page-Cache"] == "hit"
    page = signed_in.get("/catalogue/")
    assert "X-Page-Cache" not in page and page.context["user"] == buyer
    assert "X-Page-Cache" not in visit("/catalogue/", oscar_open_basket="1:abc")
    assert "X-Page-Cache" not in visit("/catalogue/", sessionid="abc")
    assert "X-Page-Cache" not in visit("/catalogue/", messages="abc")


def test_english_readers_get_the_english_page(shop):
    visit("/catalogue/")
    assert visit("/catalogue/")["X-Page-Cache"] == "hit"
    english = visit("/catalogue/", django_language="en")
    assert english["X-Page-Cache"] == "miss" and '<html lang="en"' in english.content.decode()
    assert visit("/catalogue/", django_language="en")["X-Page-Cache"] == "hit"
    assert '<html lang="id"' in visit("/catalogue/").content.decode()


def test_recently_viewed_products_keep_working(shop):
    url = shop["bag"].get_absolute_url()
    visit(url)
    hit = visit(url)
    assert hit["X-Page-Cache"] == "hit"
    # The product is remembered as on an uncached view; with that cookie the home page is the visitor's own.
    assert hit.cookies["oscar_history"].value
    assert "X-Page-Cache" not in visit("/", oscar_history=hit.cookies["oscar_history"].value)
    # The listings show no recently viewed products: the cookie does not stop the cache there.
    visit("/catalogue/")
    assert visit("/catalogue/", oscar_history=hit.cookies["oscar_history"].value)["X-Page-Cache"] == "hit"


def test_a_cached_product_page_view_is_still_counted(shop):
    url = shop["bag"].get_absolute_url()
    visit(url)
    assert visit(url)["X-Page-Cache"] == "hit"
    assert viewcounts._pending[viewcounts._key(shop["bag"].pk)] == 2


def test_missing_pages_and_hostile_queries_are_not_stored(shop):
    for url in ("/catalogue/nothing-here_999999/", "/catalogue/?page=99999999999999999999999", "/catalogue/?page=abc"):
        first = visit(url)
        assert first.status_code in (302, 404), url  # a redirect with a message, or not found
        second = visit(url)
        assert second.status_code == first.status_code and second.get("X-Page-Cache") != "hit", url


def test_off_when_the_setting_is_zero(shop, settings):
    settings.PAGE_CACHE_SECONDS = 0
    visit("/catalogue/")
    assert "X-Page-Cache" not in visit("/catalogue/")


def test_a_price_change_made_without_a_signal_waits_for_the_bump(shop):
    """The version, not luck, decides: a queryset update (no signal) keeps the cached page until a bump."""
    from catalogue import versions

    url = shop["bag"].get_absolute_url()
    visit(url)
    StockRecord.objects.filter(product=shop["bag"]).update(price=Decimal("175000"))
    assert "Rp 150.000" in text(visit(url))
    versions.bump([shop["bag"].pk])
    page = text(visit(url))
    assert "Rp 175.000" in page and "Rp 150.000" not in page
