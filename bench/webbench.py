"""The pieces of bench/web.py: catalogue, pages, query counts, server, load generators, table and chart.

Kept apart from the command line so tests/integration/test_bench_harness.py can run
them in-process on a tiny catalogue. Nothing here imports Django at module level:
``prepare()`` runs ``manage.py`` in subprocesses, and the functions that need the
ORM (``pick_pages``, ``query_counts``) expect Django to be set up by the caller.
"""

import dataclasses
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
FLOOR_PATH = "/__floor__"
SEARCH_WORD = "kerudung"


def businesses_for(size):
    """As the search benchmarks: ~500 products per member business, 46 at least (the demo's default)."""
    return max(46, size // 500)


def bench_dir(size):
    return Path(os.environ.get("BENCH_WEB_DIR", "/tmp/okbench-web")) / str(size)


def catalogue_env(size):
    """Environment pointing manage.py, gunicorn and Django at the catalogue of ``size`` products."""
    base = bench_dir(size)
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{base}/bench.sqlite3"
    return {
        "DATABASE_URL": url,
        "VAR_DIR": str(base),
        "MEDIA_ROOT": str(base / "media"),
        # One collectstatic for every size.
        "STATIC_ROOT": str(base.parent / "static"),
        "SEARCH_BACKEND": os.environ.get("BENCH_SEARCH_BACKEND", "database"),
        # BENCH_SEARCH_BACKEND=elasticsearch: listings, facets and search from the node at ELASTICSEARCH_URL
        # (production's engine), in an index of this size's own, built once (ensure_index).
        "ELASTICSEARCH_INDEX_PREFIX": f"bench-web-{size}-",
    }


def ensure_index(env, size, log=print):
    """With SEARCH_BACKEND=elasticsearch, build this catalogue's index once (kept for the next run, like
    the database; a marker file beside the database says it was built and its alias must exist)."""
    if env.get("SEARCH_BACKEND") != "elasticsearch":
        return
    full = {**os.environ, **env, "ELASTICSEARCH_TIMEOUT": "60"}
    marker = bench_dir(size) / f"es-index-{env['ELASTICSEARCH_INDEX_PREFIX']}built"
    probe = "from search.backends.elasticsearch import get_index; i=get_index(); print(i.exists()); i.ensure()"
    out = subprocess.run([PYTHON, "manage.py", "shell", "-c", probe], cwd=ROOT, env=full, check=True,
                         capture_output=True, text=True).stdout.split()
    if marker.exists() and out and out[-1] == "True":
        log(f"Elasticsearch index {env['ELASTICSEARCH_INDEX_PREFIX']}products: kept ({marker})")
        return
    log(f"Elasticsearch index {env['ELASTICSEARCH_INDEX_PREFIX']}products: building (once per size)…")
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", "search_index", "--rebuild"], cwd=ROOT, env=full, check=True)
    marker.write_text(f"built in {time.perf_counter() - started:.0f} s\n")


def production_env(env):
    """What storefront/settings.py requires with DEBUG off, for a plain-HTTP run on the loopback."""
    env = dict(env)
    env.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
        DJANGO_SETTINGS_MODULE="storefront.settings",
    )
    return env


def _manage(env, *args, quiet=False):
    full = {**os.environ, **env}
    out = subprocess.DEVNULL if quiet else None
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=full, check=True, stdout=out)


def prepare(size, log=print):
    """Migrate and load the demo catalogue of ``size`` products once; later runs reuse it.

    On SQLite a migrated empty copy (``<BENCH_WEB_DIR>/migrated.sqlite3``) is kept: a new size
    starts from it and ``migrate`` only applies what is newer. Returns what the load took.
    """
    base = bench_dir(size)
    base.mkdir(parents=True, exist_ok=True)
    env = production_env(catalogue_env(size))
    url = env["DATABASE_URL"]
    sqlite = url.startswith("sqlite:")
    key = "sqlite" if sqlite else "db-" + hashlib.sha1(url.encode()).hexdigest()[:10]
    marker = base / f"load-{key}.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("size") == size:
            # A kept catalogue follows the code's schema (and its data migrations) before each run.
            _manage(env, "migrate", "--noinput", "-v", "0")
            return info
    template = base.parent / "migrated.sqlite3"
    db = base / "bench.sqlite3"
    if sqlite and not db.exists() and template.exists():
        shutil.copyfile(template, db)
    log(f"preparing the {size:,}-product demo catalogue ({url.split('@')[-1]})…")
    start = time.perf_counter()
    _manage(env, "migrate", "--noinput", "-v", "0")
    migrate_s = time.perf_counter() - start
    if sqlite and not template.exists():
        shutil.copyfile(db, template)
    start = time.perf_counter()
    _manage(
        env, "load_demo", "--products", str(size), "--businesses", str(businesses_for(size)), "--no-progress",
        quiet=True,
    )
    load_s = time.perf_counter() - start
    info = {"size": size, "database": url.split("@")[-1], "migrate_s": round(migrate_s, 1), "load_demo_s": round(load_s, 1)}
    marker.write_text(json.dumps(info))
    log(f"  migrate {migrate_s:.0f} s, load_demo --products {size} {load_s:.0f} s")
    return info


def collectstatic(env):
    _manage(production_env(env), "collectstatic", "--noinput", "-v", "0")


# --- Pages --------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Page:
    name: str
    path: str
    method: str = "GET"
    data: dict = dataclasses.field(default_factory=dict)
    # "basket": sent with the cookies of a shopper whose basket holds one product.
    cookies: str = ""
    expect: tuple = (200,)


def pick_pages():
    """The pages the issue names, chosen in the loaded catalogue (Django must be set up)."""
    from django.db.models import Count
    from oscar.core.loading import get_model

    Category = get_model("catalogue", "Category")
    ProductCategory = get_model("catalogue", "ProductCategory")
    Partner = get_model("partner", "Partner")
    StockRecord = get_model("partner", "StockRecord")
    from places.models import Kecamatan

    active = Partner.Status.ACTIVE
    # The category with the most products of its own: the busiest listing.
    top = ProductCategory.objects.values("category").annotate(n=Count("id")).order_by("-n", "category").first()
    category = Category.objects.get(pk=top["category"])
    # The kecamatan with the most member businesses.
    kec = (
        Partner.objects.filter(status=active, kecamatan__isnull=False)
        .values("kecamatan__slug").annotate(n=Count("id")).order_by("-n", "kecamatan__slug").first()
    )
    kecamatan = Kecamatan.objects.get(slug=kec["kecamatan__slug"])
    # For the search facet, a kecamatan whose makers sell what the search asks for.
    maker = (
        StockRecord.objects.filter(partner__status=active, product__title__icontains=SEARCH_WORD)
        .values("partner__kecamatan__slug").annotate(n=Count("id")).order_by("-n", "partner__kecamatan__slug").first()
    )
    facet = maker["partner__kecamatan__slug"] if maker else kecamatan.slug
    # A product with variants, and one of its variants in stock for the basket.
    child = (
        StockRecord.objects.filter(
            partner__status=active, num_in_stock__gt=5, product__parent__isnull=False, product__parent__is_public=True
        )
        .select_related("product__parent").order_by("product__parent_id", "product_id").first()
    )
    parent = child.product.parent
    return [
        Page("floor", FLOOR_PATH),
        Page("home", "/"),
        Page("category", category.get_absolute_url()),
        Page("kecamatan", kecamatan.get_absolute_url()),
        Page("product (variants)", parent.get_absolute_url()),
        Page("search + kecamatan facet", "/search/?" + urlencode({"q": SEARCH_WORD, "kecamatan": facet})),
        Page("add to basket", f"/basket/add/{child.product.pk}/", method="POST", data={"quantity": "1"}, expect=(302,)),
        Page("basket", "/basket/", cookies="basket"),
    ]


def first_facet_requests(pages, n=6):
    """Milliseconds of the first request for facet combinations nobody asked for yet: the busiest
    category page with each of ``n`` kecamatan (and with "in stock" too), in-process, each with a cache
    of its own so no earlier run's counts answer (the budget: < 300 ms at 100,000 products)."""
    import uuid

    from django.test import Client
    from django.test.utils import override_settings

    from places.models import Kecamatan

    category = next(p for p in pages if p.name == "category").path
    slugs = list(Kecamatan.objects.order_by("slug").values_list("slug", flat=True)[:n])
    times = []
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                               "LOCATION": uuid.uuid4().hex}}, PAGE_CACHE_SECONDS=0):
        client = Client()
        client.get(category)  # the process and its connections warm, as a running worker's are
        for slug in slugs:
            for extra in ("", "&stok=1"):
                path = f"{category}?kecamatan={slug}{extra}"
                started = time.perf_counter()
                status = client.get(path).status_code
                times.append((path, (time.perf_counter() - started) * 1000, status))
    return times


def query_counts(pages):
    """SQL queries per request, in-process (django.test.Client + CaptureQueriesContext, same database).

    For each page: the first request in this process (caches cold: facet counts, Oscar's attribute
    and category caches) and the second (warm, as a busy server's workers are). The add-to-basket
    POST is counted as a new shopper's (fresh client each time); the basket page with the basket it made.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    basket_client = None
    for page in pages:
        if page.name == "floor":
            counts[page.name] = {"cold": 0, "warm": 0, "status": 200}
            continue
        numbers = []
        for _ in range(2):
            if page.method == "POST":
                client = basket_client = Client(HTTP_HOST="127.0.0.1")
            else:
                client = basket_client if page.cookies and basket_client else Client(HTTP_HOST="127.0.0.1")
            with CaptureQueriesContext(connection) as ctx:
                if page.method == "POST":
                    response = client.post(page.path, page.data)
                else:
                    response = client.get(page.path)
            numbers.append(len(ctx.captured_queries))
            if page.method == "POST":
                client.get("/basket/")  # the page the add leads to shows its message (and drops the cookie)
        counts[page.name] = {"cold": numbers[0], "warm": numbers[1], "status": response.status_code}
    return counts


# --- The server ---------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, port, workers=2, threads=1, app="bench.floor_wsgi", log_path=None):
    """gunicorn with storefront/gunicorn.conf.py on 127.0.0.1:port; returns once /__floor__ answers."""
    full = {
        **os.environ,
        **production_env(env),
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_TIMEOUT": "120",
    }
    full.pop("GUNICORN_ACCESS_LOG", None)
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), app, "-c", "storefront/gunicorn.conf.py"],
        cwd=ROOT, env=full, stdout=out, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode} (log: {log_path})")
        try:
            if request(port, FLOOR_PATH)[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"gunicorn did not answer {FLOOR_PATH} within 60 s (log: {log_path})")


def stop_server(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def request(port, path, method="GET", body=None, headers=None, timeout=60):
    """One HTTP request without following redirects: (status, headers list, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def drain(port, limit=180):
    """Wait until the workers are idle: requests still queued when the load generator stopped
    (slow pages) would otherwise be served during the next page's measurement."""
    deadline = time.time() + limit
    while time.time() < deadline:
        t0 = time.perf_counter()
        try:
            request(port, FLOOR_PATH, timeout=limit)
        except OSError:
            time.sleep(0.2)
            continue
        if time.perf_counter() - t0 < 0.05:
            return


def _cookies(headers):
    jar = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {key: morsel.value for key, morsel in jar.items()}


def shopper(port, pages):
    """Over HTTP, as a browser would: the CSRF cookie and token from the product page, then one
    add to basket. Returns the headers the load generator sends for the POST and for the basket page."""
    product = next(p for p in pages if p.name.startswith("product"))
    add = next(p for p in pages if p.method == "POST")
    status, headers, body = request(port, product.path)
    if status != 200:
        raise RuntimeError(f"{product.path} answered {status}")
    csrf = _cookies(headers).get("csrftoken")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    token = match.group(1).decode() if match else csrf  # Django accepts the cookie's secret as the token too
    form = urlencode({**add.data, "csrfmiddlewaretoken": token})
    post_headers = {"Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"}
    status, headers, _ = request(port, add.path, "POST", form, post_headers)
    if status not in add.expect:
        raise RuntimeError(f"POST {add.path} answered {status}")
    jar = {"csrftoken": csrf, **_cookies(headers)}
    # The page the add redirects to shows the "added" message and drops its cookie, as a browser does.
    status, headers, _ = request(port, "/basket/", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
    if status != 200:
        raise RuntimeError(f"/basket/ answered {status}")
    jar = {k: v for k, v in {**jar, **_cookies(headers)}.items() if v}
    basket_cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    return {"post_body": form, "post_headers": post_headers, "basket_headers": {"Cookie": basket_cookie}}


def page_request(page, session):
    """(method, path, body, headers) for one page, given what ``shopper`` returned."""
    if page.method == "POST":
        return "POST", page.path, session["post_body"], session["post_headers"]
    return "GET", page.path, None, session["basket_headers"] if page.cookies else {}


# The pages the page cache serves (storefront/pagecache.py), measured again with it on: the anonymous
# pages, and the shopper's basket page asked again (adding to the basket beside it, for its budget in
# the shop's production configuration).
CACHED_PAGES = ("home", "category", "kecamatan", "product (variants)", "add to basket", "basket")
BASKET_PAGES = ("add to basket", "basket")
CACHED_SECONDS = 600  # longer than any run: only a change, never the clock, drops a page while measuring


def cache_status(port, path, headers=None):
    """What the page cache did for a GET of ``path`` (an anonymous visitor's, or with ``headers``):
    "hit", "miss" or "" (not cached)."""
    _status, headers, _body = request(port, path, headers=headers)
    return next((v for k, v in headers if k.lower() == "x-page-cache"), "")


def home_weight(port):
    """Bytes of the home page's first load as a browser with gzip gets them: the HTML, its
    stylesheets and scripts, and the images not marked ``loading="lazy"`` (above the fold)."""
    headers = {"Accept-Encoding": "gzip"}
    status, response_headers, body = request(port, "/", headers=headers)
    html = body.decode("utf-8", "replace")
    urls = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    urls += re.findall(r'<script[^>]+src="([^"]+)"', html)
    urls += [m.group(1) for m in re.finditer(r'<img[^>]+src="([^"]+)"[^>]*>', html) if 'loading="lazy"' not in m.group(0)]
    total = len(body)
    seen = set()
    for url in urls:
        if url in seen or not url.startswith("/"):
            continue
        seen.add(url)
        _status, _h, content = request(port, url, headers=headers)
        total += len(content)
    return {"html": len(body), "files": len(seen), "total": total}


# --- Load generators ----------------------------------------------------------------------------------------

WRK_SCRIPT = r"""
wrk.method = %(method)s
wrk.body = %(body)s
%(headers)s
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local parts = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do
      parts[code] = (parts[code] or 0) + n
    end
  end
  local codes = {}
  for code, n in pairs(parts) do table.insert(codes, string.format('"%%d": %%d', code, n)) end
  io.write(string.format('WRKJSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, ' ..
    '"errors": %%d, "statuses": {%%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(codes, ", ")))
end
"""


def _lua(value):
    return "nil" if value is None else json.dumps(value)


def have_wrk():
    return shutil.which("wrk") is not None


def run_wrk(port, method, path, body, headers, seconds, connections=4, threads=2):
    script = WRK_SCRIPT % {
        "method": _lua(method),
        "body": _lua(body),
        "headers": "\n".join(f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in headers.items()),
    }
    path_lua = Path(f"/tmp/okbench-web-{os.getpid()}.lua")
    path_lua.write_text(script)
    try:
        out = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--timeout", "60s",
             "-s", str(path_lua), f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, check=True,
        ).stdout
    finally:
        path_lua.unlink(missing_ok=True)
    line = next(l for l in out.splitlines() if l.startswith("WRKJSON "))
    raw = json.loads(line[len("WRKJSON "):])
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000, "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["errors"],
        "statuses": {int(k): v for k, v in raw["statuses"].items()},
    }


def percentile(values, q):
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run_python(port, method, path, body, headers, seconds, connections=4, **_):
    """The fallback when wrk is missing: ``connections`` threads, each one request at a time."""
    latencies, statuses, errors = [], {}, [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    payload = body.encode() if isinstance(body, str) else body

    def worker():
        mine, codes, errs = [], {}, 0
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                status = request(port, path, method, payload, headers)[0]
            except OSError:
                errs += 1
                continue
            mine.append(time.perf_counter() - t0)
            codes[status] = codes.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            errors[0] += errs
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    start = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    elapsed = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "errors": errors[0],
        "statuses": statuses,
    }


def combine(rounds):
    """Several rounds of one page: the median of each figure, requests and statuses summed."""
    statuses = {}
    for r in rounds:
        for code, n in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    out = {k: statistics.median(r[k] for r in rounds) for k in ("rps", "p50_ms", "p95_ms", "p99_ms")}
    out.update(
        requests=sum(r["requests"] for r in rounds), errors=sum(r["errors"] for r in rounds), statuses=statuses,
        load=statistics.median(r.get("load", 0) for r in rounds),
    )
    return out


def answered_ok(page, result):
    """Every response had the expected status (2xx, or the redirect after adding to the basket)."""
    return result["requests"] > 0 and not result["errors"] and set(result["statuses"]) <= set(page.expect)


# --- Results ------------------------------------------------------------------------------------------------


def status_codes(result):
    """The answers a page got, e.g. "200×172, 2 errors"."""
    codes = ", ".join(f"{code}×{n}" for code, n in sorted(result["statuses"].items()))
    return codes + (f", {result['errors']} errors" if result["errors"] else "")


def table(pages, results, counts, meta):
    """The markdown report: one row per page, ratios to the floor."""
    floor = results["floor"]
    lines = [
        f"# Web benchmark: {meta['size']:,} products",
        "",
        f"{meta['when']} · {meta['database']} · gunicorn {meta['workers']} sync workers on 127.0.0.1 · "
        f"{meta['generator']} ({meta['connections']} connections) · {meta['mode']} mode: "
        f"{meta['rounds']} round(s) × {meta['seconds']} s per page · search backend {meta['search_backend']} · "
        f"load average before {meta['load_before']}, after {meta['load_after']}",
        "",
        "| page | path | req/s | % of floor req/s | p50 ms | p95 ms | p99 ms | p95 / floor p95 | SQL/request (warm; cold) | status | load avg |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for page in pages:
        r = results[page.name]
        c = counts.get(page.name, {})
        codes = status_codes(r)
        lines.append(
            f"| {page.name} | `{page.method + ' ' if page.method != 'GET' else ''}{page.path}` | {r['rps']:,.1f} | "
            f"{100 * r['rps'] / floor['rps']:.1f} % | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['p95_ms'] / floor['p95_ms']:.1f}× | {c.get('warm', '–')}; {c.get('cold', '–')} | {codes} | {r['load']:.2f} |"
        )
    lines += ["", budget_lines(results)]
    if meta.get("home_weight"):
        w = meta["home_weight"]
        lines += [
            "",
            f"Home page first load: {w['total'] / 1024:,.0f} KB as sent (gzip where offered): HTML {w['html'] / 1024:,.0f} KB, "
            f"{w['files']} stylesheets, scripts and images above the fold {(w['total'] - w['html']) / 1024:,.0f} KB "
            f"(budget 500 KB).",
        ]
    lines += [
        "",
        "SQL/request: counted in-process with django.test.Client and CaptureQueriesContext on the same database; "
        "warm = the second request in the process (facet counts and Oscar's caches filled, as on a busy worker), "
        "cold = the first. Add to basket is a new shopper's first add (a new basket each request).",
    ]
    return "\n".join(lines) + "\n"


def budget_lines(results, label="Page cache off", names=BASKET_PAGES):
    """Issue 14's budget for adding to the basket and the basket page: p95 under 3× the floor's."""
    floor = results["floor"]["p95_ms"]
    parts = []
    for name in names:
        if name in results:
            ratio = results[name]["p95_ms"] / floor
            parts.append(f"{name} p95 {ratio:.1f}× the floor's ({'holds' if ratio < 3 else 'does not hold'})")
    return f"{label} p95 < 3× the floor's p95: " + "; ".join(parts) + "." if parts else ""


def cached_table(pages, results, counts, meta):
    """The second part of the report: the anonymous pages with the page cache on."""
    floor = results["floor"]
    lines = [
        "",
        f"## With the page cache (PAGE_CACHE_SECONDS={meta['cached_seconds']}), {meta['cached_connections']} connections",
        "",
        f"Anonymous visitors (no cookies); the same server settings, restarted with the page cache on; "
        f"load average before {meta['cached_load_before']}, after {meta['cached_load_after']}. "
        "Budget: ≥ 50 % of the floor's req/s and p99 < 150 ms; adding to the basket and the basket page "
        "(the shopper's basket page asked again, unchanged): p95 < 3× the floor's p95.",
        "",
        "| page | req/s | % of floor req/s | p50 ms | p95 ms | p99 ms | budget | X-Page-Cache | SQL/request (hit; miss) | status | load avg |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | --- | ---: |",
    ]
    for page in pages:
        r = results[page.name]
        c = counts.get(page.name, {})
        codes = status_codes(r)
        share = 100 * r["rps"] / floor["rps"]
        if page.name == "floor":
            verdict = ""
        elif page.name == "add to basket":
            verdict = "a POST: see the table above"
        elif page.name in BASKET_PAGES:
            ratio = r["p95_ms"] / floor["p95_ms"]
            verdict = f"p95 {ratio:.1f}× the floor's: {'holds' if ratio < 3 else 'does not hold'}"
        else:
            verdict = "holds" if share >= 50 and r["p99_ms"] < 150 else "does not hold"
        lines.append(
            f"| {page.name} | {r['rps']:,.1f} | {share:.1f} % | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{verdict} | {meta['cache_status'].get(page.name, '')} | {c.get('warm', '–')}; {c.get('cold', '–')} | "
            f"{codes} | {r['load']:.2f} |"
        )
    lines += ["", budget_lines(results, "With the page cache (production's default), budget", ("basket",))]
    return "\n".join(lines) + "\n"


def chart(pages, results, path, title, cached=None):
    """A PNG: req/s as % of the floor, and p50/p95 latency, per page; with ``cached`` ({name: result},
    its own "floor" included), the page-cache figures beside the uncached ones."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [p.name for p in pages if p.name != "floor"]
    floor = results["floor"]
    pct = [100 * results[n]["rps"] / floor["rps"] for n in names]
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8))
    y = range(len(names))
    if cached:
        cfloor = cached["floor"]
        cpct = [100 * cached[n]["rps"] / cfloor["rps"] if n in cached else 0 for n in names]
        left.barh([i - 0.2 for i in y], pct, height=0.4, color="#2b7a78", label="uncached")
        left.barh([i + 0.2 for i in y], cpct, height=0.4, color="#f2a541", label="page cache (anonymous)")
        for i, v in enumerate(cpct):
            if v:
                left.text(v, i + 0.2, f" {v:.1f} %", va="center", fontsize=7)
        left.axvline(50, color="#c0392b", linestyle=":", label="cached budget 50 %")
        left.legend(fontsize=7)
        left.set_yticks(list(y), names)
    else:
        left.barh(names, pct, color="#2b7a78")
    left.invert_yaxis()
    left.set_xlabel("requests/s, % of the bare Django view (floor)")
    for i, v in enumerate(pct):
        left.text(v, i - (0.2 if cached else 0), f" {v:.1f} %", va="center", fontsize=7 if cached else 8)
    right.barh([i - 0.2 for i in y], [results[n]["p50_ms"] for n in names], height=0.4, label="uncached p50" if cached else "p50", color="#3aafa9")
    right.barh([i + 0.2 for i in y], [results[n]["p95_ms"] for n in names], height=0.4, label="uncached p95" if cached else "p95", color="#def2f1",
               edgecolor="#17252a")
    right.axvline(floor["p95_ms"], color="#c0392b", linestyle="--", label=f"floor p95 {floor['p95_ms']:.1f} ms")
    if cached:
        marks = [(i, cached[n]["p99_ms"]) for i, n in enumerate(names) if n in cached]
        right.scatter([m[1] for m in marks], [m[0] for m in marks], marker="D", color="#f2a541", edgecolor="#17252a",
                      zorder=3, label="page cache p99")
        right.axvline(150, color="#f2a541", linestyle=":", label="cached p99 budget 150 ms")
        right.set_xscale("log")  # cached hits (tens of ms) and uncached pages (seconds) on one axis
    right.set_yticks(list(y), [""] * len(names))
    right.invert_yaxis()
    right.set_xlabel("latency, ms")
    right.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(size, markdown, png_writer=None, name="web"):
    """bench/results/<name>-<size>-<timestamp>.md (+ .png); returns the paths."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"{name}-{size}-{time.strftime('%Y%m%d-%H%M%S')}"
    md = stem.with_suffix(".md")
    md.write_text(markdown)
    png = None
    if png_writer:
        png = stem.with_suffix(".png")
        png_writer(png)
    return md, png


def loadavg():
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())
