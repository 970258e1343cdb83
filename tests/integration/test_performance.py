"""Performance rules a shopper notices as speed, and the caching that must never show stale data.

- The product page runs a fixed, small number of queries (≤ 15 with up to 6 variants) and writes
  nothing; views reach Oscar's analytics when the counted views are flushed.
- Listings filter on ``Product.for_sale``, kept correct by every change that affects it.
- Listing and home pages run the same queries for a small and a larger catalogue.
- Cached product cards and details are dropped by a price or stock change, a hold, a moderation
  decision and a suspension: the next request shows it. Through Redis, a change signalled by
  another process reaches this one.
"""

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model
from oscar.apps.catalogue.categories import create_from_breadcrumbs

from catalogue import moderation, versions, viewcounts
from partner import members
from payments import stock as holds
from tests.factories import PartnerFactory, ProductClassFactory, ProductFactory, kecamatan, make_user

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")
UserProductView = get_model("analytics", "UserProductView")

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PAGE_MAX_QUERIES = 15


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def shoes_with_sizes(partner, sizes, title="Sepatu Kulit Tapak", price=Decimal("285000")):
    """A parent product with one variant per size, each with a size attribute value and stock."""
    pclass = ProductClassFactory(name="Sepatu", slug="sepatu")
    size, _ = ProductAttribute.objects.get_or_create(product_class=pclass, code="ukuran", defaults={"name": "Ukuran", "type": "text"})
    material, _ = ProductAttribute.objects.get_or_create(product_class=pclass, code="bahan", defaults={"name": "Bahan", "type": "text"})
    parent = ProductFactory(structure=Product.PARENT, title=title, product_class=pclass, stock=False)
    ProductAttributeValue.objects.create(product=parent, attribute=material, value_text="Kulit sapi")
    for i, value in enumerate(sizes):
        child = ProductFactory(structure=Product.CHILD, parent=parent, product_class=None, title=f"{title} – {value}", stock=False)
        ProductAttributeValue.objects.create(product=child, attribute=size, value_text=value)
        StockRecord.objects.create(product=child, partner=partner, partner_sku=child.upc, price=price + i * 10000, num_in_stock=5)
    return parent


def page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return queries


def writes(queries):
    return [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]


# --- The product page -----------------------------------------------------------------------------


def test_product_page_reads_a_fixed_number_of_queries_for_one_or_six_variants(client):
    maker = PartnerFactory(name="Sepatu Tapak Kota", kecamatan=kecamatan("koja"))
    one = shoes_with_sizes(maker, ["40"], title="Sepatu Satu Ukuran")
    six = shoes_with_sizes(maker, ["38", "39", "40", "41", "42", "43"], title="Sepatu Enam Ukuran")
    client.get(one.get_absolute_url())  # content types, the site root: once per process
    viewcounts.flush()  # so no batch of counted views falls due during the counted requests
    small = page_queries(client, one.get_absolute_url())
    large = page_queries(client, six.get_absolute_url())
    page = text(client.get(six.get_absolute_url()))
    # Every variant, its size and its stock are on the page, and the parent's own attribute.
    for size in ("38", "43"):
        assert f"Sepatu Enam Ukuran – {size}" in page or f">{size}<" in page.replace(" ", "")
    assert "Kulit sapi" in page and "Rp 285.000" in page
    assert len(large) <= PRODUCT_PAGE_MAX_QUERIES, [q["sql"][:120] for q in large]
    assert len(large) == len(small)


def test_a_product_page_view_writes_nothing_and_the_flush_counts_it(client):
    maker = PartnerFactory(name="Anyam Lestari", kecamatan=kecamatan("tebet"))
    bag = ProductFactory(title="Tas Anyaman Purun", stock__partner=maker)
    viewcounts.flush()
    before = ProductRecord.objects.filter(product=bag).values_list("num_views", flat=True).first() or 0
    for _ in range(3):
        queries = page_queries(client, bag.get_absolute_url())
        assert writes(queries) == []
    assert viewcounts.flush() == 3
    assert ProductRecord.objects.get(product=bag).num_views == before + 3
    # Flushed once: a second flush has nothing left to add.
    assert viewcounts.flush() == 0
    assert ProductRecord.objects.get(product=bag).num_views == before + 3


def test_a_signed_in_shoppers_views_reach_their_analytics_after_the_flush(client):
    maker = PartnerFactory(name="Anyam Lestari", kecamatan=kecamatan("tebet"))
    bag = ProductFactory(title="Tas Anyaman Purun", stock__partner=maker)
    shopper = make_user("rina@example.com")
    client.force_login(shopper)
    viewcounts.flush()
    client.get(bag.get_absolute_url())
    client.get(bag.get_absolute_url())
    assert not UserProductView.objects.filter(user=shopper).exists()
    viewcounts.flush()
    assert UserProductView.objects.filter(user=shopper, product=bag).count() == 2
    assert UserRecord.objects.get(user=shopper).num_product_views == 2
    assert ProductRecord.objects.get(product=bag).num_views == 2


def test_the_flush_command_writes_the_counted_views(client):
    from django.core.management import call_command

    bag = ProductFactory(title="Tas Anyaman Purun", stock__partner=PartnerFactory())
    viewcounts.flush()
    client.get(bag.get_absolute_url())
    call_command("flush_view_counts", stdout=open(os.devnull, "w"))
    assert ProductRecord.objects.get(product=bag).num_views == 1


def test_view_counts_are_written_by_themselves_after_a_batch(client, settings):
    settings.VIEW_COUNT_BATCH = 3
    bag = ProductFactory(title="Tas Anyaman Purun", stock__partner=PartnerFactory())
    viewcounts.flush()
    for _ in range(3):
        client.get(bag.get_absolute_url())
    assert ProductRecord.objects.get(product=bag).num_views == 3


# --- for_sale ---------------------------------------------------------------------------------------


def for_sale(product):
    return Product.objects.get(pk=product.pk).for_sale


def test_for_sale_follows_stock_moderation_suspension_and_visibility(rf):
    staff = make_user("staf@example.com", is_staff=True)
    maker = PartnerFactory(name="Anyam Lestari", kecamatan=kecamatan("tebet"))
    bag = ProductFactory(title="Tas Anyaman Purun", stock=False)
    assert not for_sale(bag)  # no stock yet
    record = StockRecord.objects.create(product=bag, partner=maker, partner_sku="S1", price=Decimal("100000"), num_in_stock=3)
    assert for_sale(bag)
    record.delete()
    assert not for_sale(bag)
    StockRecord.objects.create(product=bag, partner=maker, partner_sku="S1", price=Decimal("100000"), num_in_stock=3)
    assert for_sale(bag)

    bag.refresh_from_db()
    moderation.review(bag, staff, approve=False, reason="Foto buram")
    assert not for_sale(bag)
    moderation.review(bag, staff, approve=True)
    assert for_sale(bag)

    request = rf.post("/")
    request.user = staff
    members.suspend(maker, request, "Tidak aktif")
    assert not for_sale(bag)
    members.reactivate(maker, request)
    assert for_sale(bag)


def test_a_parent_is_for_sale_while_one_public_variant_is(client):
    maker = PartnerFactory(name="Sepatu Tapak Kota", kecamatan=kecamatan("koja"))
    shoes = shoes_with_sizes(maker, ["40"])
    assert for_sale(shoes)
    child = shoes.children.get()
    child.is_public = False
    child.save()
    assert not for_sale(shoes)
    assert "Sepatu Kulit Tapak" not in text(client.get("/catalogue/"))
    child.is_public = True
    child.save()
    assert for_sale(shoes)
    assert "Sepatu Kulit Tapak" in text(client.get("/catalogue/"))


def test_listing_counts_and_pages_match_the_for_sale_products(client, settings):
    settings.OSCAR_PRODUCTS_PER_PAGE = 2
    maker = PartnerFactory(name="Anyam Lestari", kecamatan=kecamatan("tebet"))
    for n in range(5):
        ProductFactory(title=f"Tas Anyaman {n}", stock__partner=maker)
    ProductFactory(title="Tas Tanpa Stok", stock=False)
    page = text(client.get("/catalogue/?page=3"))
    assert "5 produk" in page or "5 products" in page
    assert "Tas Anyaman 0" in page  # the oldest, alone on the last page
    assert "Tas Tanpa Stok" not in text(client.get("/catalogue/"))


# --- The same queries for a small and a larger catalogue ---------------------------------------------


@pytest.mark.parametrize(
    "url_of",
    [
        lambda s: "/",
        lambda s: s["category"].get_absolute_url(),
        lambda s: "/kecamatan/tebet/",
        lambda s: "/search/?q=tas&kecamatan=tebet",
    ],
    ids=["home", "category", "kecamatan", "search-with-facet"],
)
def test_pages_run_the_same_queries_for_a_small_and_a_larger_catalogue(client, settings, url_of):
    settings.OSCAR_PRODUCTS_PER_PAGE = 24
    category = create_from_breadcrumbs("Kerajinan")
    tebet = PartnerFactory(name="Anyam Lestari", kecamatan=kecamatan("tebet"))
    koja = PartnerFactory(name="Rotan Koja", kecamatan=kecamatan("koja"))
    made = {"category": category}

    def add(n, start):
        for i in range(start, start + n):
            ProductFactory(title=f"Tas Anyaman {i}", stock__partner=tebet if i % 2 else koja, category=category)

    add(6, 0)
    url = url_of(made)
    client.get(url)  # warm: content types, site root, facet counts
    small = page_queries(client, url)
    add(30, 6)
    client.get(url)  # the new facet counts (cached per listing, like a busy worker's)
    large = page_queries(client, url)
    assert len(small) == len(large), [q["sql"][:100] for q in large]
    assert writes(large) == []


# --- Cached fragments never show stale data ----------------------------------------------------------


@pytest.fixture(params=[0, 60], ids=["pages-uncached", "page-cache"])
def listed(request, settings):
    """Each invalidation test runs twice: with fragments cached only, and with whole anonymous pages
    cached too (storefront/pagecache.py): a change must show on the next request either way."""
    settings.PAGE_CACHE_SECONDS = request.param
    category = create_from_breadcrumbs("Kerajinan")
    maker = PartnerFactory(name="Anyam Lestari", kecamatan=kecamatan("tebet"))
    bag = ProductFactory(title="Tas Anyaman Purun", stock__partner=maker, stock__price=Decimal("150000"), category=category)
    return {"category": category, "maker": maker, "bag": bag, "url": category.get_absolute_url()}


def card_is_cached(product):
    (pk, version), = versions.versions_for([product.pk]).items()
    return set(versions.cached_fragments("card", {pk: version})) == {pk}


def test_a_card_is_served_from_the_cache_the_second_time(client, listed):
    client.get(listed["url"])
    assert card_is_cached(listed["bag"])
    with CaptureQueriesContext(connection) as queries:
        page = text(client.get(listed["url"]))
    assert "Rp 150.000" in page
    # The cached card needs no stock records or photos.
    assert not [q for q in queries if "partner_stockrecord" in q["sql"] and "catalogue_product\".\"id\" IN" in q["sql"]]


def test_a_price_change_shows_on_the_next_request(client, listed):
    assert "Rp 150.000" in text(client.get(listed["url"]))
    record = listed["bag"].stockrecords.get()
    record.price = Decimal("175000")
    record.save()
    for url in (listed["url"], "/", listed["bag"].get_absolute_url()):
        page = text(client.get(url))
        assert "Rp 175.000" in page and "Rp 150.000" not in page, url


def test_a_stock_change_and_a_hold_show_on_the_next_request(client, listed):
    sold_out = ("Stok habis", "Sold out", "Habis")
    assert not any(s in text(client.get(listed["url"])) for s in sold_out)
    record = listed["bag"].stockrecords.get()
    holds.hold({record.pk: (record.num_in_stock, "Tas Anyaman Purun")})
    assert any(s in text(client.get(listed["url"])) for s in sold_out)
    holds.release({record.pk: (record.num_in_stock, "Tas Anyaman Purun")})
    assert not any(s in text(client.get(listed["url"])) for s in sold_out)
    record.refresh_from_db()
    record.num_in_stock = 0
    record.save()
    assert any(s in text(client.get(listed["url"])) for s in sold_out)


def test_a_moderation_decision_shows_on_the_next_request(client, listed):
    staff = make_user("staf@example.com", is_staff=True)
    assert "Tas Anyaman Purun" in text(client.get(listed["url"]))
    moderation.review(listed["bag"], staff, approve=False, reason="Foto buram")
    assert "Tas Anyaman Purun" not in text(client.get(listed["url"]))
    assert client.get(listed["bag"].get_absolute_url()).status_code == 404
    moderation.review(listed["bag"], staff, approve=True)
    assert "Tas Anyaman Purun" in text(client.get(listed["url"]))


def test_a_suspension_shows_on_the_next_request(client, listed, rf):
    staff = make_user("staf@example.com", is_staff=True)
    product_url = listed["bag"].get_absolute_url()
    assert 'href="/toko/anyam-lestari/"' in text(client.get(product_url))
    request = rf.post("/")
    request.user = staff
    members.suspend(listed["maker"], request, "Tidak aktif")
    assert "Tas Anyaman Purun" not in text(client.get(listed["url"]))
    page = text(client.get(product_url))
    assert 'href="/toko/anyam-lestari/"' not in page  # the cached details no longer link the closed shop


def test_a_category_change_shows_in_the_menu_on_the_next_request(client, listed):
    assert ">Kerajinan<" in text(client.get("/")).replace(" <", "<")
    category = listed["category"]
    category.name = "Kriya"
    category.save()
    assert ">Kriya<" in text(client.get("/")).replace(" <", "<")


def test_invalidation_reaches_another_process_through_redis(client, listed, redis_cache, settings):
    """The product's version is bumped by a second Python process; this one then renders afresh.

    The price is changed with a queryset update (no signal, so this process does not bump):
    only the other process's bump, through Redis, can make the new price show.
    """
    assert "Rp 150.000" in text(client.get(listed["url"]))
    assert card_is_cached(listed["bag"])
    StockRecord.objects.filter(product=listed["bag"]).update(price=Decimal("199000"))
    cached = client.get(listed["url"])
    assert "Rp 150.000" in text(cached)  # still the cached card (and the cached page, with the page cache on)
    assert cached.get("X-Page-Cache") == ("hit" if settings.PAGE_CACHE_SECONDS else None)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "storefront.settings",
        "REDIS_URL": redis_cache["LOCATION"],
        "CACHE_KEY_PREFIX": redis_cache["KEY_PREFIX"],
    }
    script = "import django; django.setup(); from catalogue import versions; versions.bump([%d])" % listed["bag"].pk
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=120, capture_output=True)
    fresh = client.get(listed["url"])
    assert "Rp 199.000" in text(fresh)
    assert fresh.get("X-Page-Cache") == ("miss" if settings.PAGE_CACHE_SECONDS else None)


def test_view_counts_go_through_redis_and_are_flushed(client, redis_cache):
    bag = ProductFactory(title="Tas Anyaman Purun", stock__partner=PartnerFactory())
    viewcounts.flush()
    client.get(bag.get_absolute_url())
    client.get(bag.get_absolute_url())
    assert not ProductRecord.objects.filter(product=bag, num_views__gt=0).exists()
    assert viewcounts.flush() == 2
    assert ProductRecord.objects.get(product=bag).num_views == 2
