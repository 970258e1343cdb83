"""Who may do what in the seller centre, the back office and Oscar's dashboard.

Every seller-centre, back-office and Mart-counter URL is walked with GET and POST as anonymous, a shopper,
seller A (who owns the objects in the URLs), seller B, a suspended seller, a
Wagtail editor, programme staff and the operators of Mart A (whose shelf is in the URLs) and Mart B; the set of roles that get through must be
exactly the one written here. POSTs carry the forms' real field names but
tampered ids (B posting to A's objects), each inside a rolled-back transaction
so one request's effect does not change the next one's answer.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import get_resolver
from django.utils import timezone
from oscar.core.loading import get_model

from backoffice import urls as backoffice_urls
from promotions.models import Promotion
from promotions.services import save_promotion
from jobs.models import Job
from consignment import urls as consignment_urls
from consignment.models import MartOperator
from consignment.services import deliver
from seller import urls as seller_urls
from places.models import Mart
from tests.factories import PartnerFactory, ProductFactory, kecamatan, make_user, place_order

pytestmark = pytest.mark.django_db

MemberInvitation = get_model("partner", "MemberInvitation")
FoodCompliance = get_model("partner", "FoodCompliance")
ProductReview = get_model("reviews", "ProductReview")

ROLES = ["anonymous", "shopper", "seller_a", "seller_b", "suspended", "editor", "staff", "operator_a", "operator_b"]
LOGGED_IN = set(ROLES) - {"anonymous"}
SELLERS = {"seller_a", "seller_b"}
A = {"seller_a"}
STAFF = {"staff"}
OPERATORS = {"operator_a", "operator_b"}
OPERATOR_A = {"operator_a"}
NOBODY = set()


def promotions_of(partner):
    """A's own promotion and a programme campaign with A in it (maker-promos)."""
    now = timezone.now()
    own = save_promotion(Promotion(partner=partner, title="Diskon A", value=10, starts=now, ends=now + timedelta(days=3)))
    campaign = save_promotion(Promotion(title="Hari UMKM", slug="hari-umkm", value=5, starts=now, ends=now + timedelta(days=3)))
    campaign.makers.add(partner)
    return own, campaign


@pytest.fixture
def world():
    users = {
        "shopper": make_user("pembeli@contoh.test"),
        "seller_a": make_user("a@usaha.test"),
        "seller_b": make_user("b@usaha.test"),
        "suspended": make_user("s@usaha.test"),
        "editor": make_user("editor@okoce.test"),
        # Programme staff as the demo creates them (Oscar 4's dashboard also checks model permissions).
        "staff": make_user("staf@okoce.test", is_staff=True, is_superuser=True),
        # Mart operators (consignment): one Mart each.
        "operator_a": make_user("operator.a@mart.test"),
        "operator_b": make_user("operator.b@mart.test"),
    }
    users["editor"].groups.add(Group.objects.get(name="Editors"))
    users["editor"].user_permissions.add(Permission.objects.get(codename="access_admin"))
    partner_a = PartnerFactory(name="Usaha A")
    partner_a.users.add(users["seller_a"])
    colleague = make_user("rekan.a@usaha.test")
    partner_a.users.add(colleague)
    PartnerFactory(name="Usaha B").users.add(users["seller_b"])
    PartnerFactory(name="Usaha S", status="suspended").users.add(users["suspended"])
    product = ProductFactory(title="Produk A", stock__partner=partner_a)
    compliance = FoodCompliance.objects.create(product=product, halal_expiry=timezone.localdate() + timedelta(days=90))
    order = place_order(users["shopper"], [(product, 1)])
    line = order.lines.get()
    review = ProductReview.objects.create(product=product, line=line, user=users["shopper"], score=4, body="Rapi dan kuat.")
    invite = MemberInvitation.objects.create(partner=partner_a, email="baru@usaha.test")
    promotion, campaign = promotions_of(partner_a)
    failed_task = Job.objects.create(task="jobs.mail.send_email", args=["s", "b", ["x@contoh.test"]], state=Job.State.FAILED,
                                     attempts=3, last_error="SMTPServerDisconnected")
    marts = [Mart.objects.create(name=f"Mart {x}", slug=f"mart-{x}", kecamatan=kecamatan("tebet"), address="Jl. Tebet 1",
                                 lat=0, lon=0) for x in "ab"]
    for role, mart in zip(["operator_a", "operator_b"], marts):
        MartOperator.objects.create(user=users[role], mart=mart)
    shelf = deliver(marts[0], product.stockrecords.get(), 5, "0.8", 25000, users["operator_a"])
    ids = {"product": product.pk, "order": order.number, "line": line.pk, "colleague": colleague.pk,
           "partner": partner_a.pk, "compliance": compliance.pk, "token": invite.token,
           "stockrecord": product.stockrecords.get().pk, "promotion": promotion.pk, "campaign": campaign.pk,
           "review": review.pk, "failed_task": failed_task.pk, "shelf": shelf.pk}
    return users, ids


# url name -> (path template, roles allowed to GET, roles allowed to POST, POST data template)
# The seller centre (seller:, /penjual/).
MATRIX = {
    "home": ("/penjual/", LOGGED_IN, NOBODY, {}),
    "apply": ("/penjual/daftar/", LOGGED_IN, LOGGED_IN, {"name": ""}),
    "profile": ("/penjual/profil/", SELLERS, SELLERS, {"name": ""}),
    "products": ("/penjual/produk/", SELLERS, NOBODY, {}),
    "product-type": ("/penjual/produk/baru/", SELLERS, NOBODY, {}),
    "product-create": ("/penjual/produk/baru/kerajinan/", SELLERS, SELLERS, {"title": ""}),
    "product-edit": ("/penjual/produk/{product}/", A, A, {"title": ""}),
    "product-publish": ("/penjual/produk/{product}/tayang/", NOBODY, A, {}),
    "product-delete": ("/penjual/produk/{product}/hapus/", A, A, {}),
    # Inline price and stock: every record posted must be the seller's own (B posting A's is a 404).
    "product-stock": ("/penjual/produk/stok/", NOBODY, A, {"stock-{stockrecord}": "7", "price-{stockrecord}": "150000"}),
    "promotions": ("/penjual/promosi/", SELLERS, NOBODY, {}),
    "promotion-create": ("/penjual/promosi/baru/", SELLERS, SELLERS, {"title": ""}),
    "promotion-edit": ("/penjual/promosi/{promotion}/", A, A, {"title": ""}),
    "promotion-end": ("/penjual/promosi/{promotion}/akhiri/", NOBODY, A, {}),
    "orders": ("/penjual/pesanan/", SELLERS, NOBODY, {}),
    "order-detail": ("/penjual/pesanan/{order}/", A, A, {"line": "{line}", "line{line}-status": "packed"}),
    "balance": ("/penjual/saldo/", SELLERS, NOBODY, {}),
    "statement": ("/penjual/saldo/2026-11/", SELLERS, NOBODY, {}),
    # B replying to A's review is a 404, like a review that does not exist.
    "reviews": ("/penjual/ulasan/", SELLERS, A, {"review": "{review}", "r{review}-reply": "Terima kasih!"}),
    "consignment": ("/penjual/konsinyasi/", SELLERS, NOBODY, {}),
    "team": ("/penjual/tim/", SELLERS, SELLERS, {"email": "x"}),
    "team-remove": ("/penjual/tim/{colleague}/hapus/", NOBODY, A, {}),
    # Anyone signed in may read an invitation; only the invited address may accept it.
    "invitation": ("/penjual/undangan/{token}/", LOGGED_IN, NOBODY, {}),
}

# The programme back office (backoffice:, /staf/).
BACKOFFICE_MATRIX = {
    "home": ("/staf/", STAFF, NOBODY, {}),
    "members": ("/staf/anggota/", STAFF, NOBODY, {}),
    "member": ("/staf/anggota/{partner}/", STAFF, STAFF, {"action": "suspend", "reason": "x"}),
    "moderation": ("/staf/moderasi/", STAFF, NOBODY, {}),
    "moderation-decide": ("/staf/moderasi/{product}/", NOBODY, STAFF, {"action": "approve"}),
    "compliance": ("/staf/sertifikat/", STAFF, NOBODY, {}),
    "compliance-decide": ("/staf/sertifikat/{compliance}/", NOBODY, STAFF, {"action": "approve"}),
    "changes": ("/staf/riwayat/", STAFF, NOBODY, {}),
    "balances": ("/staf/saldo/", STAFF, NOBODY, {}),
    "statement": ("/staf/saldo/{partner}/2026-11/", STAFF, STAFF, {"reference": "BCA-1"}),
    "orders": ("/staf/pesanan/", STAFF, NOBODY, {}),
    "order": ("/staf/pesanan/{order}/", STAFF, STAFF, {"action": "refund", "confirm": "1", "refund-{line}": "1"}),
    "synonyms": ("/staf/sinonim/", STAFF, STAFF, {"groups": "kerudung, hijab"}),
    "campaigns": ("/staf/kampanye/", STAFF, NOBODY, {}),
    "campaign-create": ("/staf/kampanye/baru/", STAFF, STAFF, {"title": ""}),
    "campaign-edit": ("/staf/kampanye/{campaign}/", STAFF, STAFF, {"title": ""}),
    "campaign-end": ("/staf/kampanye/{campaign}/akhiri/", NOBODY, STAFF, {}),
    "impact": ("/staf/dampak/", STAFF, NOBODY, {}),
    "impact-csv": ("/staf/dampak/csv/", STAFF, NOBODY, {}),
    "reviews": ("/staf/ulasan/", STAFF, NOBODY, {}),
    "review-hide": ("/staf/ulasan/{review}/", NOBODY, STAFF, {"action": "hide", "reason": "Menyebut pesaing"}),
    "tasks": ("/staf/tugas/", STAFF, NOBODY, {}),
    "task-retry": ("/staf/tugas/{failed_task}/ulang/", NOBODY, STAFF, {}),
}

# The Mart counter (consignment:, /kelola-mart/): a Mart's operator, for their own Mart only
# (staff assign operators but do not run a counter). A delivery always lands on the poster's own Mart.
CONSIGNMENT_MATRIX = {
    "home": ("/kelola-mart/", OPERATORS, NOBODY, {}),
    "delivery": ("/kelola-mart/terima/", OPERATORS, OPERATORS,
                 {"pembuat": "{partner}", "stockrecord": "{stockrecord}", "quantity": "1", "share": "80"}),
    "shelf-item": ("/kelola-mart/rak/{shelf}/", OPERATOR_A, OPERATOR_A, {"action": "sell", "sell-quantity": "1"}),
    "handover": ("/kelola-mart/serahkan/", NOBODY, OPERATORS, {"number": "{order}"}),
}

# Oscar's dashboard is for programme staff only: sellers work in the seller centre.
DASHBOARD = [
    "/dashboard/", "/dashboard/catalogue/", "/dashboard/catalogue/stock-alerts/", "/dashboard/orders/",
    "/dashboard/partners/", "/dashboard/users/", "/dashboard/reports/", "/dashboard/offers/",
]


def outcome(response):
    if response.status_code in (301, 302) and "login/" in response.get("Location", ""):
        return "login"
    return "ok" if response.status_code < 400 else "denied"


def allowed(client, users, method, path, data):
    got = set()
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        with transaction.atomic():
            response = getattr(client, method)(path, data) if method == "post" else client.get(path)
            transaction.set_rollback(True)
        result = outcome(response)
        if role == "anonymous":
            assert result == "login", f"{method.upper()} {path}: anonymous should be sent to log in, got {response.status_code}"
        if result == "ok":
            got.add(role)
    return got


def test_every_seller_centre_url_is_in_the_matrix():
    names = {pattern.name for pattern in seller_urls.urlpatterns}
    assert names == set(MATRIX)


def test_every_back_office_url_is_in_the_matrix():
    names = {pattern.name for pattern in backoffice_urls.urlpatterns}
    assert names == set(BACKOFFICE_MATRIX)


def test_every_mart_counter_url_is_in_the_matrix():
    assert {pattern.name for pattern in consignment_urls.urlpatterns} == set(CONSIGNMENT_MATRIX)


def check_row(client, world, row):
    users, ids = world
    template, get_roles, post_roles, data = row
    path = template.format(**ids)
    data = {k.format(**ids): v.format(**ids) for k, v in data.items()}
    assert allowed(client, users, "get", path, {}) == get_roles, f"GET {path}"
    assert allowed(client, users, "post", path, data) == post_roles, f"POST {path}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_seller_centre_permissions(client, world, name):
    check_row(client, world, MATRIX[name])


@pytest.mark.parametrize("name", sorted(BACKOFFICE_MATRIX))
def test_back_office_permissions(client, world, name):
    check_row(client, world, BACKOFFICE_MATRIX[name])


@pytest.mark.parametrize("name", sorted(CONSIGNMENT_MATRIX))
def test_mart_counter_permissions(client, world, name):
    check_row(client, world, CONSIGNMENT_MATRIX[name])


def test_an_operator_learns_nothing_of_another_marts_shelf_from_status_codes(client, world):
    users, ids = world
    client.force_login(users["operator_b"])
    assert client.get(f"/kelola-mart/rak/{ids['shelf']}/").status_code == client.get("/kelola-mart/rak/999999/").status_code == 404


def test_oscar_dashboard_is_for_staff_only(client, world):
    users, _ = world
    for path in DASHBOARD:
        assert get_resolver().resolve(path)
        assert allowed(client, users, "get", path, {}) == STAFF, path


def test_seller_b_learns_nothing_of_seller_a_from_status_codes(client, world):
    """B gets the same answer for A's objects as for ids that do not exist."""
    users, ids = world
    client.force_login(users["seller_b"])
    for real, missing in [(f"/penjual/produk/{ids['product']}/", "/penjual/produk/999999/"),
                          (f"/penjual/pesanan/{ids['order']}/", "/penjual/pesanan/999999/"),
                          (f"/penjual/promosi/{ids['promotion']}/", "/penjual/promosi/999999/")]:
        assert client.get(real).status_code == client.get(missing).status_code == 404


# Search's own pages: suggestions and "Dekat saya" are public (anyone may ask for them, no login);
# staff edit the synonym list in the back office (above).
SEARCH_PUBLIC = {
    "search:suggest": ("get", "/search/saran/?q=pr", {}),
    "search:near": ("post", "/search/dekat-saya/", {"kecamatan": "tebet", "next": "/"}),
}


def test_every_search_url_is_in_the_matrix():
    _prefix, search_urls = get_resolver().namespace_dict["search"]
    names = {f"search:{pattern.name}" for pattern in search_urls.url_patterns if pattern.name}
    assert names == {"search:search"} | set(SEARCH_PUBLIC)


@pytest.mark.parametrize("name", sorted(SEARCH_PUBLIC))
def test_search_public_urls_need_no_login(client, name):
    method, path, data = SEARCH_PUBLIC[name]
    response = getattr(client, method)(path, data) if method == "post" else client.get(path)
    assert response.status_code in (200, 302) and "login" not in response.get("Location", "")


def test_old_staff_addresses_redirect_permanently_to_the_back_office(client, world):
    users, ids = world
    client.force_login(users["staff"])
    for old, new in [("/penjual/staf/anggota/?status=active", "/staf/anggota/?status=active"),
                     (f"/penjual/staf/pesanan/{ids['order']}/", f"/staf/pesanan/{ids['order']}/"),
                     ("/penjual/staf/", "/staf/"),
                     ("/search/staf/sinonim/", "/staf/sinonim/")]:
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == new, old
        assert client.get(new).status_code == 200, new
