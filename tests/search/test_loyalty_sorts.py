"""Sorting by rating and by best-selling on the real Elasticsearch node; a new review and a new
order reach the index through the usual hooks (the database engine: tests/integration/test_reviews.py)."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from search.backends import SearchQuery, get_backend
from search.backends.base import Sort
from search.backends.elasticsearch import get_index
from tests.factories import PartnerFactory, ProductFactory, make_user, place_order

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ProductReview = get_model("reviews", "ProductReview")
LineFulfilment = get_model("partner", "LineFulfilment")


def listing(sort, partner):
    get_index().refresh()
    results = get_backend().search(SearchQuery(sort=sort, partner=partner, with_facets=False))
    assert results.engine == "elasticsearch" and not results.fallback
    return results.ids


def rate(user, product, score):
    line = place_order(user, [(product, 1)]).lines.get()
    LineFulfilment.objects.create(line=line, status="delivered")
    ProductReview.objects.create(product=product, line=line, user=user, score=score, body="Ulasan pembeli.", status=1)


def test_rating_and_best_selling_sorts_on_elasticsearch(elasticsearch):
    maker = PartnerFactory(name="Kriya Rotan Cilincing")
    good, fair, unrated = (ProductFactory(title=t, stock__partner=maker, stock__price=Decimal("90000"))
                           for t in ("Keranjang Rotan", "Kursi Rotan", "Tudung Saji Rotan"))
    buyer = make_user("ani@pembeli.test")
    rate(buyer, good, 5)
    rate(buyer, fair, 2)
    assert listing(Sort.RATING, maker) == [good.pk, fair.pk, unrated.pk]

    place_order(make_user("joko@pembeli.test"), [(unrated, 4)])
    assert listing(Sort.BEST_SELLING, maker)[0] == unrated.pk

    # Hiding the good review takes it out of the average the index sorts by.
    review = ProductReview.objects.get(product=good)
    review.status = ProductReview.REJECTED
    review.save()
    # Unrated products follow, newest first.
    assert listing(Sort.RATING, maker) == [fair.pk, unrated.pk, good.pk]


def test_best_selling_counts_a_parents_variants():
    """Sized products are bought as variants; the listing's parent counts their units (after the commit)."""
    from tests.factories import parent_with_variants

    maker = PartnerFactory(name="Sepatu Pak Darto")
    loafers = ProductFactory(title="Sandal Jepit Kulit", stock__partner=maker)
    shoes = parent_with_variants(maker)
    place_order(make_user("rudi@pembeli.test"), [(shoes.children.get(title__endswith="39"), 2),
                                                 (shoes.children.get(title__endswith="41"), 1), (loafers, 2)])
    assert get_model("analytics", "ProductRecord").objects.get(product=shoes).num_purchases == 3
    results = get_backend().search(SearchQuery(sort=Sort.BEST_SELLING, partner=maker, with_facets=False))
    assert results.engine == "database" and results.ids == [shoes.pk, loafers.pk]
