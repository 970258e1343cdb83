"""The shopper, seller and editor journeys of `make prodlike`, over HTTP against gunicorn.

Run by scripts/prodlike.sh with the stack's environment. Every step is a request a browser would make
(sessions, CSRF tokens from the pages, `X-Forwarded-Proto: https` as nginx sends it); the database is only
read to choose what to buy and to learn which order numbers are someone else's. Stripe's "payment succeeded"
comes as a webhook signed with the stack's secret, exactly as Stripe sends it (stripe-mock never pays).
Exit status 1 on the first failed check, with what was expected.
"""

import argparse
import hashlib
import hmac
import json
import os
import re
import sys
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storefront.settings")
import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from tests.htmlforms import form_values  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--base", required=True, help="the shop's address, e.g. http://127.0.0.1:8130")
parser.add_argument("--worker-mail", required=True, type=Path, help="the Celery worker's EMAIL_FILE_PATH")
parser.add_argument("--web-mail", required=True, type=Path, help="the web processes' EMAIL_FILE_PATH")
args = parser.parse_args()
BASE, WORKER_MAIL, WEB_MAIL = args.base, args.worker_mail, args.web_mail
WEBHOOK_SECRET = settings.STRIPE_WEBHOOK_SECRET
PASSWORDS = {"pembeli@okoce-mart.example": "okoce-pembeli-2026", "penjual@okoce-mart.example": "okoce-penjual-2026",
             "lead@okoce-mart.example": "okoce-lead-2026"}
STARTED = time.monotonic()


class Failed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failed(message)


def say(message):
    print(f"[prodlike]    {time.monotonic() - STARTED:6.1f} s  {message}", file=sys.stderr, flush=True)


# The shop sets Secure cookies (production) and nginx would speak HTTPS to the browser; here this client talks
# plain HTTP to gunicorn on the loopback, so it sends Secure cookies anyway (requests copies the session's jar
# into a jar with the default policy on every request, so the policy itself is changed, in this process only).
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


class Browser:
    def __init__(self):
        self.s = requests.Session()
        self.s.headers.update({"X-Forwarded-Proto": "https", "User-Agent": "okoce-prodlike"})

    def get(self, path, expect=200, **kw):
        r = self.s.get(BASE + path, timeout=60, allow_redirects=False, **kw)
        check(r.status_code == expect, f"GET {path}: {r.status_code}, expected {expect}")
        return r

    def post(self, path, data, expect=(302,), **kw):
        headers = {"X-CSRFToken": self.s.cookies.get("csrftoken", ""), "Referer": "https://" + BASE.split("://")[1] + path}
        r = self.s.post(BASE + path, data=data, headers=headers, allow_redirects=False, timeout=60, **kw)
        check(r.status_code in expect, f"POST {path}: {r.status_code}, expected {expect}: {text(r)[:600]}")
        return r

    def sign_in(self, email, login_path="/accounts/login/"):
        page = self.get(login_path).text
        if login_path.startswith("/cms/"):
            data = {**form_values(page, login_path, BASE), "username": email, "password": PASSWORDS[email]}
        else:
            data = {"login-username": email, "login-password": PASSWORDS[email], "login_submit": "1"}
        self.post(login_path, data)


def text(response):
    return re.sub(r"\s+", " ", response.text.replace("\xa0", " "))


def eventually(what, probe, seconds=15):
    """Replica lag and cache invalidation take a moment; the answer must come within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        if probe():
            return
        if time.monotonic() > deadline:
            raise Failed(f"{what}: not seen within {seconds} s")
        time.sleep(0.3)


def replica_transactions():
    """Transactions the replica has run for other sessions than this one."""
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
        count = cursor.fetchone()[0]
    connections["replica"].close()  # its own transactions are counted when it ends: never, now
    return count


# --- what to buy: one of the demo seller's products with stock ---------------------------------------------
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")
PaymentAttempt = get_model("payments", "PaymentAttempt")

business = Partner.objects.get(users__email="penjual@okoce-mart.example")
record = (StockRecord.objects.filter(partner=business, num_in_stock__gte=5, product__is_public=True)
          .select_related("product", "product__parent").order_by("pk").first()
          or StockRecord.objects.filter(partner=business, num_in_stock__gte=5, product__parent__is_public=True)
          .select_related("product", "product__parent").order_by("pk").first())
check(record is not None, f"the demo business {business.name} has no product in stock")
product = record.product.parent or record.product
product_url = product.get_absolute_url()
title = product.title
connections.close_all()


def shopper_journey():
    say(f"shopper: browses {business.kecamatan.name}, searches, buys '{title}' from {business.name}")
    before = replica_transactions()
    shopper = Browser()  # browses before signing in: a POST keeps a visitor's pages on the primary for a while
    kecamatan = text(shopper.get(f"/kecamatan/{business.kecamatan.slug}/"))
    check(business.kecamatan.name in kecamatan and "product-card" in shopper.s.get(BASE + f"/kecamatan/{business.kecamatan.slug}/").text,
          f"the kecamatan page of {business.kecamatan.name} lists no product")
    words = " ".join(title.split()[:2])
    found = text(shopper.get("/search/", params={"q": words}))
    check(title in found, f"searching '{words}' does not find '{title}'")
    page = text(shopper.get(product_url))
    check(title in page, "the product page does not show its title")
    # (A server's statistics reach pg_stat_database within about 10 s.)
    eventually("transactions of the catalogue pages on the read replica", lambda: replica_transactions() > before + 3)
    say(f"shopper: catalogue pages read from the replica ({replica_transactions() - before} transactions there)")
    shopper.sign_in("pembeli@okoce-mart.example")

    data = {"quantity": 1}
    if record.product.parent_id:
        data["child_id"] = record.product.pk
    shopper.post(f"/basket/add/{product.pk}/", data)
    check(title in text(shopper.get("/basket/")), "the basket does not hold the product")
    shopper.get("/checkout/")
    response = shopper.post("/checkout/", {
        "email": "pembeli@okoce-mart.example", "delivery": "kirim", "name": "Sinta Pembeli", "phone": "0812 3456 7001",
        "line1": "Jl. Kemang Raya 12", "rt_rw": "003/005", "kelurahan": "Bangka", "kecamatan": str(business.kecamatan.pk),
        "kota": "Jakarta Selatan", "provinsi": "DKI Jakarta", "postcode": "12730", "gateway": "stripe"})
    match = re.search(r"/checkout/bayar/([^/]+)/", response.headers.get("Location", ""))
    check(match, f"checkout did not go to payment: {response.headers.get('Location')}")
    number = match.group(1)
    payment = shopper.get(match.group(0)).text
    check("pk_test_123" in payment and "_secret_" in payment, "the payment page has no Stripe Payment Element")
    attempt = PaymentAttempt.objects.get(order_number=number)
    connections.close_all()
    check(attempt.reference.startswith("pi_"), "no PaymentIntent was created on stripe-mock")
    say(f"shopper: order {number}, PaymentIntent {attempt.reference} on stripe-mock; Stripe's webhook says it succeeded")
    body = json.dumps({"id": f"evt_prodlike_{number}", "object": "event", "type": "payment_intent.succeeded",
                       "data": {"object": {"id": attempt.reference, "object": "payment_intent",
                                           "amount": int(attempt.amount * 100), "amount_received": int(attempt.amount * 100),
                                           "currency": "idr", "latest_charge": "ch_3MmlLrLkdIwHu7ix0snN0B15"}}})
    stamp = int(time.time())
    signature = hmac.new(WEBHOOK_SECRET.encode(), f"{stamp}.{body}".encode(), hashlib.sha256).hexdigest()
    hook = requests.post(BASE + "/stripe/webhook/", data=body, timeout=60, headers={
        "Content-Type": "application/json", "Stripe-Signature": f"t={stamp},v1={signature}", "X-Forwarded-Proto": "https"})
    check(hook.status_code == 200, f"the webhook was refused: {hook.status_code}")
    back = shopper.get(f"/checkout/bayar/{number}/status/", expect=302)
    check(f"/checkout/terima-kasih/{number}/" in back.headers["Location"], "the shopper was not sent to the thank-you page")
    check(number in text(shopper.get(f"/checkout/terima-kasih/{number}/")), "the thank-you page does not name the order")
    check(number in text(shopper.get("/accounts/orders/")), "the order is not in the shopper's orders")
    say(f"shopper: order {number} paid and listed under 'My orders'")
    return number


def worker_sent_the_email(number):
    def delivered():
        return any(number in p.read_text(errors="replace") for p in WORKER_MAIL.glob("*.log"))

    eventually(f"the order confirmation of {number} written by the Celery worker", delivered, seconds=60)
    check(not any(number in p.read_text(errors="replace") for p in WEB_MAIL.glob("*.log")),
          "the order email was sent by the web process, not by the worker")
    say(f"worker: the confirmation of {number} was sent by the Celery worker ({WORKER_MAIL.name}/)")


def seller_journey(number):
    say(f"seller: {business.name} changes the price and stock of '{title}'")
    seller = Browser()
    seller.sign_in("penjual@okoce-mart.example")
    products = seller.get("/penjual/produk/").text
    check(f'name="price-{record.pk}"' in products, "the seller's product list has no price field for the product")
    new_price = 123500
    seller.post("/penjual/produk/stok/", {f"price-{record.pk}": str(new_price), f"stock-{record.pk}": "17"}, expect=(200, 302))
    shown = f"Rp {new_price:,}".replace(",", ".")
    check(shown in text(seller.get(product_url)), f"the seller does not see {shown} on the public page right after saving")
    shopper = Browser()
    eventually(f"{shown} on the public page for a shopper", lambda: shown in text(shopper.get(product_url)))
    say(f"seller: {shown} on the public page, for the seller at once and for shoppers")

    orders = text(seller.get("/penjual/pesanan/"))
    check(number in orders, f"the seller's orders do not list {number}")
    others = list(Order.objects.exclude(lines__partner=business).values_list("number", flat=True))
    connections.close_all()
    shown_others = [n for n in others if re.search(rf"\b{re.escape(n)}\b", orders)]
    check(not shown_others, f"the seller sees other businesses' orders: {shown_others[:5]}")
    if others:
        seller.get(f"/penjual/pesanan/{others[0]}/", expect=404)
    say(f"seller: sees {number}, none of the {len(others)} orders of other businesses (one of them is a 404)")


def editor_journey():
    from cms.models import StoryIndexPage

    index = StoryIndexPage.objects.live().first()
    connections.close_all()
    story_title = f"Kisah {business.name} dari {business.kecamatan.name}"
    say(f"editor: the marketing lead publishes '{story_title}' about {business.name}")
    lead = Browser()
    lead.sign_in("lead@okoce-mart.example", "/cms/login/")
    add = f"/cms/pages/add/cms/founderstorypage/{index.pk}/"
    data = form_values(lead.get(add).text, add, BASE)
    data.update({"title": story_title, "slug": f"kisah-prodlike-{int(time.time())}", "founder_name": business.founder_name,
                 "business": str(business.pk), "intro": f"Dari {business.kecamatan.name}, produk buatan tangan.",
                 "body-count": "0", "action-publish": "action-publish"})
    lead.post(add, data)
    story_path = "/cerita/" + data["slug"] + "/"
    check(story_title in text(lead.get(story_path)), "the lead does not see the published story on its page")
    shopper = Browser()  # reads the replica: the story arrives there a moment later

    def shown(path):
        response = shopper.s.get(BASE + path, timeout=60, allow_redirects=False)
        return response.status_code == 200 and story_title in text(response)

    eventually("the story on its page for a shopper", lambda: shown(story_path))
    eventually("the story on the product page", lambda: shown(product_url))
    say(f"editor: the story is live at {story_path} and shown on the product page of '{title}'")


try:
    number = shopper_journey()
    worker_sent_the_email(number)
    seller_journey(number)
    editor_journey()
except Failed as exc:
    say(f"FAILED: {exc}")
    sys.exit(1)
say("all journeys passed")
