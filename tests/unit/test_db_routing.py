"""Which database a request reads from (storefront/db_routing.py), decided without a database: the router's
answers for read-only pages, writes, the seller centre, a pinned visitor, sessions and migrations.
The real standby is tested in tests/integration/test_read_replica.py."""

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from oscar.core.loading import get_model

from storefront import db_routing

Product = get_model("catalogue", "Product")
Basket = get_model("basket", "Basket")


@pytest.fixture
def replica_alias(settings, monkeypatch):
    """A "replica" alias that is never connected to: the health check is replaced by "it answers"."""
    settings.DATABASE_REPLICA_READS = True
    added = "replica" not in connections.settings
    if added:
        connections.settings["replica"] = {**connections.settings["default"], "TEST": {"MIRROR": "default"}}
    monkeypatch.setattr(db_routing, "_replica_answers", lambda: True)
    yield
    if added:
        del connections.settings["replica"]


def reads_during(request, *models, write_first=False):
    seen = {}
    router = db_routing.ReplicaRouter()

    def view(request):
        if write_first:
            router.db_for_write(Product)
        for model in models:
            seen[model.__name__] = router.db_for_read(model)
        return HttpResponse("ok")

    response = db_routing.ReplicaRoutingMiddleware(view)(request)
    return seen, response


@pytest.mark.parametrize("path", ["/catalogue/", "/catalogue/tas-purun_12/", "/catalogue/category/tas_3/",
                                  "/kecamatan/tebet/", "/search/?q=kerudung", "/cerita/ani/", "/toko/sepatu-ani/"])
def test_read_only_pages_read_products_from_the_replica_and_the_basket_from_the_primary(replica_alias, path):
    seen, _response = reads_during(RequestFactory().get(path), Product, Basket)
    assert seen == {"Product": "replica", "Basket": "default"}


@pytest.mark.parametrize("path", ["/basket/", "/checkout/", "/penjual/produk/", "/staf/", "/cms/", "/accounts/login/", "/"])
def test_other_pages_read_from_the_primary(replica_alias, path):
    assert reads_during(RequestFactory().get(path), Product)[0] == {"Product": "default"}


def test_a_post_reads_from_the_primary_and_pins_the_visitor_there(replica_alias):
    seen, response = reads_during(RequestFactory().post("/catalogue/tas_1/"), Product)
    assert seen == {"Product": "default"}
    assert response.cookies[db_routing.PIN_COOKIE]["max-age"] == 15
    pinned = RequestFactory().get("/catalogue/")
    pinned.COOKIES[db_routing.PIN_COOKIE] = "1"
    assert reads_during(pinned, Product)[0] == {"Product": "default"}


def test_after_a_write_the_request_reads_from_the_primary(replica_alias):
    assert reads_during(RequestFactory().get("/catalogue/"), Product, write_first=True)[0] == {"Product": "default"}


def test_without_a_replica_everything_reads_from_the_primary(settings):
    settings.DATABASE_REPLICA_READS = False
    seen, response = reads_during(RequestFactory().get("/catalogue/"), Product)
    assert seen == {"Product": "default"} and db_routing.PIN_COOKIE not in response.cookies


def test_migrations_run_only_on_the_primary():
    router = db_routing.ReplicaRouter()
    assert router.allow_migrate("replica", "catalogue") is False
    assert router.allow_migrate("default", "catalogue") is None
