"""Listings on Elasticsearch with their facet sidebar cached per site version (search.views.listing.Pieces):
asked again at the same catalogue version, a listing sends nothing to the node (the sidebar and the
engine's answer are kept); a stock change reaches the index (refreshed) and the sidebar's counts on
the next request."""

from decimal import Decimal

import pytest
from oscar.apps.catalogue.categories import create_from_breadcrumbs

from search.backends.elasticsearch import ElasticsearchBackend
from tests.factories import PartnerFactory, ProductFactory, kecamatan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def in_stock_count(response):
    facet = next(f for f in response.context["facet_results"] if f.key == "stok")
    return facet.options[0].count


def test_the_listing_is_asked_once_and_follows_a_stock_change(elasticsearch, client, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0
    category = create_from_breadcrumbs("Kerajinan")
    maker = PartnerFactory(name="Tenun Kenari Cakung", kecamatan=kecamatan("cakung"))
    bag = ProductFactory(title="Tas Tenun Songket", stock__partner=maker, stock__price=Decimal("150000"), category=category)
    ProductFactory(title="Tas Tenun Ikat", stock__partner=maker, stock__price=Decimal("90000"), category=category)
    sent = []
    send = ElasticsearchBackend.send

    def spy(self, s):
        sent.append(s.to_dict())
        return send(self, s)

    monkeypatch.setattr(ElasticsearchBackend, "send", spy)
    url = category.get_absolute_url()

    first = client.get(url)
    assert first.context["search_results"].engine == "elasticsearch"
    assert in_stock_count(first) == 2
    again = client.get(url)
    assert in_stock_count(again) == 2 and "Tas Tenun Songket" in again.content.decode()
    assert again.context["search_results"].engine == "elasticsearch"
    assert ["aggs" in body for body in sent] == [True]  # the second listing came whole from the cache

    record = bag.stockrecords.get()
    record.num_in_stock = 0
    record.save()  # after the commit: indexed, refreshed, and the site version moves on
    changed = client.get(url)
    assert in_stock_count(changed) == 1
    assert "aggs" in sent[-1]
