"""Fuzz every public and seller-centre form and query parameter: no input makes a 500.

Targets come from the URLconf (every pattern outside the staff tools is walked,
with real ids filled in), and each page's form fields from its own HTML, so a new
URL or field is fuzzed without touching this file. Values mix Hypothesis' text
with known-hostile strings: NUL and other control characters, emoji, right-to-left
overrides, huge and odd numbers, very long strings.

Bounded for CI (FUZZ_EXAMPLES, default 300, plus one pass of the hostile
constants over every target); `make soak` raises it. Each request runs in a
rolled-back transaction so one input does not change the next one's page.
"""

import os
import re
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from oscar.core.loading import get_model

from consignment.models import MartOperator
from consignment.services import deliver
from places.models import Mart
from tests.factories import PartnerFactory, ProductClassFactory, ProductFactory, kecamatan, make_user, place_order
from tests.report import report

pytestmark = pytest.mark.django_db

ProductAttribute = get_model("catalogue", "ProductAttribute")
MemberInvitation = get_model("partner", "MemberInvitation")
FoodCompliance = get_model("partner", "FoodCompliance")

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
# Staff tools from libraries (their own forms, their own tests), static files, and
# the Stripe webhook (signed JSON, tested with the payments) are not walked.
SKIP_PREFIXES = ("django-admin/", "cms/", "dashboard/", "documents/", "media/", "static/", "stripe/", "jsi18n/")
SKIP_PATHS = {"/accounts/logout/"}
# Query parameters the listings read, besides the fields their own forms show.
QUERY_PARAMS = ["q", "kecamatan", "jenis", "kategori", "harga", "stok", "halal", "page", "sort_by", "bulan", "format", "status"]

HOSTILE = [
    "\x00", "a\x00b", "\x01\x1f\x7f", "💩🛍️👠", "\u202etxt.exe\u202c", "مرحبا بالعالم", "שלום",
    "9" * 40, "-1", "-99999999999999999999", "2147483648", "1e309", "NaN", "-inf", "0x1F", "１２３", "٣",
    "2026-13-45", "9999-99", "%00", "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --",
    "x" * 5000, "", " ",
]
hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60), st.integers().map(str),
                         st.floats(allow_nan=True, allow_infinity=True).map(str))


class FormFields(HTMLParser):
    """Forms on a page: [(method, action, [field names])]."""

    def __init__(self):
        super().__init__()
        self.forms, self.loose = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([(attrs.get("method") or "get").lower(), attrs.get("action") or "", set()])
        elif tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            if attrs["name"] == "csrfmiddlewaretoken":
                return
            (self.forms[-1][2] if self.forms else self.loose).add(attrs["name"])

    def handle_endtag(self, tag):
        pass


def url_paths(patterns=None, prefix=""):
    """(path template with {name} holes, converter names) for every route in the URLconf."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # Wagtail's page catch-all (regex): its pages are added by hand
        route = prefix + str(entry.pattern)
        if route.startswith(SKIP_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from url_paths(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def fill(route, ids):
    def value(match):
        converter, name = match.group(1) or "str", match.group(2)
        return str(ids.get(name, 1 if converter == "int" else "x"))

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def role_for(path):
    if path.startswith("/staf/"):
        return "staff"
    if path.startswith("/kelola-mart/"):
        return "operator"
    if path.startswith("/penjual/") and not path.startswith(("/penjual/daftar/", "/penjual/undangan/")):
        return "seller"
    if path.startswith(("/accounts/", "/penjual/")) and not path.startswith(("/accounts/login/", "/accounts/register/")):
        return "shopper"
    return "anonymous"


@pytest.fixture
def world():
    seller, shopper = make_user("penjual@usaha.test"), make_user("pembeli@contoh.test")
    staff = make_user("staf@okoce.test", is_staff=True, is_superuser=True)
    partner = PartnerFactory(name="Dapur Fuzz")
    partner.users.add(seller)
    food = ProductClassFactory(name="Makanan Kemasan", slug="makanan-kemasan")
    for code, name, kind in [("berat_bersih", "Berat bersih (gram)", "integer"), ("sertifikat_halal", "Halal", "text"),
                             ("nomor_pirt", "Nomor P-IRT", "text"), ("nomor_bpom", "Nomor BPOM MD", "text")]:
        ProductAttribute.objects.create(product_class=food, name=name, code=code, type=kind)
    product = ProductFactory(title="Keripik Fuzz", product_class=food, stock__partner=partner, stock__price=Decimal("15000"))
    compliance = FoodCompliance.objects.create(product=product, halal_expiry=timezone.localdate() + timedelta(days=90))
    order = place_order(shopper, [(product, 1)])
    invite = MemberInvitation.objects.create(partner=partner, email="baru@usaha.test")
    ids = {"pk": product.pk, "product_pk": product.pk, "class_slug": "makanan-kemasan", "slug": partner.code,
           "number": order.number, "order_number": order.number, "line_id": order.lines.get().pk,
           "user_pk": seller.pk, "token": invite.token, "month": timezone.localdate().strftime("%Y-%m")}
    ids["partner_slug"] = partner.code
    # A Mart operator (consignment) with one product on the shelf.
    operator = make_user("operator@mart.test")
    mart = Mart.objects.create(name="Mart Fuzz", slug="mart-fuzz", kecamatan=kecamatan("tebet"), address="Jl. Fuzz 1", lat=0, lon=0)
    MartOperator.objects.create(user=operator, mart=mart)
    shelf = deliver(mart, product.stockrecords.get(), 5, Decimal("0.8"), Decimal("15000"), operator)
    clients = {"anonymous": Client()}
    for role, user in {"seller": seller, "shopper": shopper, "staff": staff, "operator": operator}.items():
        clients[role] = Client()
        clients[role].force_login(user)
    clients["anonymous"].post(f"/basket/add/{product.pk}/", {"quantity": 1})

    targets = []  # (role, method, path, field names)
    paths = {fill(route, ids) for route in url_paths()} | {"/", "/cerita/"}
    # The staff statement takes a partner pk, not a product pk.
    paths = {p.replace(f"/staf/saldo/{product.pk}/", f"/staf/saldo/{partner.pk}/") for p in paths}
    paths = {p.replace(f"/kelola-mart/rak/{product.pk}/", f"/kelola-mart/rak/{shelf.pk}/") for p in paths}
    paths.add(f"/kelola-mart/terima/?pembuat={partner.pk}")  # the delivery form's second step
    paths.add(f"/staf/anggota/{partner.pk}/")
    paths.add(f"/staf/sertifikat/{compliance.pk}/")
    for path in sorted(paths - SKIP_PATHS):
        role = role_for(path)
        with transaction.atomic():
            response = clients[role].get(path)
            transaction.set_rollback(True)
        assert response.status_code < 500, f"GET {path} as {role}: {response.status_code}"
        query = set(QUERY_PARAMS)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser = FormFields()
            parser.feed(response.content.decode(errors="replace"))
            for method, action, fields in parser.forms:
                if action.startswith(("http", "//")):
                    continue
                target = action.split("?")[0] or path
                if method == "post":
                    targets.append((role, "post", target, sorted(fields | parser.loose)))
                else:
                    query |= fields
        targets.append((role, "get", path, sorted(query)))
    return clients, sorted(set((r, m, p, tuple(f)) for r, m, p, f in targets))


def send(clients, role, method, path, data, seen):
    with transaction.atomic():
        client = clients[role]
        response = client.post(path, data) if method == "post" else client.get(path, data)
        transaction.set_rollback(True)
    seen["requests"] += 1
    seen[f"{response.status_code // 100}xx"] += 1
    assert response.status_code < 500, f"{method.upper()} {path} as {role} with {data!r}: {response.status_code}"
    return response


def test_no_input_makes_a_500(world):
    clients, targets = world
    seen = Counter()
    assert len(targets) > 40, targets  # the URLconf walk found the shop, checkout, account and seller pages
    assert any(path.startswith("/penjual/produk/baru/") and method == "post" for _, method, path, _ in targets)

    # Every hostile constant in every field of every target, once.
    for role, method, path, fields in targets:
        for value in HOSTILE:
            send(clients, role, method, path, {name: value for name in fields}, seen)
            seen["inputs"] += max(len(fields), 1)

    # Then Hypothesis mixes them, field by field.
    @hsettings(max_examples=EXAMPLES, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.data())
    def fuzz(data):
        role, method, path, fields = data.draw(st.sampled_from(targets))
        values = {name: data.draw(hostile_text) for name in fields}
        send(clients, role, method, path, values, seen)
        seen["inputs"] += max(len(values), 1)

    fuzz()
    report("fuzz", targets=len(targets), requests=seen["requests"], inputs_tried=seen["inputs"],
           responses_4xx=seen["4xx"], responses_5xx=seen["5xx"])
