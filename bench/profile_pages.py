"""The benchmark's pages timed in-process, to find where a page's time goes (no server, no load).

    .venv/bin/python bench/profile_pages.py --size 1000                 # ms per page, as % of the floor
    .venv/bin/python bench/profile_pages.py --size 1000 --templates     # + own time per template
    .venv/bin/python bench/profile_pages.py --size 1000 --profile category   # + cProfile → bench/results/
    BENCH_SEARCH_BACKEND=elasticsearch ELASTICSEARCH_URL=http://127.0.0.1:19200 \
        .venv/bin/python bench/profile_pages.py --size 20000      # listings from Elasticsearch

Each GET page of `make bench` (same catalogue, same production settings, page cache off) is called
through the WSGI application itself, with no test client instrumentation, after a warm-up, `-n`
times. The "% of the floor" is an in-process estimate only: under gunicorn each request also pays
for HTTP parsing and the load generator; `make bench` gives the real figures.
"""

import argparse
import collections
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import webbench as wb  # noqa: E402

BUDGET = {"home": 15, "category": 8, "kecamatan": 8, "product (variants)": 10, "search + kecamatan facet": 5}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=int(os.environ.get("SIZE", 1000)))
    parser.add_argument("-n", type=int, default=40, help="requests per page after the warm-up")
    parser.add_argument("--pages", help="comma-separated page names (default: all GET pages)")
    parser.add_argument("--templates", action="store_true", help="own time per template (children excluded)")
    parser.add_argument("--profile", metavar="PAGE", help="cProfile this page; writes bench/results/<page>.prof")
    args = parser.parse_args()
    wb.prepare(args.size)
    env = {**wb.catalogue_env(args.size), "PAGE_CACHE_SECONDS": "0"}
    wb.ensure_index(env, args.size)  # BENCH_SEARCH_BACKEND=elasticsearch: the catalogue's own index, built once
    os.environ.update(wb.production_env(env))
    import django

    django.setup()
    from floor_wsgi import application

    pages = wb.pick_pages()
    basket_cookie = ""

    def call(path, cookie=""):
        url = urlsplit(path)
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": url.path, "QUERY_STRING": url.query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_COOKIE": cookie, "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = status

        body = b"".join(application(environ, start_response))
        return answer["status"], body

    own = collections.defaultdict(float)
    if args.templates:
        from django.template import base

        stack, render = [], base.Template._render

        def timed(self, context):
            started = time.perf_counter()
            stack.append(0.0)
            try:
                return render(self, context)
            finally:
                spent, children = time.perf_counter() - started, stack.pop()
                own[self.origin.template_name] += spent - children
                if stack:
                    stack[-1] += spent

        base.Template._render = timed

    wanted = set(args.pages.split(",")) if args.pages else None
    if wanted:
        wanted.add("floor")
    spent = {}
    for page in pages:
        if page.method != "GET" or (wanted and page.name not in wanted):
            continue
        cookie = ""
        if page.name == "basket":
            if not basket_cookie:
                from django.test import Client

                add = next(p for p in pages if p.name == "add to basket")
                client = Client()
                client.post(add.path, add.data)
                basket_cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
            cookie = basket_cookie
        for _ in range(3):
            status, body = call(page.path, cookie)
        own.clear()
        started = time.perf_counter()
        for _ in range(args.n):
            call(page.path, cookie)
        spent[page.name] = (time.perf_counter() - started) / args.n * 1000
        print(f"{page.name:26s} {spent[page.name]:7.2f} ms  {status}  {len(body) // 1024} KB  {page.path}", flush=True)
        for name, seconds in sorted(own.items(), key=lambda kv: -kv[1])[:12] if args.templates else []:
            print(f"    {seconds / args.n * 1000:6.2f} ms  {name}")
        if args.profile == page.name:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                call(page.path, cookie)
            profiler.disable()
            out = ROOT / "bench" / "results" / f"{page.name.split()[0]}.prof"
            out.parent.mkdir(exist_ok=True)
            profiler.dump_stats(out)
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(45)
            print(text.getvalue())
            print(f"(profile written to {out.relative_to(ROOT)})")
    floor = spent.get("floor")
    if floor:
        for name, ms in spent.items():
            if name in BUDGET:
                print(f"  {name:26s} {100 * floor / ms:5.1f} % of the in-process floor (budget under gunicorn: "
                      f"{BUDGET[name]} %)")


if __name__ == "__main__":
    main()
