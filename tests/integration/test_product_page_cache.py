"""The product page served from its cached fragments: cheap, never stale, never another shopper's.

When every fragment of a product's current version is cached, the view reads only the product row
(catalogue/views.py). A price or stock change, a hold, a moderation decision and a suspension show
on the next request, for an anonymous visitor and for a signed-in shopper (who never gets the
anonymous page cache); the CSRF token, the heart and the chosen kecamatan stay each shopper's own.
"""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from catalogue import moderation, viewcounts
from favourites import services as favourites
from partner import members
from payments import stock as holds
from tests.factories import PartnerFactory, ProductClassFactory, ProductFactory, kecamatan, make_user

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")

# A cached product page: the product row and the campaign banner (oscar/layout.html).
CACHED_PAGE_MAX_QUERIES = 3


def squash(response):
    html = response.content.decode().replace("\xa0", " ")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def shoes(maker, sizes=("39", "40", "41")):
    pclass = ProductClassFactory(name="Sepatu", slug="sepatu")
    size, _ = ProductAttribute.objects.get_or_create(product_class=pclass, code="ukuran", defaults={"name": "Ukuran", "type": "text"})
    parent = ProductFactory(structure=Product.PARENT, title="Sepatu Kulit Tapak", product_class=pclass, stock=False)
    for i, value in enumerate(sizes):
        child = ProductFactory(structure=Product.CHILD, parent=parent, product_class=None, title=f"Sepatu Kulit Tapak – {value}", stock=False)
        ProductAttributeValue.objects.create(product=child, attribute=size, value_text=value)
        StockRecord.objects.create(product=child, partner=maker, partner_sku=child.upc, price=Decimal("285000") + i * 10000, num_in_stock=5)
    return parent


@pytest.fixture
def shoe():
    maker = PartnerFactory(name="Tapak Kota", kecamatan=kecamatan("koja"), whatsapp="6281200000000")
    return {"maker": maker, "parent": shoes(maker)}


@pytest.fixture(params=["anonymous", "signed-in"])
def visitor(request, settings):
    """Every invalidation test runs for an anonymous visitor and a signed-in shopper; whole pages are not
    cached (PAGE_CACHE_SECONDS=0), so only the product page's fragments are."""
    settings.PAGE_CACHE_SECONDS = 0
    client = Client()
    if request.param == "signed-in":
        client.force_login(make_user("pembeli@example.com"))
    return client


def page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return queries


def test_a_cached_product_page_reads_only_the_product_row(client, shoe, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = shoe["parent"].get_absolute_url()
    client.get(url)  # content types, the site root, and the page's fragments: stored now
    viewcounts.flush()  # so no batch of counted views falls due during the counted request
    queries = page_queries(client, url)
    assert len(queries) <= CACHED_PAGE_MAX_QUERIES, [q["sql"][:120] for q in queries]
    assert not [q for q in queries if "partner_stockrecord" in q["sql"] or "productattributevalue" in q["sql"]]
    # Everything a shopper reads is still there: each size with its stock and price, the maker, shipping.
    page = squash(client.get(url))
    for words in ("Sepatu Kulit Tapak", "mulai Rp 285.000", "stok 5", "Rp 305.000", "Tapak Kota", "Tanya penjual", "Ongkir mulai Rp 10.000"):
        assert words in page, words


def test_the_cached_page_is_the_page_rendered_afresh(client, shoe, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = shoe["parent"].get_absolute_url()

    def normalised(response):
        html = response.content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r'nonce="[^"]+"', "", html)

    fresh = normalised(Client().get(url))
    cached = normalised(Client().get(url))
    assert fresh == cached


def test_a_price_change_shows_on_the_next_request(visitor, shoe):
    url = shoe["parent"].get_absolute_url()
    assert "mulai Rp 285.000" in squash(visitor.get(url))
    record = StockRecord.objects.filter(product__parent=shoe["parent"]).order_by("pk").first()
    record.price = Decimal("199000")
    record.save()
    page = squash(visitor.get(url))
    assert "mulai Rp 199.000" in page and "Rp 285.000" not in page
    assert "Rp%C2%A0199.000" in visitor.get(url).content.decode()  # the "ask the seller" message too


def test_a_stock_change_and_a_hold_show_on_the_next_request(visitor, shoe):
    url = shoe["parent"].get_absolute_url()
    records = list(StockRecord.objects.filter(product__parent=shoe["parent"]).order_by("pk"))
    assert "stok 5" in squash(visitor.get(url))
    holds.hold({records[0].pk: (3, "Sepatu Kulit Tapak")})
    assert "stok 2" in squash(visitor.get(url))
    holds.release({records[0].pk: (3, "Sepatu Kulit Tapak")})
    for record in records:
        record.num_in_stock = 0
        record.save()
    page = squash(visitor.get(url))
    assert "Habis" in page and "Tambah ke keranjang" not in page and "Ongkir" not in page


def test_a_moderation_decision_shows_on_the_next_request(visitor, shoe):
    staff = make_user("staf@example.com", is_staff=True)
    url = shoe["parent"].get_absolute_url()
    assert visitor.get(url).status_code == 200
    moderation.review(shoe["parent"], staff, approve=False, reason="Foto buram")
    assert visitor.get(url).status_code == 404
    moderation.review(shoe["parent"], staff, approve=True)
    assert "Sepatu Kulit Tapak" in squash(visitor.get(url))


def test_a_suspension_shows_on_the_next_request(visitor, shoe, rf):
    staff = make_user("staf@example.com", is_staff=True)
    url = shoe["parent"].get_absolute_url()
    shop_link = f'href="{shoe["maker"].get_absolute_url()}"'
    assert shop_link in visitor.get(url).content.decode()
    request = rf.post("/")
    request.user = staff
    members.suspend(shoe["maker"], request, "Tidak aktif")
    response = visitor.get(url)
    assert shop_link not in response.content.decode() and "Tanya penjual" not in squash(response)


def test_each_shopper_keeps_their_own_token_heart_and_kecamatan(shoe, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = shoe["parent"].get_absolute_url()
    dewi, budi = Client(), Client()
    shopper = make_user("dewi@example.com")
    dewi.force_login(shopper)
    budi.force_login(make_user("budi@example.com"))
    assert "Sepatu Kulit Tapak" in squash(budi.get(url))  # the fragments are cached from here on
    favourites.toggle_favourite(shopper, shoe["parent"])
    dewi.post(reverse("search:near"), {"kecamatan": "tebet", "next": url, "purpose": "shipping"})
    dewi_page, budi_page = dewi.get(url).content.decode(), budi.get(url).content.decode()
    assert "Ongkir ke Tebet mulai Rp 20.000" in squash(dewi.get(url))  # from Koja, elsewhere in Jakarta
    assert '<option value="tebet" selected>' in dewi_page
    assert " selected>" not in budi_page and "Ongkir mulai Rp 10.000" in squash(budi.get(url))
    heart = r'data-favourite="%d" aria-pressed="(\w+)"' % shoe["parent"].pk
    assert re.search(heart, dewi_page).group(1) == "true" and re.search(heart, budi_page).group(1) == "false"
    token = r'id="add_to_basket_form" data-buy-box>\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"'
    assert re.search(token, dewi_page).group(1) != re.search(token, budi_page).group(1)


def test_a_renamed_kecamatan_shows_in_the_chooser_on_the_next_request(client, shoe):
    url = shoe["parent"].get_absolute_url()
    assert ">Koja<" in client.get(url).content.decode()
    koja = kecamatan("koja")
    koja.name = "Koja Baru"
    koja.save()
    assert ">Koja Baru<" in client.get(url).content.decode()


def test_a_renamed_category_shows_in_the_breadcrumbs_on_the_next_request(visitor, shoe):
    category = create_from_breadcrumbs("Sepatu > Pantofel")
    shoe["parent"].categories.add(category)
    shoe["parent"].save()
    url = shoe["parent"].get_absolute_url()
    assert ">Pantofel</a>" in visitor.get(url).content.decode()
    category.name = "Sepatu Pantofel"
    category.save()
    page = visitor.get(url).content.decode()
    assert ">Sepatu Pantofel</a>" in page and '"name": "Sepatu Pantofel"' in page  # breadcrumbs and JSON-LD


def test_the_cached_page_is_shared_through_redis(client, shoe, redis_cache, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = shoe["parent"].get_absolute_url()
    client.get(url)
    viewcounts.flush()
    queries = page_queries(client, url)
    assert len(queries) <= CACHED_PAGE_MAX_QUERIES, [q["sql"][:120] for q in queries]
    page = squash(client.get(url))
    assert "mulai Rp 285.000" in page and "Tapak Kota" in page and "Ongkir mulai Rp 10.000" in page


def test_each_language_has_its_own_cached_page(shoe, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = shoe["parent"].get_absolute_url()
    indonesian, english = Client(), Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(2):  # rendered, then from the cache
        assert "Tambah ke keranjang" in squash(indonesian.get(url))
        page = squash(english.get(url))
        assert "Add to basket" in page and "Tambah ke keranjang" not in page and "from Rp 285.000" in page
