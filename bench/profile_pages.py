"""The benchmark's pages timed in-process, to find where a page's time goes (no server, no load).

    .venv/bin/python bench/profile_pages.py --size 1000                 # ms per page, as % of the floor
    .venv/bin/python bench/profile_pages.py --size 1000 --templates     # + own time per template
    .venv/bin/python bench/profile_pages.py --size 1000 --profile category   # + cProfile → bench/results/
    .venv/bin/python bench/profile_pages.py --size 1000 --pages "add to basket,basket" --queries  # + their SQL
    BENCH_SEARCH_BACKEND=elasticsearch ELASTICSEARCH_URL=http://127.0.0.1:19200 \
        .venv/bin/python bench/profile_pages.py --size 20000      # listings from Elasticsearch

Each GET page of `make bench` (same catalogue, same production settings, page cache off) is called
through the WSGI application itself, with no test client instrumentation, after a warm-up, `-n`
times. "add to basket" is a new shopper's first add each time, as `bench/web.py` sends it: the
product page is fetched for the CSRF cookie and token (not timed), then only the POST is timed; it
writes a basket to the catalogue's database (point BENCH_WEB_DIR at a copy of a shared catalogue).
"basket" is the page of one shopper whose basket holds one line. The "% of the floor" is an
in-process estimate only: under gunicorn each request also pays
for HTTP parsing and the load generator; `make bench` gives the real figures.
"""

import argparse
import collections
import cProfile
import io
import os
import pstats
import re
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

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
    parser.add_argument("--queries", action="store_true", help="print the SQL of one request per page")
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

    def call(path, cookie="", method="GET", form=b"", answer=None):
        url = urlsplit(path)
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": url.path, "QUERY_STRING": url.query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_COOKIE": cookie, "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(form),
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        if form:
            environ.update(CONTENT_TYPE="application/x-www-form-urlencoded", CONTENT_LENGTH=str(len(form)))
        answer = {} if answer is None else answer

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers

        body = b"".join(application(environ, start_response))
        return answer["status"], body

    product_path = next(p.path for p in pages if p.name.startswith("product"))

    def new_shopper(page):
        """What a new shopper's first add sends, as bench/web.py's ``shopper``: the product page's CSRF
        cookie and the form's token (``call`` arguments for the POST, with no basket or session cookie)."""
        answer = {}
        _, body = call(product_path, answer=answer)
        jar = SimpleCookie()
        for name, value in answer["headers"]:
            if name.lower() == "set-cookie":
                jar.load(value)
        csrf = jar["csrftoken"].value
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        token = match.group(1).decode() if match else csrf
        return {"path": page.path, "cookie": f"csrftoken={csrf}", "method": "POST",
                "form": urlencode({**page.data, "csrfmiddlewaretoken": token}).encode()}

    def arguments(page):
        """``call`` arguments for one request to ``page`` (a fresh shopper for each add)."""
        if page.method == "POST":
            return new_shopper(page)
        return {"path": page.path, "cookie": basket_cookie if page.name == "basket" else ""}

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
        if wanted and page.name not in wanted:
            continue
        if page.name == "basket" and not basket_cookie:
            # A shopper whose basket holds one line: the cookies of one add, as bench/web.py's shopper.
            add = next(p for p in pages if p.name == "add to basket")
            request = new_shopper(add)
            answer = {}
            call(**request, answer=answer)
            jar = SimpleCookie(request["cookie"])
            for name, value in answer["headers"]:
                if name.lower() == "set-cookie":
                    jar.load(value)
            basket_cookie = "; ".join(f"{k}={v.value}" for k, v in jar.items())
        for _ in range(3):
            status, body = call(**arguments(page))
        if args.queries:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            request = arguments(page)
            with CaptureQueriesContext(connection) as ctx:
                call(**request)
            print(f"{page.name}: {len(ctx.captured_queries)} queries")
            for number, query in enumerate(ctx.captured_queries, 1):
                print(f"  {number:3d} {query['time']:>6s} {query['sql'][:400]}")
        requests = [arguments(page) for _ in range(args.n)]  # the add's product pages are not timed
        own.clear()
        started = time.perf_counter()
        for request in requests:
            call(**request)
        spent[page.name] = (time.perf_counter() - started) / args.n * 1000
        print(f"{page.name:26s} {spent[page.name]:7.2f} ms  {status}  {len(body) // 1024} KB  {page.path}", flush=True)
        for name, seconds in sorted(own.items(), key=lambda kv: -kv[1])[:12] if args.templates else []:
            print(f"    {seconds / args.n * 1000:6.2f} ms  {name}")
        if args.profile == page.name:
            requests = [arguments(page) for _ in range(args.n)]
            profiler = cProfile.Profile()
            profiler.enable()
            for request in requests:
                call(**request)
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
            elif name in ("add to basket", "basket"):
                print(f"  {name:26s} {ms / floor:5.1f} × the in-process floor (budget under gunicorn: p95 < 3 ×)")


if __name__ == "__main__":
    main()
