"""Benchmark: how far adding to the basket can fall, against the floor, on the same server.

    .venv/bin/python bench/add_bound.py [--size 1000] [--seconds 4] [--rounds 3] [--workers 2] [--connections 4]

Issue 14 asks for adding to the basket under 3× the floor's p95 (bench/web.py measures it). This
run answers what the add costs when parts of it are cut away (bench/add_bound_wsgi.py says exactly
what each cut removes; none of them is a shop a shopper could use):

- shop: the shop as it is;
- no offers: no offers applied again after the add and no new-total message;
- bound: no offers either, and the basket and its line written with two plain INSERTs instead of
  Oscar's models (no save(), no signals).

The same catalogue as bench/web.py (/tmp/okbench-web/<SIZE>/, loaded once), gunicorn with production
settings and the page cache off; each round starts each variant's server in turn, warms it, then
loads the floor (``/__floor__``) and a new shopper's add (a POST with the CSRF cookie and token, no
basket cookie: a new basket each request) with wrk. The table (medians over rounds) gives each
variant's add as a ratio to the floor's p95 measured by the same server in the same round. It is
printed and written to bench/results/add-bound-<SIZE>-<time>.md. Timings are reported, never asserted.
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

VARIANTS = (
    ("shop", "", "the shop as it is"),
    ("no offers", "offers", "no offers applied again, no new-total message"),
    ("bound", "offers,orm", "no offers, and the basket and its line by two plain INSERTs (no models, no signals)"),
)


def run_variant(env, cuts, pages, product, args, generator):
    """One round of one variant: its own server, warmed, then the floor and the add."""
    port = wb.free_port()
    app = f'bench.add_bound_wsgi:app("{cuts}")'
    server = wb.start_server(env, port, workers=args.workers, app=app, log_path=wb.bench_dir(args.size) / "gunicorn.log")
    try:
        session = wb.shopper(port, [product, *pages])
        out = {}
        for page in pages:
            method, path, body, headers = wb.page_request(page, session)
            generator(port, method, path, body, headers, 1, connections=args.connections)
            wb.drain(port)
        for page in pages:
            method, path, body, headers = wb.page_request(page, session)
            out[page.name] = generator(port, method, path, body, headers, args.seconds, connections=args.connections)
            out[page.name]["load"] = os.getloadavg()[0]
            wb.drain(port)
        return out
    finally:
        wb.stop_server(server)


def table(results, args, meta):
    lines = [
        f"# Adding to the basket: how far it can fall ({args.size:,} products)", "",
        f"{meta['when']}, {meta['engine']}, gunicorn {args.workers} sync workers, page cache off, "
        f"{meta['generator']} {args.connections} connections, {args.rounds} round(s) × {args.seconds:g} s per page "
        f"(variants alternated each round), load {meta['load']}. Medians over rounds; each add's ratio is to the floor "
        "measured by the same server in the same round.", "",
        "| variant | what is cut | floor req/s | floor p95 ms | add req/s | add p50 ms | add p95 ms | add p95 / floor p95 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, _cuts, what in VARIANTS:
        rounds = results[name]
        floor = wb.combine([r["floor"] for r in rounds])
        add = wb.combine([r["add to basket"] for r in rounds])
        ratio = statistics.median(r["add to basket"]["p95_ms"] / r["floor"]["p95_ms"] for r in rounds)
        lines.append(
            f"| {name} | {what} | {floor['rps']:,.0f} | {floor['p95_ms']:.2f} | {add['rps']:,.0f} | "
            f"{add['p50_ms']:.2f} | {add['p95_ms']:.2f} | {ratio:.1f}× |"
        )
    lines += ["", "Budget (issue 14): adding to the basket under 3× the floor's p95."]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator even if wrk is here")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    wb.prepare(args.size)
    env = {**wb.catalogue_env(args.size), "PAGE_CACHE_SECONDS": "0"}
    wb.collectstatic(env)
    os.environ.update(wb.production_env(env))
    import django

    django.setup()
    from django.db import connection

    picked = wb.pick_pages()
    pages = [p for p in picked if p.name in ("floor", "add to basket")]
    product = next(p for p in picked if p.name.startswith("product"))  # where the shopper gets the CSRF token
    engine = connection.vendor
    connection.close()
    use_wrk = wb.have_wrk() and not args.python_load
    generator = wb.run_wrk if use_wrk else wb.run_python

    load_before = wb.loadavg()
    results = {name: [] for name, _c, _w in VARIANTS}
    failures = []
    for n in range(args.rounds):
        for name, cuts, _what in VARIANTS:
            out = run_variant(env, cuts, pages, product, args, generator)
            results[name].append(out)
            for page in pages:
                r = out[page.name]
                if not wb.answered_ok(page, r):
                    failures.append(f"{name}, {page.name}: {wb.status_codes(r)}")
            print(f"  round {n + 1}/{args.rounds} {name:<10} floor {out['floor']['rps']:7.0f} req/s p95 "
                  f"{out['floor']['p95_ms']:5.2f} ms | add {out['add to basket']['rps']:6.0f} req/s p95 "
                  f"{out['add to basket']['p95_ms']:6.2f} ms ({out['add to basket']['p95_ms'] / out['floor']['p95_ms']:.1f}×)"
                  f"  load {out['floor']['load']:.2f}", flush=True)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M %Z"), "engine": {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(engine, engine),
        "generator": "wrk" if use_wrk else "Python threads", "load": f"{load_before} → {wb.loadavg()}",
    }
    markdown = table(results, args, meta)
    print()
    print(markdown)
    path, _png = wb.write(args.size, markdown, name="add-bound")
    print(f"written: {path}")
    if failures:
        print("Pages that answered something else:\n  " + "\n  ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
