"""Benchmark: the shop's pages under gunicorn with production settings, against a bare Django view.

    .venv/bin/python bench/web.py [--size 20000] [--quick] [--seconds 10] [--rounds 3] [--workers 2]

1. Loads the demo catalogue of SIZE products once (``load_demo --products SIZE --businesses
   SIZE/500``, variants as the demo makes them) into /tmp/okbench-web/<SIZE>/bench.sqlite3, or
   DATABASE_URL when set (e.g. postgres://postgres@127.0.0.1:54329/okoce_perf), and keeps it.
2. Counts the SQL queries of each page in-process (django.test.Client + CaptureQueriesContext).
3. Starts gunicorn (storefront/gunicorn.conf.py, DEBUG=0, 2 sync workers, a free port on
   127.0.0.1) on bench/floor_wsgi.py: the shop plus ``/__floor__``, a bare Django view.
4. Loads each page with wrk (or a threaded Python generator without it), pages interleaved in
   every round: requests/s, p50/p95/p99, ratio to the floor; checks every answer was 2xx
   (302 for adding to the basket). This pass runs with the page cache off (PAGE_CACHE_SECONDS=0).
4b. Restarts gunicorn with the page cache on and loads the floor and the anonymous pages it serves
   (home, category, kecamatan, product, and the shopper's basket page asked again, with adding to
   the basket beside it) at --cached-connections (16): their req/s against that run's floor, p99,
   the basket's p95 against the floor's, and a check that each GET was a hit (skip with --no-cached).
5. Prints the table and writes it, with a PNG chart, to bench/results/web-<SIZE>-<time>.md/.png.

Exit status 1 when a page answered anything else; timings are reported, never asserted.
"""

import argparse
import os
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import webbench as wb  # noqa: E402


def measure(env, pages, args, generator, connections, rounds, seconds, warmup, label=""):
    """Start gunicorn with ``env``, warm every page, load them in turn for ``rounds``; stop it.
    Returns ({page: combined result}, the shopper's session, home weight, X-Page-Cache per page)."""
    port = wb.free_port()
    log_path = wb.bench_dir(args.size) / "gunicorn.log"
    server = wb.start_server(env, port, workers=args.workers, log_path=log_path)
    try:
        session = wb.shopper(port, pages) if any(p.method == "POST" for p in pages) else {}
        weight = wb.home_weight(port) if not label else None
        per_page = {p.name: [] for p in pages}
        for page in pages:  # warm every worker's caches before timing anything
            method, path, body, headers = wb.page_request(page, session)
            generator(port, method, path, body, headers, warmup, connections=connections)
            wb.drain(port)
        status = {p.name: wb.cache_status(port, p.path, wb.page_request(p, session)[3]) for p in pages if p.method == "GET"}
        for n in range(rounds):
            for page in pages:
                method, path, body, headers = wb.page_request(page, session)
                result = generator(port, method, path, body, headers, seconds, connections=connections)
                result["load"] = os.getloadavg()[0]
                per_page[page.name].append(result)
                wb.drain(port)
                print(f"  {label}round {n + 1}/{rounds} {page.name:<26} {result['rps']:8.1f} req/s  "
                      f"p95 {result['p95_ms']:8.1f} ms  p99 {result['p99_ms']:8.1f} ms  {result['statuses']}  "
                      f"load {result['load']:.2f}", flush=True)
    finally:
        wb.stop_server(server)
    return {name: wb.combine(rs) for name, rs in per_page.items()}, weight, status


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=int(os.environ.get("SIZE", 20000)))
    parser.add_argument("--quick", action="store_true", help="1 round of --seconds (default 3) per page, short warm-up")
    parser.add_argument("--seconds", type=float, help="seconds per page per round (default 10; 3 with --quick)")
    parser.add_argument("--rounds", type=int, help="rounds, pages interleaved (default 3; 1 with --quick)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--cached-connections", type=int, default=16,
                        help="connections for the pages with the page cache on (the budget is at 16)")
    parser.add_argument("--no-cached", action="store_true", help="skip the second pass with the page cache on")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator even if wrk is here")
    parser.add_argument("--no-chart", action="store_true")
    args = parser.parse_args()
    seconds = args.seconds or (3 if args.quick else 10)
    rounds = args.rounds or (1 if args.quick else 3)
    warmup = 1 if args.quick else 3

    started = time.perf_counter()
    # Stopped with SIGTERM, still stop the gunicorn this run started (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    info = wb.prepare(args.size)
    # The first pass is uncached (as before the page cache); the second turns it on.
    env = {**wb.catalogue_env(args.size), "PAGE_CACHE_SECONDS": "0"}
    cached_env = {**env, "PAGE_CACHE_SECONDS": str(wb.CACHED_SECONDS)}
    print(f"collectstatic ({env['STATIC_ROOT']})…", flush=True)
    wb.collectstatic(env)
    wb.ensure_index(env, args.size)

    # This process reads the same database with the same production settings as the server.
    os.environ.update(wb.production_env(env))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import override_settings

    pages = wb.pick_pages()
    counts = wb.query_counts(pages)
    cached_pages = [p for p in pages if p.name == "floor" or p.name in wb.CACHED_PAGES]
    with override_settings(PAGE_CACHE_SECONDS=wb.CACHED_SECONDS):
        # Warm = the second anonymous visitor: a page-cache hit; cold = the first (rendered and stored).
        from catalogue import versions

        versions.bump_site()  # no page kept from an earlier run (a shared Redis) counts as the first
        cached_counts = wb.query_counts(cached_pages)
    first_facets = wb.first_facet_requests(pages)
    connection.close()
    first_ms = sorted(ms for _path, ms, _status in first_facets)
    first_line = (f"First request for a new facet combination (category × kecamatan, ± in stock; {len(first_ms)} "
                  f"combinations, in-process): median {statistics.median(first_ms):,.0f} ms, max {first_ms[-1]:,.0f} ms "
                  f"(budget < 300 ms at 100,000 products)")
    print(first_line, flush=True)
    print("SQL queries per request (warm; cold): " + ", ".join(
        f"{name} {c['warm']}; {c['cold']}" for name, c in counts.items()), flush=True)
    print("with the page cache (hit; miss): " + ", ".join(
        f"{name} {c['warm']}; {c['cold']}" for name, c in cached_counts.items() if name != "floor"), flush=True)

    use_wrk = wb.have_wrk() and not args.python_load
    generator = wb.run_wrk if use_wrk else wb.run_python
    load_before = wb.loadavg()
    results, home_weight, _status = measure(env, pages, args, generator, args.connections, rounds, seconds, warmup)
    load_after = wb.loadavg()
    cached = None
    if not args.no_cached:
        cached_load_before = wb.loadavg()
        cached, _w, cache_status = measure(cached_env, cached_pages, args, generator, args.cached_connections, rounds,
                                           seconds, warmup, label="page cache: ")
        cached_load_after = wb.loadavg()

    failures = []
    for page in pages:
        if not wb.answered_ok(page, results[page.name]):
            failures.append(f"{page.name}: {results[page.name]['statuses']}, {results[page.name]['errors']} errors")
        if counts[page.name]["status"] not in page.expect:
            failures.append(f"{page.name}: in-process answer {counts[page.name]['status']}")
    for page in cached_pages if cached else []:
        if not wb.answered_ok(page, cached[page.name]):
            failures.append(f"{page.name} (page cache): {cached[page.name]['statuses']}, {cached[page.name]['errors']} errors")
        if page.name != "floor" and page.method == "GET" and cache_status.get(page.name) != "hit":
            failures.append(f"{page.name} (page cache): X-Page-Cache {cache_status.get(page.name)!r} after the warm-up")

    meta = {
        "size": args.size,
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "database": info["database"] if "sqlite" not in info["database"] else "SQLite " + info["database"].split("///")[-1],
        "workers": args.workers,
        "generator": "wrk" if use_wrk else "Python threads",
        "connections": args.connections,
        "mode": "quick" if args.quick else "full",
        "rounds": rounds,
        "seconds": seconds,
        "search_backend": env["SEARCH_BACKEND"],
        "load_before": load_before,
        "load_after": load_after,
        "home_weight": home_weight,
    }
    markdown = wb.table(pages, results, counts, meta)
    markdown += "\n" + first_line + "\n"
    if cached:
        markdown += wb.cached_table(cached_pages, cached, cached_counts, {
            "cached_seconds": wb.CACHED_SECONDS, "cached_connections": args.cached_connections,
            "cached_load_before": cached_load_before, "cached_load_after": cached_load_after,
            "cache_status": cache_status,
        })
    png_writer = None
    if not args.no_chart:
        try:
            import matplotlib  # noqa: F401

            png_writer = lambda path: wb.chart(  # noqa: E731
                pages, results, path, f"OK OCE Mart, {args.size:,} products", cached=cached)
        except ImportError:
            print("(matplotlib is not installed: no chart; `pip install -r bench/requirements.txt`)")
    md, png = wb.write(args.size, markdown, png_writer)
    print()
    print(markdown)
    print(f"(written to {md.relative_to(wb.ROOT)}{' and ' + str(png.relative_to(wb.ROOT)) if png else ''}; "
          f"{time.perf_counter() - started:.0f} s in all)")
    if failures:
        print("PAGES THAT DID NOT ANSWER AS EXPECTED:\n  " + "\n  ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
