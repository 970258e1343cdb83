"""Hostile inputs from the adversarial review: each is a clear 400/404 or a form message, never a 500.

On PostgreSQL a string holding NUL cannot even be compared, so before the
control-character middleware every one of these was a server error there.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from oscar.core.loading import get_model

from tests.factories import PartnerFactory, ProductClassFactory, ProductFactory, make_user, place_order

pytestmark = pytest.mark.django_db

ProductAttribute = get_model("catalogue", "ProductAttribute")
Product = get_model("catalogue", "Product")

NUL = "\x00"

NUL_QUERIES = [
    ("/catalogue/", "q"), ("/catalogue/", "kecamatan"), ("/catalogue/", "jenis"), ("/search/", "q"),
    ("/search/", "kecamatan"), ("/kecamatan/", "q"), ("/cerita/", "kecamatan"), ("/cerita/", "kategori"),
]
NUL_PATHS = [
    "/checkout/bayar/{nul}/", "/checkout/terima-kasih/{nul}/", "/accounts/orders/{nul}/",
    "/penjual/pesanan/{nul}/", "/penjual/undangan/{nul}/", "/staf/pesanan/{nul}/",
    "/toko/a{nul}b/", "/kecamatan/a{nul}/",
]


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(make_user("staf@okoce.test", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("path,param", NUL_QUERIES)
def test_nul_in_a_query_parameter_is_a_translated_400(client, path, param):
    response = client.get(path, {param: f"sepatu{NUL}kulit"})
    assert response.status_code == 400
    assert "Kami tidak dapat membaca permintaan Anda" in response.content.decode()


def test_the_400_page_speaks_english_to_who_chose_it(client):
    client.cookies["django_language"] = "en"
    response = client.get("/search/", {"q": NUL})
    assert response.status_code == 400
    assert "We could not read your request" in response.content.decode()


@pytest.mark.parametrize("template", NUL_PATHS)
def test_nul_in_a_path_segment_is_a_400(staff_client, template):
    assert staff_client.get(template.format(nul="%00")).status_code == 400


def test_nul_in_staff_search_and_settlement_reference_is_a_400(staff_client):
    partner = PartnerFactory(name="Usaha Ref")
    assert staff_client.get("/staf/pesanan/", {"q": f"1{NUL}"}).status_code == 400
    assert staff_client.get("/staf/anggota/", {"q": f"a{NUL}"}).status_code == 400
    response = staff_client.post(f"/staf/saldo/{partner.pk}/2026-11/", {"reference": f"BCA{NUL}1"})
    assert response.status_code == 400


def test_a_nul_in_the_session_cookie_is_ignored_not_a_500(client):
    client.cookies["sessionid"] = f"abcdefgh{NUL}ijkl"
    assert client.get("/catalogue/").status_code == 200


def test_textarea_newlines_and_tabs_still_pass(client):
    assert client.get("/search/", {"q": "tas\tanyaman\r\n"}).status_code == 200


@pytest.fixture
def food_seller():
    seller = make_user("makan@usaha.test")
    partner = PartnerFactory(name="Dapur Enak")
    partner.users.add(seller)
    pclass = ProductClassFactory(name="Makanan kemasan", slug="makanan-kemasan")
    for code, name, kind in [("berat_bersih", "Berat bersih (gram)", "integer"), ("sertifikat_halal", "Halal", "text"),
                             ("nomor_pirt", "Nomor P-IRT", "text"), ("nomor_bpom", "Nomor BPOM MD", "text")]:
        ProductAttribute.objects.create(product_class=pclass, name=name, code=code, type=kind)
    client = Client()
    client.force_login(seller)
    return client


@pytest.mark.parametrize("value", ["99999999999999999999", "-5", "2147483648"])
def test_out_of_range_food_weight_is_a_form_message(food_seller, value):
    response = food_seller.post("/penjual/produk/baru/makanan-kemasan/", {
        "title": "Keripik", "description": "Renyah", "price": "15000", "stock": "5",
        "attr_berat_bersih": value, "attr_nomor_pirt": "123456789012345",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "attr_berat_bersih" in errors, errors
    assert not Product.objects.filter(title="Keripik").exists()


def test_another_orders_line_id_is_a_404(client):
    shopper, other = make_user("a@contoh.test"), make_user("b@contoh.test")
    product = ProductFactory(title="Tas", stock__price=Decimal("50000"))
    mine, theirs = place_order(shopper, [(product, 1)]), place_order(other, [(product, 1)])
    client.force_login(shopper)
    own = client.get(f"/accounts/orders/{mine.number}/{mine.lines.get().pk}/")
    assert (own.status_code, own["Location"]) == (302, f"/accounts/orders/{mine.number}/")
    response = client.get(f"/accounts/orders/{mine.number}/{theirs.lines.get().pk}/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


@pytest.mark.parametrize("total", ["99999999999", "abc", "-1", "1001"])
def test_tampered_basket_management_form_is_not_a_500(client, total):
    product = ProductFactory(title="Tas", stock__price=Decimal("50000"))
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    response = client.post("/basket/", {
        "form-TOTAL_FORMS": total, "form-INITIAL_FORMS": total, "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000", "form-0-quantity": "2",
    })
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("path,field", [("/accounts/login/", "login-username"), ("/cms/login/", "username"),
                                        ("/_util/login/", "username")])
def test_a_huge_username_is_a_wrong_login_not_a_500(client, path, field):
    password_field = "login-password" if field.startswith("login-") else "password"
    response = client.post(path, {field: "x" * 5000, password_field: "salah", "login_submit": "1"})
    assert response.status_code in (200, 302, 400)
