"""Benchmark: search latency through the Django view, against Elasticsearch's own time.

    .venv/bin/python bench/search_latency.py [--size 100000] [--rounds 30] [--seconds 180] [--keep]

On the demo catalogue of SIZE products (see bench/searchbench.py), for 20
Indonesian queries with facet choices (kecamatan, halal, stock, price, type)
this times, interleaved in every round after a warm-up:

* view:   GET /search/?q=…&kecamatan=… through django.test.Client (middleware,
          FacetedSearchView, the products shown read from the database, the
          template rendered), SEARCH_BACKEND=elasticsearch;
* engine: ElasticsearchBackend().search(SearchQuery) alone;
* raw:    the same request body (``ElasticsearchBackend.build(...).to_dict()``)
          sent directly with the client, ``es.search(index=alias, body=…)``.

It reports p50/p95 per query and the ratios view/raw; the target is a p95
ratio of at most 1.5. Then, as a side figure, p50/p95 through the same view
with SEARCH_BACKEND=database. Each phase stops at --rounds or --seconds,
whichever comes first. The ``bench-products`` index is reused when
bench/search_index.py --keep left it for the same catalogue, otherwise rebuilt
and deleted at the end unless --keep.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from searchbench import index_marker, setup, write_results  # noqa: E402

TARGET_RATIO = 1.5

# (words, facet choices, sort): words from storefront/demo/catalog.py. The demo gives each kecamatan makers of one
# product type (tebet, jatinegara, palmerah, koja: food; cilandak, senen: sepatu; setiabudi, gambir, jagakarsa:
# kerudung; kemayoran: pakaian; menteng, duren-sawit, makasar: kerajinan), so each choice here finds products: a
# query without hits costs the engine a fuzzy retry and a suggester request besides, not the raw request's work.
QUERIES = [
    ("sepatu kulit", {"kecamatan": ["cilandak"]}, None),
    ("kerudung", {"kecamatan": ["setiabudi"]}, None),
    ("rendang", {"halal": "1"}, None),
    ("sambal", {"kecamatan": ["jatinegara"], "stok": "1"}, None),
    ("batik", {"harga": "100000-250000"}, None),
    ("pashmina", {"kecamatan": ["gambir"]}, None),
    ("sneakers kanvas", {"kecamatan": ["senen"]}, None),
    ("keripik singkong", {"halal": "1", "kecamatan": ["tebet"]}, None),
    ("kemeja tenun", {"kecamatan": ["kemayoran"]}, None),
    ("gamis", {"harga": "100000-250000", "stok": "1"}, None),
    ("tas anyaman", {"kecamatan": ["menteng"]}, None),
    ("ondel-ondel", {"jenis": ["kerajinan"]}, None),
    ("dodol betawi", {"kecamatan": ["palmerah"]}, None),
    ("kue nastar", {"halal": "1"}, "price-asc"),
    ("kerudung voal", {"kecamatan": ["jagakarsa", "setiabudi"]}, None),
    ("sandal kulit", {"harga": "100000-250000"}, None),
    ("rotan", {"kecamatan": ["duren-sawit"]}, None),
    ("khimar", {"stok": "1"}, "newest"),
    ("kulit", {"jenis": ["kerajinan"], "kecamatan": ["makasar"]}, None),
    ("kerupuk", {"kecamatan": ["koja"], "halal": "1"}, None),
]


def params_for(words, facets, sort):
    params = {"q": words, **facets}
    if sort:
        params["sort_by"] = sort
    return params


def pct(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def ms(seconds):
    return f"{seconds * 1000:.1f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=int(os.environ.get("SIZE", 100000)))
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=180, help="time budget of the Elasticsearch phase")
    parser.add_argument("--db-rounds", type=int, default=10)
    parser.add_argument("--db-seconds", type=float, default=120, help="time budget of the database phase")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="leave the bench-products index")
    args = parser.parse_args()

    info = setup(args.size, backend="elasticsearch", prefix="bench-")
    from django.conf import settings
    from django.core.cache import cache
    from django.http import QueryDict
    from django.test import Client
    from django.urls import reverse

    from search import indexing
    from search import text as textmod
    from search.backends import SearchQuery
    from search.backends.elasticsearch import CIRCUIT_KEY, ElasticsearchBackend
    from search.facets import Facets
    from search.forms import SearchForm

    backend = ElasticsearchBackend()
    index, es = backend.index, backend.index.es
    ensure_index(index, indexing, args.size)
    docs = index.count()
    url = reverse("search:search")
    client = Client()
    random.seed(2026)

    # What the view asks the engine for, built the way ProductListView.get_queryset builds it.
    cases = []
    for words, facets, sort in QUERIES:
        params = params_for(words, facets, sort)
        qd = QueryDict(urlencode(params, doseq=True))
        form = SearchForm(qd)
        query = SearchQuery(
            text=form.cleaned_query(), sort=form.cleaned_sort(), facets=Facets(qd), near=None,
            offset=0, limit=settings.OSCAR_PRODUCTS_PER_PAGE,
        )
        body = backend.build(query, textmod.query_tokens(query.text)).to_dict()
        raw = es.search(index=index.alias, body=body)
        results = backend.search(query)
        if results.engine != "elasticsearch" or results.fallback:
            raise SystemExit(f"{words!r}: answered by {results.engine} (fallback={results.fallback}), not Elasticsearch")
        if results.total != raw["hits"]["total"]["value"] or results.corrected:
            raise SystemExit(f"{words!r}: the view's engine found {results.total}, the raw body "
                             f"{raw['hits']['total']['value']} (corrected={results.corrected!r})")
        label = words + "".join(f" +{k}={','.join(v) if isinstance(v, list) else v}" for k, v in facets.items())
        label += f" sort={sort}" if sort else ""
        cases.append({"label": label, "params": params, "query": query, "body": body,
                      "hits": results.total, "view": [], "engine": [], "raw": [], "took": [], "db": []})

    def view_once(case):
        start = time.perf_counter()
        response = client.get(url, case["params"])
        seconds = time.perf_counter() - start
        if response.status_code != 200:
            raise SystemExit(f"{case['label']}: {response.status_code}")
        return seconds

    def engine_once(case):
        start = time.perf_counter()
        backend.search(case["query"])
        return time.perf_counter() - start

    def raw_once(case):
        start = time.perf_counter()
        response = es.search(index=index.alias, body=case["body"])
        return time.perf_counter() - start, response["took"] / 1000

    # -- Elasticsearch: warm-up, then interleaved rounds ------------------------------------------------
    load_before = os.getloadavg()
    print(f"Elasticsearch engine: {len(cases)} queries on {docs:,} documents, {args.warmup} warm-up rounds…", flush=True)
    for _ in range(args.warmup):
        for case in cases:
            view_once(case), engine_once(case), raw_once(case)
    started, rounds = time.perf_counter(), 0
    while rounds < args.rounds and time.perf_counter() - started < args.seconds:
        order = list(cases)
        random.shuffle(order)
        for case in order:
            calls = ["view", "engine", "raw"]
            random.shuffle(calls)  # no call always first (a warm connection, a freshly cached page)
            for call in calls:
                if call == "view":
                    case["view"].append(view_once(case))
                elif call == "engine":
                    case["engine"].append(engine_once(case))
                else:
                    seconds, took = raw_once(case)
                    case["raw"].append(seconds)
                    case["took"].append(took)
        if cache.get(CIRCUIT_KEY):
            raise SystemExit("Elasticsearch was marked unreachable during the run: the view answered from the database")
        rounds += 1
    es_seconds = time.perf_counter() - started
    print(f"  {rounds} rounds in {es_seconds:.0f}s", flush=True)

    # -- the database engine, through the same view -----------------------------------------------------
    settings.SEARCH_BACKEND = "database"
    # Slow on a large SQLite catalogue (seconds a query): the budget is checked before every query, the
    # warm-up counts in it, and a round may end part-way (each query keeps the samples it got).
    print(f"Database engine ({info['engine']}): 3 warm-up queries, then rounds until {args.db_seconds:.0f}s…", flush=True)
    started, db_rounds = time.perf_counter(), 0
    for case in cases[:3] if args.warmup else []:  # connections, caches, templates: the rest is the query's own
        view_once(case)
    while db_rounds < args.db_rounds and time.perf_counter() - started < args.db_seconds:
        for case in random.sample(cases, len(cases)):
            if time.perf_counter() - started >= args.db_seconds:
                break
            case["db"].append(view_once(case))
        db_rounds += 1
    db_seconds = time.perf_counter() - started
    settings.SEARCH_BACKEND = "elasticsearch"
    print(f"  {db_rounds} rounds in {db_seconds:.0f}s", flush=True)
    load_after = os.getloadavg()

    if not args.keep:  # built here or left by search_index.py --keep for this run: the node is left as found
        drop_index(es)
        index_marker(args.size).unlink(missing_ok=True)

    # -- the table ----------------------------------------------------------------------------------------
    md = [
        f"# Search latency benchmark: {docs:,} products in Elasticsearch",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}; database: {info['engine']}; {os.cpu_count()} CPUs; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (other work on the machine shows here).",
        f"Elasticsearch phase: {args.warmup} warm-up rounds, then {rounds} rounds in {es_seconds:.0f}s, the three calls "
        f"of each query interleaved in random order. Database phase (warm-up included): "
        f"{db_rounds} rounds (the last maybe partial) in {db_seconds:.0f}s.",
        "All times in milliseconds. *view*: GET /search/ through django.test.Client (middleware, FacetedSearchView, "
        "page of 24 products read from the database, template rendered). *engine*: `ElasticsearchBackend.search()` "
        "alone. *raw*: the same body sent with `es.search()`; *took*: Elasticsearch's own `took`.",
        "",
        "| query | hits | view p50 | view p95 | engine p50 | engine p95 | raw p50 | raw p95 | took p50 | "
        "ratio p50 | ratio p95 | database view p50 | database view p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    ratios50, ratios95 = [], []
    for case in cases:
        v50, v95 = pct(case["view"], 50), pct(case["view"], 95)
        r50, r95 = pct(case["raw"], 50), pct(case["raw"], 95)
        ratios50.append(v50 / r50)
        ratios95.append(v95 / r95)
        db = f"{ms(pct(case['db'], 50))} | {ms(pct(case['db'], 95))}" if case["db"] else "– | –"
        verdict = "" if v95 / r95 <= TARGET_RATIO else " ✗"
        hits = f"{case['hits']:,}" if case["hits"] else "0 (+ fuzzy retry, suggester)"
        md.append(
            f"| {case['label']} | {hits} | {ms(v50)} | {ms(v95)} | {ms(pct(case['engine'], 50))} | "
            f"{ms(pct(case['engine'], 95))} | {ms(r50)} | {ms(r95)} | {ms(pct(case['took'], 50))} | "
            f"{v50 / r50:.2f} | {v95 / r95:.2f}{verdict} | {db} |"
        )
    all_view = [x for c in cases for x in c["view"]]
    all_engine = [x for c in cases for x in c["engine"]]
    all_raw = [x for c in cases for x in c["raw"]]
    all_db = [x for c in cases for x in c["db"]]
    met = sum(r <= TARGET_RATIO for r in ratios95)
    md += [
        f"| **all queries pooled** | | **{ms(pct(all_view, 50))}** | **{ms(pct(all_view, 95))}** | "
        f"{ms(pct(all_engine, 50))} | {ms(pct(all_engine, 95))} | **{ms(pct(all_raw, 50))}** | **{ms(pct(all_raw, 95))}** | | "
        f"**{pct(all_view, 50) / pct(all_raw, 50):.2f}** | **{pct(all_view, 95) / pct(all_raw, 95):.2f}** | "
        + (f"**{ms(pct(all_db, 50))}** | **{ms(pct(all_db, 95))}** |" if all_db else "– | – |"),
        "",
        f"p95 ratio view/raw per query: median {statistics.median(ratios95):.2f}, best {min(ratios95):.2f}, "
        f"worst {max(ratios95):.2f}; {met} of {len(cases)} queries within the target ≤ {TARGET_RATIO} "
        f"(p50 ratio median {statistics.median(ratios50):.2f}).",
        f"The engine alone against raw, pooled: p50 {pct(all_engine, 50) / pct(all_raw, 50):.2f}, "
        f"p95 {pct(all_engine, 95) / pct(all_raw, 95):.2f}; per query p95 median "
        f"{statistics.median(pct(c['engine'], 95) / pct(c['raw'], 95) for c in cases):.2f}.",
        f"Where the view's extra time goes (pooled p50): engine − raw = {ms(pct(all_engine, 50) - pct(all_raw, 50))} ms "
        f"(query words, synonyms, elasticsearch-dsl build and response), view − engine = "
        f"{ms(pct(all_view, 50) - pct(all_engine, 50))} ms (middleware, products read for display, template).",
    ]
    write_results("search-latency", args.size, "\n".join(md) + "\n")


def ensure_index(index, indexing, size):
    """Reuse the bench-products index search_index.py --keep left for this catalogue; else rebuild. True if rebuilt."""
    marker = index_marker(size)
    if marker.exists() and index.exists():
        kept = json.loads(marker.read_text())
        live = list(index.es.indices.get_alias(name=index.alias))
        if live == [kept["index"]] and index.count() == kept["count"]:
            print(f"reusing {kept['index']} ({kept['count']:,} documents)", flush=True)
            return False
    print("building the bench-products index…", flush=True)
    index.ensure()  # a first rebuild without the alias fails at the switch (see bench/README.md)
    start = time.perf_counter()
    name, count = index.rebuild(indexing.batches(1000))
    print(f"  {count:,} products in {time.perf_counter() - start:.0f}s", flush=True)
    marker.write_text(json.dumps({"index": name, "count": count}))
    return True


def drop_index(es):
    for name in es.indices.get(index="bench-products*", ignore_unavailable=True, allow_no_indices=True):
        es.indices.delete(index=name, ignore_unavailable=True)


if __name__ == "__main__":
    main()
