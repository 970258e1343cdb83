"""The pieces of the web benchmark (bench/web.py, `make bench`), in-process on a tiny demo catalogue.

CI also runs the whole benchmark in quick mode on 1,000 products (.ci/run); these tests keep its
parts honest in `make test`: the pages it picks answer, their SQL queries are counted, the floor
view is served next to the shop's URLs, and the table and chart are written. No timings.
"""

import sys
from pathlib import Path

import pytest
from django.core.management import call_command

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import webbench as wb  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    call_command("load_demo", "--products", "40", "--businesses", "6", "--no-progress", stdout=open("/dev/null", "w"))


@pytest.fixture
def floor_urls(settings):
    """The bench URLconf (``/__floor__`` + storefront.urls), for this test only."""
    from django.conf import settings as django_settings

    original = django_settings.ROOT_URLCONF
    import floor_wsgi  # sets ROOT_URLCONF for the gunicorn process it is written for: undo it here

    django_settings.ROOT_URLCONF = original
    settings.ROOT_URLCONF = floor_wsgi.__name__
    return floor_wsgi


def test_the_pages_are_found_and_answer_with_their_query_counts(catalogue, floor_urls):
    pages = wb.pick_pages()
    assert [p.name for p in pages] == [
        "floor", "home", "category", "kecamatan", "product (variants)", "search + kecamatan facet", "add to basket", "basket",
    ]
    counts = wb.query_counts(pages)
    for page in pages:
        assert counts[page.name]["status"] in page.expect, (page, counts[page.name])
        if page.name != "floor":
            # Counted at all (the first request reads the database; a listing asked again may not).
            assert counts[page.name]["cold"] > 0 and counts[page.name]["cold"] >= counts[page.name]["warm"] - 5


def test_the_floor_is_a_bare_view_beside_the_shop(client, floor_urls):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(wb.FLOOR_PATH)
    assert response.status_code == 200 and response.content == b"ok"
    assert len(ctx.captured_queries) == 0
    assert client.get("/kecamatan/").status_code == 200  # the shop's URLs still resolve


def test_production_env_satisfies_the_settings_check():
    env = wb.production_env({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"})
    assert env["DEBUG"] == "0" and len(env["SECRET_KEY"]) >= 50 and env["SECURE_SSL_REDIRECT"] == "0"
    assert "127.0.0.1" in env["ALLOWED_HOSTS"].split(",")


def test_load_results_are_combined_and_the_table_and_chart_written(tmp_path, monkeypatch):
    pages = [wb.Page("floor", wb.FLOOR_PATH), wb.Page("home", "/"),
             wb.Page("add to basket", "/basket/add/1/", method="POST", expect=(302,))]
    one = {"requests": 10, "rps": 100.0, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "errors": 0, "statuses": {200: 10}}
    results = {
        "floor": wb.combine([dict(one, load=1.0), dict(one, rps=300.0, load=2.0), dict(one, rps=200.0, load=3.0)]),
        "home": wb.combine([dict(one, rps=20.0, p95_ms=30.0)]),
        "add to basket": wb.combine([dict(one, rps=10.0, p95_ms=40.0, statuses={302: 5})]),
    }
    assert results["floor"]["rps"] == 200.0 and results["floor"]["requests"] == 30 and results["floor"]["load"] == 2.0
    assert wb.answered_ok(pages[2], results["add to basket"]) and not wb.answered_ok(pages[1], results["add to basket"])
    counts = {"floor": {"warm": 0, "cold": 0}, "home": {"warm": 12, "cold": 20}}
    meta = dict(size=40, when="now", database="SQLite", workers=2, generator="wrk", connections=4, mode="quick", rounds=1,
                seconds=3, search_backend="database", load_before="1", load_after="1")
    markdown = wb.table(pages, results, counts, meta)
    assert "| home | `/` | 20.0 | 10.0 % |" in markdown and "| 12; 20 |" in markdown and "15.0×" in markdown
    assert "`POST /basket/add/1/`" in markdown and "302×5" in markdown
    monkeypatch.setattr(wb, "RESULTS", tmp_path)
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        # The chart needs bench/requirements.txt (make bench installs it); the table is written without it.
        md, _png = wb.write(40, markdown)
        assert md.read_text() == markdown
        return
    md, png = wb.write(40, markdown, lambda path: wb.chart(pages, results, path, "test"))
    assert md.read_text() == markdown and png.stat().st_size > 1000


def test_the_wrk_script_and_percentiles():
    script = wb.WRK_SCRIPT % {"method": wb._lua("POST"), "body": wb._lua("a=1"), "headers": 'wrk.headers["X"] = "y"'}
    assert 'wrk.method = "POST"' in script and "latency:percentile(95)" in script and "%d" in script
    assert wb.percentile([1, 2, 3, 4, 5], 50) == 3 and wb.percentile([], 95) == 0.0
    assert wb.percentile(list(range(101)), 95) == 95


def test_the_add_bound_servers_write_a_basket_the_shop_reads(catalogue, client, floor_urls, settings):
    """bench/add_bound.py's cut-down adds (bench/add_bound_wsgi.py) still write what the shop's add
    writes: its figures stay about adding to the basket, and a change to Oscar's basket tables breaks
    this test rather than the benchmark's plain INSERTs."""
    from oscar.core.loading import get_model

    urlconf = settings.ROOT_URLCONF
    from bench import add_bound_wsgi

    settings.ROOT_URLCONF = urlconf  # importing it sets the bench URLconf for gunicorn, as floor_wsgi does
    Basket = get_model("basket", "Basket")
    add = next(p for p in wb.pick_pages() if p.method == "POST")

    def new_shoppers_add():
        from django.test import Client

        shopper = Client()
        before = set(Basket.objects.values_list("pk", flat=True))
        response = shopper.post(add.path, add.data)
        assert response.status_code == 302
        (pk,) = set(Basket.objects.values_list("pk", flat=True)) - before
        basket = Basket.objects.get(pk=pk)
        lines = [(line.product_id, line.stockrecord_id, line.quantity, line.line_reference, line.price_excl_tax,
                  line.price_incl_tax, line.price_currency, line.tax_code) for line in basket.lines.all()]
        page = shopper.get("/basket/")  # the basket cookie the add set finds this basket
        assert page.status_code == 200 and page.context["basket"].pk == pk
        return basket.status, lines, page.context["basket"].num_items

    shop = new_shoppers_add()
    assert shop[0] == Basket.OPEN and len(shop[1]) == 1 and shop[2] == 1
    with pytest.raises(ValueError):
        add_bound_wsgi.install(["templates"])
    for cuts in (["offers"], ["offers", "orm"]):
        from basket import models, utils

        undo = add_bound_wsgi.install(cuts)
        try:
            # The cuts are in place (this is not the shop's add answering)...
            assert (models.Basket.add_product.__qualname__ == "Basket.add_product") is ("orm" not in cuts)
            assert utils.BasketMessageGenerator.apply_messages.__qualname__ != "BasketMessageGenerator.apply_messages"
            # ... and what they write is what the shop's add writes, and the shop reads it.
            assert new_shoppers_add() == shop, cuts
        finally:
            undo()
    assert new_shoppers_add() == shop  # undone: the shop's own add again
    assert models.Basket.add_product.__qualname__ == "Basket.add_product"
    assert utils.BasketMessageGenerator.apply_messages.__qualname__ == "BasketMessageGenerator.apply_messages"
