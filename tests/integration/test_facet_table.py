"""The database engine's facet table (``search.models.ProductFacet``, kept by ``search.facettable``).

- On a catalogue like the demo's (variants in several price ranges, makers in several kecamatan, a
  reseller selling a maker's product from another kecamatan, a suspended business, a product out of
  stock, a halal food), every facet's counts and every filtered listing are the same as the old
  computation's (stock records joined to their businesses at each request).
- Each change a shopper would see in the counts shows on the next request: a price moving a product
  to another range, a stock record deleted, a business suspended and reactivated, a variant hidden,
  a business moving to another kecamatan, a product rejected in moderation.
- ``manage.py facet_table`` refills the table; the bulk rebuild after a load fills it too.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.http import QueryDict
from django.utils import timezone
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from catalogue import moderation
from partner import members
from places.models import Kecamatan
from search import facettable, indexing
from search.backends.database import DatabaseBackend, has_stock, held_by, in_categories, sellable_stock
from search.facets import (
    PRICE_RANGES, FacetResult, Facets, Option, categories_with_descendants, halal_q, price_q, root_product,
)
from search.forsale import stock_on_hand_q as live_in_stock_q
from search.models import ProductFacet
from tests.factories import PartnerFactory, ProductClassFactory, ProductFactory, kecamatan, make_user

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
FoodCompliance = get_model("partner", "FoodCompliance")


class JoinedFacets(Facets):
    """The computation before the facet table, kept here as the reference: kecamatan and price counted
    by joining the listing's stock records to their businesses, the kecamatan and price filters on the
    stock records, each facet counted by its own query, "in stock" computed from the stock records
    (``Product.in_stock`` keeps it now)."""

    def apply(self, qs, skip=None):
        chosen = self.selected
        if chosen["kecamatan"] and skip != "kecamatan":
            qs = qs.filter(held_by(sellable_stock(kecamatan__slug__in=chosen["kecamatan"])))
        if chosen["kategori"] and skip != "kategori":
            qs = qs.filter(in_categories(categories_with_descendants(chosen["kategori"])))
        if chosen["jenis"] and skip != "jenis":
            qs = qs.filter(product_class__slug__in=chosen["jenis"])
        if chosen["harga"] and skip != "harga":
            qs = qs.filter(has_stock(sellable_stock().filter(price_q(chosen["harga"][0]))))
        if chosen["stok"] and skip != "stok":
            qs = qs.filter(live_in_stock_q())
        if chosen["halal"] and skip != "halal":
            qs = qs.filter(halal_q())
        return qs

    def stock(self, base):
        return self.stock_result(Product.objects.filter(pk__in=self.ids(base, "stok")).filter(live_in_stock_q()).count())

    def count(self, base):
        return [
            self.kecamatan(base), self.categories(base), self.product_types(base), self.prices(base),
            self.stock(base), self.halal(base),
        ]

    def kecamatan(self, base):
        rows = (
            root_product(sellable_stock())
            .filter(root__in=self.ids(base, "kecamatan"))
            .values("partner__kecamatan")
            .annotate(n=Count("root", distinct=True))
        )
        counts = {row["partner__kecamatan"]: row["n"] for row in rows}
        options = [
            Option(k.slug, k.name, counts[k.pk], k.slug in self.selected["kecamatan"], group=k.kota)
            for k in Kecamatan.objects.filter(pk__in=counts.keys())
        ]
        return FacetResult("kecamatan", "Kecamatan", options)

    def prices(self, base):
        stock = root_product(sellable_stock()).filter(root__in=self.ids(base, "harga"))
        totals = stock.aggregate(**{key: Count("root", distinct=True, filter=price_q(key)) for key, *_ in PRICE_RANGES})
        options = [
            Option(key, label, totals[key], key in self.selected["harga"]) for key, label, *_ in PRICE_RANGES if totals[key]
        ]
        return FacetResult("harga", "Price", options)


def counts(results):
    """Facet results as {facet: {option: (count, selected)}}."""
    return {r.key: {o.value: (o.count, o.selected) for o in r.options} for r in results}


@pytest.fixture
def catalogue():
    """A demo-like catalogue: makers in Tebet, Koja and Cakung; the Tebet maker's bag also sold by a
    reseller (a Mart's consignment partner) in Koja at another price; shoes with variants in two price
    ranges; a product out of stock; a verified halal food; a suspended business's product; a product
    above Rp 500.000."""
    craft = create_from_breadcrumbs("Kerajinan")
    fashion = create_from_breadcrumbs("Fesyen > Sepatu")
    food = create_from_breadcrumbs("Makanan")
    tebet = PartnerFactory(name="Anyam Lestari", kecamatan=kecamatan("tebet"))
    mart = PartnerFactory(name="Mart Koja Konsinyasi", kecamatan=kecamatan("koja"))
    cakung = PartnerFactory(name="Sepatu Tapak Kota", kecamatan=kecamatan("cakung"))
    suspended = PartnerFactory(name="Usaha Berhenti", kecamatan=kecamatan("koja"), status="suspended")
    bag = ProductFactory(title="Tas Anyaman Purun", stock__partner=tebet, stock__price=Decimal("45000"), category=craft)
    StockRecord.objects.create(product=bag, partner=mart, partner_sku="MART-1", price=Decimal("60000"), num_in_stock=4)
    shoes_class = ProductClassFactory(name="Sepatu", slug="sepatu")
    shoes = ProductFactory(structure=Product.PARENT, title="Sepatu Kulit Tapak", product_class=shoes_class, stock=False,
                           category=fashion)
    sizes = []
    for i, size in enumerate(["39", "40", "41"]):
        child = ProductFactory(structure=Product.CHILD, parent=shoes, product_class=None, title=f"Sepatu – {size}", stock=False)
        StockRecord.objects.create(product=child, partner=cakung, partner_sku=child.upc,
                                   price=Decimal("240000") + i * 10000, num_in_stock=5)
        sizes.append(child)
    empty = ProductFactory(title="Tas Rotan Habis", stock__partner=mart, stock__price=Decimal("120000"),
                           stock__num_in_stock=0, category=craft)
    food_class = ProductClassFactory(name="Makanan", slug="makanan")
    chips = ProductFactory(title="Keripik Tempe", product_class=food_class, stock__partner=tebet,
                           stock__price=Decimal("25000"), category=food)
    FoodCompliance.objects.create(product=chips, verified_at=timezone.now(),
                                  halal_expiry=timezone.localdate() + datetime.timedelta(days=200))
    ProductFactory(title="Tas Pihak Berhenti", stock__partner=suspended, stock__price=Decimal("80000"), category=craft)
    lamp = ProductFactory(title="Lampu Anyaman Besar", stock__partner=cakung, stock__price=Decimal("750000"), category=craft)
    return {
        "craft": craft, "fashion": fashion, "tebet": tebet, "mart": mart, "cakung": cakung, "suspended": suspended,
        "bag": bag, "shoes": shoes, "sizes": sizes, "empty": empty, "chips": chips, "lamp": lamp,
    }


CHOICES = [
    "", "kecamatan=koja", "kecamatan=tebet&kecamatan=cakung", "kecamatan=koja&stok=1", "harga=0-50000",
    "harga=250000-500000&kecamatan=cakung", "harga=50000-100000&stok=1", "stok=1", "halal=1", "jenis=sepatu",
    "jenis=kerajinan&kecamatan=koja", "halal=1&stok=1&jenis=makanan", "kecamatan=atlantis", "harga=500000-",
]


def listings(catalogue):
    backend = DatabaseBackend()
    return {
        "catalogue": backend.products(),
        "craft": backend.products(category=catalogue["craft"]),
        "koja": backend.products(kecamatan=kecamatan("koja")),
        "mart": backend.products(partner=catalogue["mart"]),
    }


@pytest.mark.parametrize("choice", CHOICES)
def test_the_table_counts_and_filters_as_the_joined_stock_records_did(catalogue, choice):
    kategori = f"&kategori={catalogue['fashion'].pk}"
    for name, base in listings(catalogue).items():
        for query in (choice, choice + kategori):
            new, old = Facets(QueryDict(query)), JoinedFacets(QueryDict(query))
            assert counts(new.count(base)) == counts(old.count(base)), (name, query)
            assert set(new.apply(base).values_list("pk", flat=True)) == set(old.apply(base).values_list("pk", flat=True)), (name, query)


def test_a_chosen_kecamatan_comes_first_in_the_listing_query(catalogue):
    """SQLite drives a query by its first IN list: the chosen kecamatan (a few percent of the catalogue)
    goes before the category's (a fifth), whatever order the listing was built in; the products are the same."""
    base = DatabaseBackend().products(category=catalogue["craft"])
    listing = Facets(QueryDict("kecamatan=koja")).apply(base)
    where = str(listing.query).split(" WHERE ", 1)[1]
    assert where.index("search_productfacet") < where.index("catalogue_productcategory")
    assert set(listing.values_list("pk", flat=True)) == set(
        base.filter(held_by(sellable_stock(kecamatan__slug__in=["koja"]))).values_list("pk", flat=True))
    assert listing.exists()


def test_a_product_counts_in_each_kecamatan_and_range_it_is_sold_in(catalogue):
    result = counts(Facets(QueryDict("")).count(DatabaseBackend().products()))
    assert result["kecamatan"] == {"tebet": (2, False), "koja": (2, False), "cakung": (2, False)}
    # The bag: Rp 45.000 by its maker, Rp 60.000 at the Mart; the shoes: Rp 240.000 and Rp 250.000-260.000.
    assert result["harga"] == {
        "0-50000": (2, False), "50000-100000": (1, False), "100000-250000": (2, False),
        "250000-500000": (1, False), "500000-": (1, False),
    }
    assert result["stok"] == {"1": (4, False)} and result["halal"] == {"1": (1, False)}
    rows = set(ProductFacet.objects.filter(product=catalogue["bag"]).values_list("kecamatan__slug", "price_band"))
    assert rows == {("tebet", 0), ("koja", 1)}


# --- Each change shows on the next request ------------------------------------------------------------


@pytest.fixture
def page(client, settings, catalogue):
    """The facet counts of the catalogue page with ``query``, as the next shopper's request renders them."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.FACET_CACHE_SECONDS = 0  # the counts' own short cache is another matter; here every request counts

    def facet_counts(query=""):
        response = client.get(f"/catalogue/?{query}")
        assert response.status_code == 200
        return counts(response.context["facet_results"])

    return facet_counts


def test_a_price_change_moves_a_product_to_another_range(page, catalogue):
    assert page()["harga"]["500000-"] == (1, False)
    record = catalogue["lamp"].stockrecords.get()
    record.price = Decimal("300000")
    record.save()
    after = page()
    assert "500000-" not in after["harga"]
    assert after["harga"]["250000-500000"] == (2, False)
    assert page("harga=250000-500000")["kecamatan"] == {"cakung": (2, False)}


def test_a_deleted_stock_record_leaves_its_kecamatan_and_range(page, catalogue):
    assert page()["kecamatan"]["koja"] == (2, False)
    StockRecord.objects.get(partner=catalogue["mart"], product=catalogue["bag"]).delete()
    after = page()
    assert after["kecamatan"]["koja"] == (1, False)
    assert "50000-100000" not in after["harga"]
    assert after["kecamatan"]["tebet"] == (2, False)  # the maker still sells it


def test_a_suspended_business_is_counted_again_once_reactivated(page, catalogue, rf):
    staff = make_user("staf@example.com", is_staff=True)
    request = rf.post("/")
    request.user = staff
    members.suspend(catalogue["cakung"], request, "Tidak aktif")
    after = page()
    assert "cakung" not in after["kecamatan"]
    assert "250000-500000" not in after["harga"] and "500000-" not in after["harga"]
    members.reactivate(catalogue["cakung"], request)
    assert page()["kecamatan"]["cakung"] == (2, False)
    assert page()["harga"]["500000-"] == (1, False)


def test_a_hidden_variant_leaves_its_range(page, catalogue):
    assert page()["harga"]["250000-500000"] == (1, False)
    for size in catalogue["sizes"][1:]:  # Rp 250.000 and 260.000: only the Rp 240.000 size is left
        size.is_public = False
        size.save()
    after = page()
    assert "250000-500000" not in after["harga"]
    assert after["harga"]["100000-250000"] == (2, False)
    assert after["kecamatan"]["cakung"] == (2, False)
    catalogue["sizes"][0].is_public = False
    catalogue["sizes"][0].save()
    assert page()["kecamatan"]["cakung"] == (1, False)  # the shoes are no longer listed; the lamp is


def test_a_business_moving_to_another_kecamatan_takes_its_products_along(page, catalogue):
    assert page("kecamatan=tebet")["kecamatan"]["tebet"] == (2, True)
    maker = catalogue["tebet"]
    maker.kecamatan = kecamatan("menteng")
    maker.save()
    after = page("kecamatan=menteng")
    assert "tebet" not in after["kecamatan"]
    assert after["kecamatan"]["menteng"] == (2, True)
    # With Menteng chosen: the bag and the chips, each counted in every range it is sold in (the bag at the Mart too).
    assert after["harga"] == {"0-50000": (2, False), "50000-100000": (1, False)}


def test_a_product_rejected_in_moderation_is_counted_nowhere(page, catalogue):
    staff = make_user("staf@example.com", is_staff=True)
    lamp = Product.objects.get(pk=catalogue["lamp"].pk)
    moderation.review(lamp, staff, approve=False, reason="Foto buram")
    after = page()
    assert "500000-" not in after["harga"]
    assert after["kecamatan"]["cakung"] == (1, False)
    moderation.review(lamp, staff, approve=True)
    assert page()["harga"]["500000-"] == (1, False)


def test_a_choice_of_an_unknown_kecamatan_or_range_answers_an_empty_listing(page, catalogue, client):
    assert page("kecamatan=atlantis")["kecamatan"] == {"tebet": (2, False), "koja": (2, False), "cakung": (2, False)}
    assert client.get("/catalogue/?harga=1-2&kecamatan=%00x").status_code in (200, 400)


# --- Filling ------------------------------------------------------------------------------------------


def test_the_command_and_the_rebuild_after_a_load_fill_the_table(catalogue, capsys):
    expected = set(ProductFacet.objects.values_list("product_id", "kecamatan_id", "price_band"))
    assert expected
    ProductFacet.objects.all().delete()
    ProductFacet.objects.create(product=catalogue["empty"], kecamatan=kecamatan("menteng"), price_band=4)  # stale
    call_command("facet_table", "--no-progress")
    assert set(ProductFacet.objects.values_list("product_id", "kecamatan_id", "price_band")) == expected
    assert "Facet table rewritten" in capsys.readouterr().out

    ProductFacet.objects.all().delete()
    indexing.rebuild_texts()  # what search_index --rebuild runs after load_demo's bulk load
    assert set(ProductFacet.objects.values_list("product_id", "kecamatan_id", "price_band")) == expected
    listed = set(Product.objects.filter(for_sale=True).values_list("pk", flat=True))
    assert set(ProductFacet.objects.values_list("product_id", flat=True)) == listed


def test_a_product_has_rows_exactly_when_it_is_for_sale(catalogue):
    listed = set(Product.objects.filter(for_sale=True).values_list("pk", flat=True))
    assert set(ProductFacet.objects.values_list("product_id", flat=True)) == listed
    assert catalogue["empty"].pk in listed  # out of stock is still listed (and counted where it is sold)
    assert facettable.price_band(Decimal("50000")) == 1 and facettable.price_band(None) is None


def test_a_hold_that_takes_the_last_units_leaves_in_stock_until_released(page, catalogue, django_capture_on_commit_callbacks):
    """Holds and releases change stock without a save; "in stock" (``Product.in_stock``) follows them
    once they commit."""
    from payments import stock

    lamp = catalogue["lamp"]
    record = lamp.stockrecords.get()
    record.num_in_stock = 1
    record.save()
    in_stock_before = page()["stok"]["1"][0]
    assert page("stok=1&kecamatan=cakung")["harga"].get("500000-") == (1, False)
    with django_capture_on_commit_callbacks(execute=True):
        stock.hold({record.pk: (1, lamp.title)})
    after = page()
    assert after["stok"]["1"] == (in_stock_before - 1, False)
    assert "500000-" not in page("stok=1&kecamatan=cakung")["harga"]
    assert Product.objects.get(pk=lamp.pk).in_stock is False
    with django_capture_on_commit_callbacks(execute=True):
        stock.release({record.pk: (1, lamp.title)})
    assert page()["stok"]["1"] == (in_stock_before, False)
    assert Product.objects.get(pk=lamp.pk).in_stock is True


def test_kept_counts_follow_a_change_on_the_next_request(client, settings, catalogue):
    """The database engine keeps facet counts (FACET_CACHE_SECONDS) at the site version: a price change
    shows in the next request's counts, not minutes later."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.FACET_CACHE_SECONDS = 300

    def harga():
        return counts(client.get("/catalogue/?kecamatan=cakung").context["facet_results"])["harga"]

    assert harga()["500000-"] == (1, False)
    assert harga()["500000-"] == (1, False)  # kept
    record = catalogue["lamp"].stockrecords.get()
    record.price = Decimal("300000")
    record.save()
    assert "500000-" not in harga() and harga()["250000-500000"] == (2, False)
