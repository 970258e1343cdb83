"""Oscar's offers cheap on every request with a basket, and never stale (issue 14).

While a campaign runs, every request that loads a non-empty basket applies the site's offers.
Whether a product is in an offer's range is remembered across requests in the cache at the site
version (``offer.membership``), and within a request on the one range instance condition and
benefit share (``basket.offers``). What the shopper sees follows every change to a range on the
next request: a product added or removed by staff or by a promotion, a range's categories, a
product's category.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from promotions.models import Promotion
from promotions.services import refresh_range, save_promotion
from tests.factories import PartnerFactory, ProductFactory, kecamatan

pytestmark = pytest.mark.django_db

Range = get_model("offer", "Range")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
Product = get_model("catalogue", "Product")

# The basket page with two offers open, warm: the basket, its vouchers, its lines, their stock records,
# their photos, the site's offers with their conditions, benefits and ranges. Nothing per line, per
# offer or per range.
BASKET_PAGE_MAX_QUERIES = 7


@pytest.fixture(params=["local memory", "redis"])
def shared_cache(request):
    """The tests run on the local-memory cache and again on Redis (REDIS_URL), as in production."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    return request.param


def add(client, product, quantity=1):
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    assert response.status_code == 302


def total(client):
    response = client.get("/basket/")
    assert response.status_code == 200
    return response.context["basket"].total_incl_tax


def range_queries(queries):
    """Queries about ranges, other than the offers' own read (which brings their ranges along)."""
    return [q["sql"][:160] for q in queries if "offer_range" in q["sql"] and "offer_conditionaloffer" not in q["sql"]]


def promotion(partner=None, title="Diskon Akhir Tahun", value=10, products=None, makers=(), kecamatan_=(), slug=""):
    now = timezone.now()
    promo = Promotion(partner=partner, title=title, kind=Promotion.Kind.PERCENTAGE, value=Decimal(value),
                      minimum=Decimal(0), starts=now - timedelta(hours=1), ends=now + timedelta(days=7),
                      all_products=products is None, slug=slug)
    save_promotion(promo, products=products)
    if makers or kecamatan_:
        promo.makers.set(makers)
        promo.kecamatan.set(kecamatan_)
        save_promotion(promo)
    return promo


def staff_offer(name, product_range, percent=10):
    """A site offer made in Oscar's dashboard: its range, condition and benefit as staff build them."""
    condition = Condition.objects.create(range=product_range, type=Condition.COUNT, value=1)
    benefit = Benefit.objects.create(range=product_range, type=Benefit.PERCENTAGE, value=percent)
    return ConditionalOffer.objects.create(name=name, offer_type=ConditionalOffer.SITE, condition=condition,
                                           benefit=benefit, exclusive=True)


@pytest.fixture
def catalogue():
    mampang = PartnerFactory(name="Sepatu Mampang", kecamatan=kecamatan("mampang-prapatan"))
    cilincing = PartnerFactory(name="Kerupuk Cilincing", kecamatan=kecamatan("cilincing"))
    return {
        "mampang": mampang,
        "cilincing": cilincing,
        "bag": ProductFactory(title="Tas Anyaman Purun", stock__partner=mampang, stock__price=Decimal("100000")),
        "shoe": ProductFactory(title="Sepatu Kulit", stock__partner=mampang, stock__price=Decimal("200000")),
        "snack": ProductFactory(title="Kerupuk Udang", stock__partner=cilincing, stock__price=Decimal("50000")),
    }


def basket_page_queries(client):
    client.get("/basket/")  # warm, as a shopper's second page
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/basket/")
    assert response.status_code == 200
    return queries, response


def test_the_basket_page_runs_the_same_few_queries_for_one_line_and_three_while_two_offers_run(
        client, catalogue, shared_cache):
    from catalogue import versions

    promotion(catalogue["mampang"], title="Diskon Sepatu Mampang", value=10)
    promotion(title="Jakarta Berbelanja", value=20, kecamatan_=[kecamatan("cilincing")], slug="jakarta-berbelanja")
    assert ConditionalOffer.active.filter(offer_type=ConditionalOffer.SITE).count() == 2

    one = client.__class__()
    add(one, catalogue["bag"])
    three = client.__class__()
    for product in (catalogue["bag"], catalogue["shoe"], catalogue["snack"]):
        add(three, product)

    one_queries, one_page = basket_page_queries(one)
    three_queries, three_page = basket_page_queries(three)
    assert one_page.context["basket"].total_incl_tax == Decimal("90000")
    # 10% off the maker's bag and shoe, 20% off the campaign's kerupuk.
    assert three_page.context["basket"].total_incl_tax == Decimal("90000") + Decimal("180000") + Decimal("40000")
    assert "Jakarta Berbelanja" in three_page.content.decode()
    assert len(one_queries) == len(three_queries), "\n".join(q["sql"][:150] for q in three_queries)
    assert len(three_queries) <= BASKET_PAGE_MAX_QUERIES, "\n".join(q["sql"][:150] for q in three_queries)
    # The offers with their ranges and membership from the cache: no offer or range query at all.
    assert len([q for q in three_queries if "offer_conditionaloffer" in q["sql"]]) == 0
    assert not range_queries(three_queries)

    # Something changed in the shop (the site version moved): membership is asked again, once per
    # range for the whole basket, the same number of queries for one line as for three.
    versions.bump_site()
    with CaptureQueriesContext(connection) as cold_one:
        assert total(one) == Decimal("90000")
    versions.bump_site()
    with CaptureQueriesContext(connection) as cold_three:
        assert total(three) == Decimal("310000")
    assert len(cold_one) == len(cold_three), "\n".join(q["sql"][:150] for q in cold_three)


def test_adding_to_the_basket_asks_no_range_again_while_two_offers_run(client, catalogue):
    promotion(catalogue["mampang"], title="Diskon Sepatu Mampang", value=10)
    promotion(title="Jakarta Berbelanja", value=20, kecamatan_=[kecamatan("cilincing")], slug="jakarta-berbelanja")
    add(client.__class__(), catalogue["bag"])  # membership of the bag known from here on
    add(client, catalogue["shoe"])
    total(client)
    with CaptureQueriesContext(connection) as queries:
        add(client, catalogue["bag"])
    assert not range_queries(queries), "\n".join(q["sql"][:150] for q in queries)
    assert len([q for q in queries if "offer_conditionaloffer" in q["sql"]]) == 0  # kept at the site version
    assert total(client) == Decimal("90000") + Decimal("180000")


def test_a_product_staff_add_to_a_range_or_remove_from_it_follows_on_the_next_request(client, catalogue, shared_cache):
    picks = Range.objects.create(name="Pilihan Staf")
    picks.add_product(catalogue["bag"])
    staff_offer("Pilihan Staf 10%", picks)
    add(client, catalogue["bag"])
    add(client, catalogue["snack"])
    assert total(client) == Decimal("90000") + Decimal("50000")
    assert total(client) == Decimal("140000")  # remembered: the same answer

    Range.objects.get(pk=picks.pk).add_product(catalogue["snack"])  # staff, in another request
    assert total(client) == Decimal("90000") + Decimal("45000")

    Range.objects.get(pk=picks.pk).remove_product(catalogue["bag"])
    assert total(client) == Decimal("100000") + Decimal("45000")

    # The dashboard's form sets the included products (many-to-many) rather than calling add_product.
    Range.objects.get(pk=picks.pk).included_products.remove(catalogue["snack"])
    assert total(client) == Decimal("150000")


def test_a_product_a_promotion_adds_or_drops_follows_on_the_next_request(client, catalogue, shared_cache):
    promo = promotion(catalogue["mampang"], title="Diskon Tas", value=10, products=[catalogue["bag"]])
    add(client, catalogue["bag"])
    add(client, catalogue["shoe"])
    assert total(client) == Decimal("90000") + Decimal("200000")

    # The seller ticks the shoe too (promotions.services.refresh_range sets the range).
    save_promotion(promo, products=[catalogue["bag"], catalogue["shoe"]])
    assert total(client) == Decimal("90000") + Decimal("180000")

    # ... then only the shoe.
    save_promotion(promo, products=[catalogue["shoe"]])
    assert total(client) == Decimal("100000") + Decimal("180000")

    # "All my products", and a product the maker lists afterwards joins the running promotion.
    promo.all_products = True
    promo.save()
    refresh_range(Promotion.objects.get(pk=promo.pk))
    assert total(client) == Decimal("90000") + Decimal("180000")
    belt = ProductFactory(title="Ikat Pinggang Kulit", stock__partner=catalogue["mampang"], stock__price=Decimal("80000"))
    add(client, belt)
    assert total(client) == Decimal("90000") + Decimal("180000") + Decimal("72000")


def test_a_ranges_categories_and_a_products_category_follow_on_the_next_request(client, catalogue, shared_cache):
    crafts = Category.add_root(name="Kerajinan")
    bags = crafts.add_child(name="Tas")
    food = Category.add_root(name="Makanan")
    ProductCategory.objects.create(product=catalogue["bag"], category=bags)
    ProductCategory.objects.create(product=catalogue["snack"], category=food)
    by_category = Range.objects.create(name="Kerajinan 10%")
    by_category.included_categories.add(crafts)  # a subcategory's products are in it too
    staff_offer("Kerajinan 10%", by_category)
    add(client, catalogue["bag"])
    add(client, catalogue["snack"])
    add(client, catalogue["shoe"])
    assert total(client) == Decimal("90000") + Decimal("50000") + Decimal("200000")

    Range.objects.get(pk=by_category.pk).included_categories.add(food)
    assert total(client) == Decimal("90000") + Decimal("45000") + Decimal("200000")

    Range.objects.get(pk=by_category.pk).included_categories.remove(crafts)
    assert total(client) == Decimal("100000") + Decimal("45000") + Decimal("200000")

    # A product put in a category of the range (a seller's or staff's edit), from either side.
    ProductCategory.objects.create(product=catalogue["shoe"], category=food)
    assert total(client) == Decimal("100000") + Decimal("45000") + Decimal("180000")
    food.product_set.add(catalogue["bag"])
    assert total(client) == Decimal("90000") + Decimal("45000") + Decimal("180000")


def test_a_range_made_of_everything_but_excluded_products_follows_on_the_next_request(client, catalogue):
    everything = Range.objects.create(name="Semua Produk", includes_all_products=True)
    staff_offer("Semua 10%", everything)
    add(client, catalogue["bag"])
    assert total(client) == Decimal("90000")
    Range.objects.get(pk=everything.pk).excluded_products.add(catalogue["bag"])
    assert total(client) == Decimal("100000")
    rng = Range.objects.get(pk=everything.pk)
    rng.includes_all_products = False
    rng.save()
    rng.excluded_products.clear()
    assert total(client) == Decimal("100000")  # an empty range now


def test_a_voucher_offer_takes_the_same_path(client, catalogue, shared_cache):
    now = timezone.now()
    promo = Promotion(partner=catalogue["mampang"], title="Kode Tas", kind=Promotion.Kind.AMOUNT, value=Decimal(10000),
                      minimum=Decimal(0), starts=now - timedelta(hours=1), ends=now + timedelta(days=7),
                      all_products=False)
    save_promotion(promo, products=[catalogue["bag"]], code="TAS10")
    add(client, catalogue["shoe"])
    add(client, catalogue["bag"])
    client.post("/basket/vouchers/add/", {"code": "tas10"})  # Oscar refuses a voucher the basket does not qualify for
    assert total(client) == Decimal("90000") + Decimal("200000")
    queries, page = basket_page_queries(client)
    assert page.context["basket"].total_incl_tax == Decimal("290000")
    assert not range_queries(queries), "\n".join(q["sql"][:150] for q in queries)

    save_promotion(Promotion.objects.get(pk=promo.pk), products=[catalogue["shoe"]], code="TAS10")
    assert total(client) == Decimal("100000") + Decimal("190000")


def test_the_kept_offers_follow_the_clock_and_a_benefit_change(client, catalogue, shared_cache, monkeypatch):
    offer = promotion(catalogue["mampang"], title="Diskon Sepatu Mampang", value=10).offer
    add(client, catalogue["bag"])
    assert total(client) == Decimal("90000")
    # The discount changed in the dashboard (the benefit only): the next request has it.
    benefit = Benefit.objects.get(pk=offer.benefit_id)
    benefit.value = Decimal("25")
    benefit.save()
    assert total(client) == Decimal("75000")
    # Its end passes with no save: the kept offer is compared with the clock.
    later = offer.end_datetime + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert total(client) == Decimal("100000")
