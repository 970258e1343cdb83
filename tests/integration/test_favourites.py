"""Favourites (the heart, the Favorit page), following shops and their feed, recently viewed
products for shoppers who are not signed in, and the size guide on product pages."""

import json
import re
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from cms.models import SizeGuide, SizeGuideRow
from tests.factories import PartnerFactory, ProductFactory, make_user, parent_with_variants

pytestmark = pytest.mark.django_db

WishList = get_model("wishlists", "WishList")


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def favourite_ids(response):
    found = re.search(r'<script id="favourite-ids" type="application/json">(.*?)</script>', response.content.decode())
    return json.loads(found.group(1)) if found else None


@pytest.fixture
def shop():
    maker = PartnerFactory(name="Batik Bu Lastri")
    return {
        "maker": maker,
        "scarf": ProductFactory(title="Selendang Batik Tulis", stock__partner=maker, stock__price=Decimal("250000")),
        "bag": ProductFactory(title="Tas Batik Cap", stock__partner=maker),
        "shopper": make_user("sinta@pembeli.test"),
    }


def test_an_anonymous_shopper_is_asked_to_sign_in_and_comes_back_to_the_product(client, shop):
    scarf = shop["scarf"]
    response = client.post(f"/favorit/produk/{scarf.pk}/", {"next": scarf.get_absolute_url()})
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith("/accounts/login/") and f"/favorit/produk/{scarf.pk}/" in login
    client.force_login(shop["shopper"])
    # Where the login sends them back: the same product (nothing changed by a GET).
    back = client.get(f"/favorit/produk/{scarf.pk}/")
    assert back.status_code == 302 and back["Location"] == scarf.get_absolute_url()
    assert not WishList.objects.exists()


def test_the_heart_adds_and_removes_a_favourite_shown_on_the_favorit_page(client, shop):
    scarf = shop["scarf"]
    client.force_login(shop["shopper"])
    assert "Belum ada favorit" in text(client.get("/favorit/"))
    response = client.post(f"/favorit/produk/{scarf.pk}/", {"next": "/catalogue/"})
    assert response["Location"] == "/catalogue/"
    page = client.get("/favorit/")
    assert [p.pk for p in page.context["products"]] == [scarf.pk]
    assert "Selendang Batik Tulis" in text(page)
    # Listings mark the hearts from the page's list of ids (cards themselves carry no user state).
    listing = client.get("/catalogue/")
    assert favourite_ids(listing) == [scarf.pk]
    assert f'data-favourite="{scarf.pk}"' in listing.content.decode()
    assert 'aria-pressed="true"' in text(client.get(scarf.get_absolute_url()))

    client.post(f"/favorit/produk/{scarf.pk}/")
    assert client.get("/favorit/").context["products"] == []
    assert favourite_ids(client.get("/catalogue/")) == []


def test_anonymous_pages_carry_no_favourite_ids(client, shop):
    assert favourite_ids(client.get("/catalogue/")) is None


def test_following_a_shop_brings_its_new_products_into_the_feed(client, shop):
    other = PartnerFactory(name="Kopi Mas Bejo")
    ProductFactory(title="Kopi Robusta Bubuk", stock__partner=other)
    client.force_login(shop["shopper"])
    assert "Ikuti toko ini" in text(client.get(shop["maker"].get_absolute_url()))
    client.post(f"/favorit/toko/{shop['maker'].pk}/", {"next": shop["maker"].get_absolute_url()})
    assert "Mengikuti" in text(client.get(shop["maker"].get_absolute_url()))
    newest = ProductFactory(title="Kemeja Batik Baru", stock__partner=shop["maker"])

    feed = client.get("/favorit/baru/")
    titles = [p.title for p in feed.context["products"]]
    assert titles[0] == newest.title and "Kopi Robusta Bubuk" not in titles
    assert set(titles) == {"Kemeja Batik Baru", "Selendang Batik Tulis", "Tas Batik Cap"}
    assert "Batik Bu Lastri" in text(client.get("/favorit/"))

    client.post(f"/favorit/toko/{shop['maker'].pk}/")
    assert list(client.get("/favorit/baru/").context["products"]) == []


def test_a_suspended_shop_cannot_be_followed(client, shop):
    closed = PartnerFactory(name="Usaha Tutup", status="suspended")
    client.force_login(shop["shopper"])
    assert client.post(f"/favorit/toko/{closed.pk}/").status_code == 404
    assert client.post("/favorit/produk/999999/").status_code == 404


def test_recently_viewed_for_a_shopper_who_is_not_signed_in(client, shop):
    client.get(shop["scarf"].get_absolute_url())
    page = client.get(shop["bag"].get_absolute_url())
    viewed = text(page).split("Terakhir dilihat", 1)
    assert len(viewed) == 2 and "Selendang Batik Tulis" in viewed[1]
    assert "Tas Batik Cap" not in viewed[1], "not the product being looked at"
    home = text(client.get("/"))
    assert "Terakhir dilihat" in home
    section = home.split("Terakhir dilihat", 1)[1]
    assert section.index("Tas Batik Cap") < section.index("Selendang Batik Tulis"), "newest first"


def test_the_size_guide_of_the_product_type_is_on_the_product_page(client, shop):
    shoes = parent_with_variants(shop["maker"])
    guide = SizeGuide.objects.create(product_class=shoes.product_class, kind="shoes", how_to_measure="Ukur dari tumit.")
    for i, (size, cm) in enumerate([("39", "24.5"), ("40", "25.2")]):
        SizeGuideRow.objects.create(guide=guide, size=size, first=Decimal(cm), sort_order=i)
    page = text(client.get(shoes.get_absolute_url()))
    assert "Panduan ukuran" in page and "Panjang kaki (cm)" in page
    assert "<td>40</td><td>25,2</td>" in page.replace("</td> <td>", "</td><td>")
    assert "Panduan ukuran" not in text(client.get(shop["scarf"].get_absolute_url()))


def test_a_staff_edit_of_the_size_guide_shows_on_the_next_request(client, shop, settings):
    """Product pages cache their type's guide (and anonymous pages whole): an edit, a new row or a
    deleted guide shows at once."""
    settings.PAGE_CACHE_SECONDS = 60
    shoes = parent_with_variants(shop["maker"])
    assert "Panduan ukuran" not in text(client.get(shoes.get_absolute_url()))  # cached: no guide
    guide = SizeGuide.objects.create(product_class=shoes.product_class, kind="shoes", how_to_measure="Ukur dari tumit.")
    SizeGuideRow.objects.create(guide=guide, size="39", first=Decimal("24.5"), sort_order=0)
    page = text(client.get(shoes.get_absolute_url()))
    assert "Panduan ukuran" in page and "<td>39</td><td>24,5</td>" in page.replace("</td> <td>", "</td><td>")
    SizeGuideRow.objects.create(guide=guide, size="44", first=Decimal("28.0"), sort_order=1)
    guide.how_to_measure = "Ukur sore hari."
    guide.save()
    page = text(client.get(shoes.get_absolute_url())).replace("</td> <td>", "</td><td>")
    assert "<td>44</td><td>28</td>" in page or "<td>44</td><td>28,0</td>" in page
    assert "Ukur sore hari." in page
    guide.delete()
    assert "Panduan ukuran" not in text(client.get(shoes.get_absolute_url()))
