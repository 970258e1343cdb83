"""The demo catalogue the search benchmarks run on, loaded once per size and kept.

    from searchbench import setup
    info = setup(size=100000)   # before importing any Django model

Each size gets its own SQLite database under $BENCH_DIR (default
/tmp/okbench/<size>/bench.sqlite3), or DATABASE_URL if set (e.g. a
PostgreSQL database named okoce_bench). The first run migrates and runs
``load_demo --products SIZE`` (SEARCH_BACKEND=database, so the load writes
only the database engine's search text) and records how long that took in
``load.json`` beside the database; later runs reuse it.
"""

import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def businesses_for(size):
    """As many member businesses as a real programme of that size would have: ~500 products each, 46 at least."""
    return max(46, size // 500)


def bench_dir(size):
    return Path(os.environ.get("BENCH_DIR", "/tmp/okbench")) / str(size)


def index_marker(size):
    """Which bench-products index search_index.py --keep left for the catalogue of ``size`` products."""
    return bench_dir(size) / "es-index.json"


def setup(size, backend="database", prefix="bench-"):
    """Point Django at the benchmark database for ``size`` products, set it up, load the demo if needed."""
    base = bench_dir(size)
    base.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{base}/bench.sqlite3")
    # Migrating SQLite from nothing takes about two minutes: start from a migrated empty copy when there is one.
    template = base.parent / "migrated.sqlite3"
    if os.environ["DATABASE_URL"] == f"sqlite:///{base}/bench.sqlite3" and not (base / "bench.sqlite3").exists():
        if template.exists():
            shutil.copyfile(template, base / "bench.sqlite3")
    os.environ["VAR_DIR"] = str(base)
    os.environ["MEDIA_ROOT"] = str(base / "media")
    os.environ["SEARCH_BACKEND"] = backend
    os.environ["ELASTICSEARCH_INDEX_PREFIX"] = prefix
    os.environ.setdefault("ELASTICSEARCH_URL", "http://127.0.0.1:19200")
    os.environ["DJANGO_SETTINGS_MODULE"] = "storefront.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from oscar.core.loading import get_model

    # A benchmark reads the whole catalogue: don't keep every SQL statement in memory (DEBUG does).
    connection.force_debug_cursor = False
    settings.DEBUG = False

    Product = get_model("catalogue", "Product")
    engine = connection.vendor
    marker = base / f"load-{engine}.json"
    info = json.loads(marker.read_text()) if marker.exists() else None
    if info is None or info.get("products", 0) < size:
        print(f"preparing the {size:,}-product demo catalogue on {engine} ({os.environ['DATABASE_URL']})…", flush=True)
        start = time.perf_counter()
        if engine == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")  # only while migrating: a crash just means migrating again
        call_command("migrate", verbosity=0)
        migrate_s = time.perf_counter() - start
        if engine == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cursor.execute("PRAGMA synchronous=FULL")
            if not template.exists() and os.environ["DATABASE_URL"].endswith(f"{base}/bench.sqlite3"):
                shutil.copyfile(base / "bench.sqlite3", template)
        was = settings.SEARCH_BACKEND
        settings.SEARCH_BACKEND = "database"  # the benchmarks time the Elasticsearch rebuild themselves
        start = time.perf_counter()
        call_command(
            "load_demo", "--products", str(size), "--businesses", str(businesses_for(size)), "--no-progress",
            stdout=open(os.devnull, "w"),
        )
        load_s = time.perf_counter() - start
        settings.SEARCH_BACKEND = was
        info = {
            "products": Product.objects.browsable().count(),
            "engine": engine,
            "migrate_s": round(migrate_s, 1),
            "load_demo_s": round(load_s, 1),
        }
        marker.write_text(json.dumps(info))
        print(
            f"  migrate {migrate_s:.0f}s, load_demo --products {size} (incl. database search text) {load_s:.0f}s "
            f"= {info['products'] / load_s:,.0f} products/s",
            flush=True,
        )
    info["engine"] = engine
    return info


def write_results(name, size, markdown):
    """Print ``markdown`` and keep it in bench/results/<name>-<size>-<timestamp>.md (gitignored)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{size}-{time.strftime('%Y%m%d-%H%M%S')}.md"
    path.write_text(markdown)
    print(markdown)
    print(f"(written to {path.relative_to(ROOT)})")
    return path
