"""The Elasticsearch engine against the real node: changes reach the index after
commit, an outage falls back to the database and loses no change, a rebuild
under queries and saves loses neither, and --check tells an operator what is wrong."""

import threading
import time
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection
from django.urls import reverse

from search import indexing
from search.backends import SearchQuery, get_backend
from search.backends.elasticsearch import get_index
from search.models import IndexQueue
from tests.factories import PartnerFactory, ProductFactory, kecamatan
from tests.reliability.tcp_proxy import TcpProxy

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def found(text, **kwargs):
    get_index().refresh()
    return get_backend().search(SearchQuery(text=text, **kwargs))


def test_changes_reach_the_index_after_commit(elasticsearch):
    maker = PartnerFactory(name="Tenun Kenari Cakung", kecamatan=kecamatan("cakung"))
    product = ProductFactory(title="Selendang Tenun Songket", stock__partner=maker, stock__price=Decimal("150000"))
    results = found("songket")
    assert results.engine == "elasticsearch" and results.ids == [product.pk]

    product.title = "Selendang Tenun Ikat"
    product.save()
    assert found("ikat").ids == [product.pk]
    assert found("songket").total == 0

    stock = product.stockrecords.get()
    stock.price = Decimal("45000")
    stock.save()
    cheap = found("", facets=__import__("search.facets", fromlist=["Facets"]).Facets({"harga": ["0-50000"]}))
    assert product.pk in cheap.ids

    # The kecamatan is a search word; suspending the maker takes the product out.
    assert found("selendang cakung").ids == [product.pk]
    maker.status = maker.Status.SUSPENDED
    maker.save()
    assert found("selendang").total == 0
    assert not IndexQueue.objects.exists()


def test_outage_answers_from_the_database_and_loses_no_change(elasticsearch, settings, client):
    node = urlparse(settings.ELASTICSEARCH_URL)
    proxy = TcpProxy(node.hostname, node.port).start()
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{proxy.port}"
    settings.ELASTICSEARCH_TIMEOUT = 1
    try:
        product = ProductFactory(title="Keranjang Rotan Jagakarsa", stock__partner=PartnerFactory(kecamatan=kecamatan("jagakarsa")))
        assert found("keranjang").ids == [product.pk]

        proxy.cut()
        response = client.get(reverse("search:search"), {"q": "keranjang rotan"})
        assert response.status_code == 200
        assert "Keranjang Rotan Jagakarsa" in response.content.decode()

        # A seller's save while the cluster is away succeeds, and the change waits.
        product.title = "Keranjang Rotan Anyam"
        product.save()
        assert IndexQueue.objects.filter(product_id=product.pk).exists()
        assert get_backend().search(SearchQuery(text="anyam")).fallback

        proxy.restore()
        call_command("search_index", "--update")
        assert not IndexQueue.objects.exists()
        results = found("anyam")
        assert results.engine == "elasticsearch" and not results.fallback and results.ids == [product.pk]
    finally:
        proxy.cut()


def test_rebuild_under_queries_and_saves_loses_nothing(elasticsearch):
    maker = PartnerFactory(kecamatan=kecamatan("tebet"))
    products = [ProductFactory(title=f"Peci Rajut Motif {i}", stock__partner=maker) for i in range(30)]
    assert found("peci").total == 30
    stop = threading.Event()
    errors, answers, renamed = [], [], {}

    def shopper():
        while not stop.is_set():
            try:
                results = get_backend().search(SearchQuery(text="peci", limit=50))
                answers.append((results.total, results.fallback))
            except Exception as exc:  # noqa: BLE001 - the test reports it
                errors.append(repr(exc))
        close_old_connections()

    def seller():
        from catalogue.models import Product

        for i, product in enumerate(products[:20]):
            if stop.is_set():
                break
            p = Product.objects.get(pk=product.pk)
            p.title = f"Peci Rajut Baru {i}"
            p.save()
            renamed[p.pk] = p.title
            time.sleep(0.02)
        close_old_connections()

    threads = [threading.Thread(target=shopper), threading.Thread(target=seller)]
    for t in threads:
        t.start()
    try:
        for _ in range(2):
            call_command("search_index", "--rebuild", "--no-progress")
    finally:
        threads[1].join(timeout=60)
        stop.set()
        threads[0].join(timeout=60)
    assert not errors
    assert answers and all(total == 30 and not fallback for total, fallback in answers)
    assert len(renamed) == 20
    get_index().refresh()
    for pk, title in renamed.items():
        hit = get_index().es.get(index=get_index().alias, id=pk)
        assert hit["_source"]["title"] == title
    assert found("baru").total == 20
    assert not IndexQueue.objects.exists()
    # The database engine's copy kept every rename too (the rebuild's older reads did not overwrite them).
    from search.models import ProductText

    assert ProductText.objects.filter(product_id__in=renamed, title__contains=" baru ").count() == 20


def test_check_names_what_is_missing(elasticsearch, settings):
    with pytest.raises(CommandError):
        call_command("search_index", "--check")  # no index yet: it says to rebuild
    call_command("search_index", "--rebuild", "--no-progress")
    call_command("search_index", "--check")
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    with pytest.raises(CommandError):
        call_command("search_index", "--check")


def test_database_engine_is_current_without_a_queue(settings):
    """The embedded default: no cluster, nothing queued, saves searchable at once."""
    product = ProductFactory(title="Dodol Betawi Durian")
    assert get_backend().search(SearchQuery(text="durian")).ids == [product.pk]
    assert not IndexQueue.objects.exists()
    assert connection.vendor in ("sqlite", "postgresql")


def test_a_hold_on_the_last_unit_takes_it_out_of_in_stock(elasticsearch):
    from payments import stock as holds
    from search.facets import Facets

    product = ProductFactory(title="Tempat Tisu Rotan Terakhir", stock__num_in_stock=1)
    in_stock = Facets({"stok": "1"})
    assert found("tisu", facets=in_stock).ids == [product.pk]
    record = product.stockrecords.get()
    holds.hold({record.pk: (1, product.title)})
    assert found("tisu", facets=in_stock).total == 0
    holds.release({record.pk: (1, product.title)})
    assert found("tisu", facets=in_stock).ids == [product.pk]
