"""Benchmark: how fast `load_demo` writes products at scale.

    .venv/bin/python bench/demo_load.py [--products 20000]

Works on a throwaway SQLite database (or DATABASE_URL if set). Reports
products per second for `load_demo --products N` and, as the baseline measured
in the same run, for Django's `bulk_create` of the same number of bare Product
rows (no variants, stock, attributes, categories or pictures). The target is at
least 2,000 products per second.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=20000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="okoce-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["MEDIA_ROOT"] = f"{tmp}/media"
    os.environ["DJANGO_SETTINGS_MODULE"] = "storefront.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    print("migrating a fresh database…", flush=True)
    call_command("migrate", verbosity=0)

    start = time.perf_counter()
    call_command("load_demo", "--products", str(args.products), "--no-progress", stdout=open(os.devnull, "w"))
    loader_s = time.perf_counter() - start
    loaded = Product.objects.browsable().count()

    start = time.perf_counter()
    Product.objects.bulk_create(
        [Product(title=f"Baseline {i}", slug=f"baseline-{i}", upc=f"BASE-{i}") for i in range(loaded)], batch_size=2000
    )
    baseline_s = time.perf_counter() - start

    loader_rate, baseline_rate = loaded / loader_s, loaded / baseline_s
    print(f"load_demo:   {loaded} products in {loader_s:.1f}s = {loader_rate:,.0f} products/s (target ≥ 2,000)")
    print(f"bulk_create: {loaded} bare rows in {baseline_s:.1f}s = {baseline_rate:,.0f} rows/s (baseline)")
    print(f"ratio load_demo / bare bulk_create: {loader_rate / baseline_rate:.2f}")


if __name__ == "__main__":
    main()
