"""Benchmark: how fast products reach Elasticsearch.

    .venv/bin/python bench/search_index.py [--size 100000] [--keep] [--no-variants] [--no-profile]

Runs on the demo catalogue of SIZE products (loaded once into its own SQLite
database, see bench/searchbench.py) against ELASTICSEARCH_URL (default
http://127.0.0.1:19200), in indices prefixed ``bench-`` that it deletes
afterwards (``--keep`` leaves the rebuilt ``bench-products`` alias for
bench/search_latency.py). Reports products per second for

(a) ``ProductIndex.rebuild(indexing.batches(1000))``, end to end from the
    database, split into time spent building records (database queries and
    text normalising) and time spent writing (serialising and the HTTP bulk);
(b) the bulk of prebuilt documents alone: every record built in memory
    first, then sent with ``ProductIndex.write`` as the rebuild does, and as
    already serialised actions with ``helpers.bulk`` at larger chunk sizes,
    ``helpers.parallel_bulk`` and with refreshes off, to show what the node
    can take.

The target is at least 3,000 products per second for (a). Below it, a
cProfile of the rebuild over the first batches says where the time goes.
"""

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from searchbench import index_marker, setup, write_results  # noqa: E402

TARGET = 3000
BATCH = 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=int(os.environ.get("SIZE", 100000)))
    parser.add_argument("--keep", action="store_true", help="leave the rebuilt bench-products alias for search_latency.py")
    parser.add_argument("--no-variants", action="store_true", help="only (a) and (b) as the code does it")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--profile-products", type=int, default=5000, help="how many products the cProfile pass covers")
    args = parser.parse_args()

    info = setup(args.size, backend="elasticsearch", prefix="bench-")
    from elasticsearch.dsl import Index  # noqa: F401
    from elasticsearch.helpers import bulk, parallel_bulk

    from search import indexing
    from search.backends.elasticsearch import ProductIndex
    from search.records import now_version

    index = ProductIndex()
    es = index.es
    node_version = node_versions(es)
    cleanup(es)
    products = info["products"]
    rows = []
    load_before = os.getloadavg()

    # -- (a) the rebuild, end to end from the database ---------------------------------------------------
    print(f"(a) ProductIndex.rebuild(indexing.batches({BATCH})) over {products:,} products…", flush=True)
    in_batches = [0.0]
    batches = []  # the rebuild's own records, kept for (b)

    def timed(gen):
        """The rebuild's own batches, with the time spent producing them (database + records) counted."""
        while True:
            start = time.perf_counter()
            try:
                item = next(gen)
            except StopIteration:
                in_batches[0] += time.perf_counter() - start
                return
            in_batches[0] += time.perf_counter() - start
            batches.append(item)
            # Keeping every record for (b) must not slow (a): the garbage collector would walk a heap growing to
            # millions of objects, which a real rebuild (each batch dropped after writing) never has.
            gc.freeze()
            yield item

    # A first rebuild on a cluster without the alias fails at the switch (see the README): start as a
    # running shop does, with the (empty) index ensure() creates on first start, which the rebuild replaces.
    index.ensure()
    start = time.perf_counter()
    name, count = index.rebuild(timed(indexing.batches(BATCH)))
    rebuild_s = time.perf_counter() - start
    check_count(es, index.alias, count)
    rebuild_rate = count / rebuild_s
    rows.append(("(a) `rebuild(batches(1000))` end to end", count, rebuild_s, note_target(rebuild_rate)))
    print(f"    {count:,} in {rebuild_s:.1f}s = {rebuild_rate:,.0f}/s "
          f"(records {in_batches[0]:.1f}s, writing {rebuild_s - in_batches[0]:.1f}s)", flush=True)

    # -- records in memory (those the rebuild built), then serialised --------------------------------------
    records = [r for _v, batch in batches for r in batch]
    version = now_version()
    start = time.perf_counter()
    actions = list(index.actions(records, set(), version, ["TARGET"]))
    serialise_s = time.perf_counter() - start
    print(f"    ProductDocument.source() via index.actions() {serialise_s:.1f}s ({len(records) / serialise_s:,.0f}/s)", flush=True)

    # -- (b) the bulk of prebuilt documents ---------------------------------------------------------------
    def variant(label, send, refresh_off=False):
        target = index.create(f"{index.alias}-variant-{len(rows)}")
        if refresh_off:
            es.indices.put_settings(index=target, settings={"index": {"refresh_interval": "-1"}})
        print(f"(b) {label}…", flush=True)
        start = time.perf_counter()
        send(target)
        if refresh_off:
            es.indices.put_settings(index=target, settings={"index": {"refresh_interval": None}})
        es.indices.refresh(index=target)
        seconds = time.perf_counter() - start
        check_count(es, target, len(records))
        rate = len(records) / seconds
        rows.append((f"(b) {label}", len(records), seconds, note_target(rate)))
        print(f"    {len(records):,} in {seconds:.1f}s = {rate:,.0f}/s", flush=True)
        es.indices.delete(index=target)

    def as_rebuild(target):
        for v, batch in batches:
            index.write(batch, [r.id for r in batch], version=v, targets=[target])

    def prebuilt(chunk_size):
        def send(target):
            for a in actions:
                a["_index"] = target
            _ok, errors = bulk(es, actions, chunk_size=chunk_size, raise_on_error=False, request_timeout=120)
            assert not errors, errors[:1]
        return send

    def parallel(threads, chunk_size):
        def send(target):
            for a in actions:
                a["_index"] = target
            failed = [info for ok, info in parallel_bulk(
                es, actions, thread_count=threads, chunk_size=chunk_size, raise_on_error=False, request_timeout=120,
            ) if not ok]
            assert not failed, failed[:1]
        return send

    variant("`ProductIndex.write` per batch from in-memory records (serialise + bulk, chunk 500, as the rebuild)", as_rebuild)
    variant("`helpers.bulk` of serialised actions, chunk 500", prebuilt(500))
    if not args.no_variants:
        variant("`helpers.bulk`, chunk 2000", prebuilt(2000))
        variant("`helpers.parallel_bulk`, 4 threads, chunk 1000", parallel(4, 1000))
        variant("`helpers.parallel_bulk`, 4 threads, chunk 2000, refresh_interval -1 while loading", parallel(4, 2000), refresh_off=True)

    # -- where the rebuild's time goes --------------------------------------------------------------------
    profile_text = ""
    if not args.no_profile and (rebuild_rate < TARGET or os.environ.get("BENCH_PROFILE")):
        profile_text = profile_rebuild(index, indexing, args.profile_products)

    gc.unfreeze()
    cleanup(es, keep=name if args.keep else None)
    marker = index_marker(args.size)
    if args.keep:
        marker.write_text(json.dumps({"index": name, "count": count}))
    else:
        marker.unlink(missing_ok=True)

    bulk_s = rebuild_s - in_batches[0]
    md = [
        f"# Search indexing benchmark: {products:,} demo products",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}; database: {info['engine']}; Elasticsearch {node_version} at "
        f"{os.environ['ELASTICSEARCH_URL']}; {os.cpu_count()} CPUs shared by Python and the node; index prefix `bench-`; load average "
        f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after (other work on the machine shows here).",
        f"Demo catalogue: `load_demo --products {args.size}` took {info.get('load_demo_s', '?')}s "
        f"({products / info['load_demo_s']:,.0f} products/s incl. the database search text) when it was loaded"
        if info.get("load_demo_s") else "",
        "",
        f"| how | products | seconds | products/s | vs target {TARGET:,}/s |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for label, n, seconds, verdict in rows:
        md.append(f"| {label} | {n:,} | {seconds:.1f} | {n / seconds:,.0f} | {verdict} |")
    md += [
        "",
        "Where (a)'s time went:",
        "",
        "| stage | seconds | share of (a) | products/s alone |",
        "| --- | ---: | ---: | ---: |",
        f"| records: ids query + `build_records` (SQL + Python + text normalising) | {in_batches[0]:.1f} | "
        f"{in_batches[0] / rebuild_s:.0%} | {count / in_batches[0]:,.0f} |",
        f"| writing: `ProductDocument` serialisation + HTTP bulk + refresh + alias switch | {bulk_s:.1f} | "
        f"{bulk_s / rebuild_s:.0%} | {count / bulk_s:,.0f} |",
        f"| of which serialisation (`index.actions()`, measured apart) | {serialise_s:.1f} | "
        f"{serialise_s / rebuild_s:.0%} | {len(records) / serialise_s:,.0f} |",
    ]
    if profile_text:
        md += ["", f"cProfile of the rebuild path over the first {args.profile_products:,} products "
               "(top functions by own time, then by cumulative time):", "", "```", profile_text.rstrip(), "```"]
    write_results("search-index", args.size, "\n".join(md) + "\n")


def node_versions(es):
    """The nodes' versions (this node answers GET / with 405, so not es.info())."""
    nodes = es.nodes.info(filter_path="nodes.*.version")["nodes"]
    return ", ".join(sorted({n["version"] for n in nodes.values()}))


def note_target(rate):
    return "meets" if rate >= TARGET else f"**below** ({rate / TARGET:.0%})"


def check_count(es, index, expected):
    es.indices.refresh(index=index)
    got = es.count(index=index)["count"]
    if got != expected:
        raise SystemExit(f"{index} holds {got} documents, expected {expected}")


def cleanup(es, keep=None):
    """Delete every bench-products* index (by name: wildcard deletes are refused by default), but ``keep``."""
    found = es.indices.get(index="bench-products*", ignore_unavailable=True, allow_no_indices=True)
    for name in found:
        if name != keep:
            es.indices.delete(index=name, ignore_unavailable=True)


def profile_rebuild(index, indexing, limit):
    """cProfile of build_records + ProductIndex.write over the first ``limit`` products, into a scratch index."""
    from oscar.core.loading import get_model

    from search.records import now_version
    from search.records import build_records

    Product = get_model("catalogue", "Product")
    ids = list(Product.objects.browsable().order_by("pk").values_list("pk", flat=True)[:limit])
    target = index.create(f"{index.alias}-profile")
    profiler = cProfile.Profile()
    profiler.enable()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        index.write(build_records(chunk), chunk, version=now_version(), targets=[target])
    profiler.disable()
    index.es.indices.delete(index=target)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(15)
    stats.sort_stats("cumulative").print_stats(25)
    return trim_profile(out.getvalue())


def trim_profile(text):
    """pstats output without its blank lines and file-order noise."""
    return "\n".join(line for line in text.splitlines() if line.strip() and "Ordered by" not in line and "List reduced" not in line)


if __name__ == "__main__":
    main()
