"""The budget "first request for a new facet combination < 300 ms" alone, in-process, on the database engine.

    env -u DATABASE_URL -u REDIS_URL -u SEARCH_BACKEND BENCH_WEB_DIR=/tmp/okbench-facets \
        .venv/bin/python bench/first_facets.py --size 100000 [--rounds 1] [--facets]

Runs ``webbench.first_facet_requests`` (the busiest category page with 6 kecamatan, with and without
"in stock": 12 combinations, each with a fresh local-memory cache) against the kept catalogue of
``--size`` products (``webbench.prepare`` migrates it first), and prints the median and max ms of the
12 requests with the load average. ``--facets`` also times each facet count of ``search.facets.Facets``
alone on the same listing, to show where a first request's time goes. Prints only; asserts nothing.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import webbench as wb  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=int(os.environ.get("SIZE", 1000)))
    parser.add_argument("--rounds", type=int, default=1, help="times to run the 12 requests (each with new caches)")
    parser.add_argument("--facets", action="store_true", help="also time each facet count alone")
    args = parser.parse_args()
    wb.prepare(args.size)
    env = {**wb.catalogue_env(args.size), "PAGE_CACHE_SECONDS": "0"}
    os.environ.update(wb.production_env(env))
    import django

    django.setup()
    pages = wb.pick_pages()
    for n in range(args.rounds):
        load = os.getloadavg()
        times = wb.first_facet_requests(pages)
        ms = [t for _path, t, _status in times]
        bad = [(p, s) for p, _t, s in times if s != 200]
        print(
            f"size {args.size:,} round {n + 1}: median {statistics.median(ms):.0f} ms, max {max(ms):.0f} ms, "
            f"min {min(ms):.0f} ms over {len(ms)} requests; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
            + (f"; NOT 200: {bad}" if bad else "")
        )
    if args.facets:
        time_facets(pages)


def time_facets(pages):
    import re

    from django.http import QueryDict
    from oscar.core.loading import get_model

    from places.models import Kecamatan
    from search.backends.database import DatabaseBackend
    from search.facets import Facets

    Category = get_model("catalogue", "Category")
    path = next(p for p in pages if p.name == "category").path
    category = Category.objects.get(pk=int(re.search(r"_(\d+)/?$", path).group(1)))
    base = DatabaseBackend().products(category=category)
    slug = Kecamatan.objects.order_by("slug").values_list("slug", flat=True).first()
    for query in (f"kecamatan={slug}", f"kecamatan={slug}&stok=1"):
        facets = Facets(QueryDict(query))
        parts = []
        for name in ("kecamatan", "categories", "product_types", "prices", "stock", "halal"):
            started = time.perf_counter()
            getattr(facets, name)(base)
            parts.append(f"{name} {(time.perf_counter() - started) * 1000:.0f}")
        print(f"  {path}?{query}: " + ", ".join(parts) + " ms")


if __name__ == "__main__":
    main()
