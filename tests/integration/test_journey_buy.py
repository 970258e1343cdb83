"""A shopper's way to buying (issue #12): the seller's category list, the buy box, one shipping rule from
the product page to the payment page, Mart pickup without stray address parts, saved addresses at
checkout, and the product page's structured data."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from payments.models import PaymentAttempt
from tests.factories import PartnerFactory, ProductFactory, kecamatan, make_user, parent_with_variants
from tests.integration.test_checkout import delivery, fill_basket, shop, test_payments  # noqa: F401 (fixtures)
from tests.integration.test_seller_centre import seller, shoe_post, staff, sepatu, makanan  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
UserAddress = get_model("address", "UserAddress")
Country = get_model("address", "Country")
StockRecord = get_model("partner", "StockRecord")


def text(response):
    return response.content.decode().replace("\xa0", " ")


def squash(html):
    """The page's text with tags dropped and spaces collapsed, as a shopper reads it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.replace("\xa0", " ")))


def choose_kecamatan(client, slug, next_url="/"):
    return client.post(reverse("search:near"), {"kecamatan": slug, "next": next_url, "purpose": "shipping"})


# --- the seller's "Kategori" list ---------------------------------------------------------------
@pytest.fixture
def categories(sepatu, makanan):
    shoes = create_from_breadcrumbs("Sepatu")
    shoes.product_classes.add(sepatu)
    food = create_from_breadcrumbs("Makanan")
    food.product_classes.add(makanan)
    rendang = create_from_breadcrumbs("Makanan > Rendang")
    crafts = create_from_breadcrumbs("Kerajinan")  # names no type: fits every type
    return {"sepatu": shoes, "makanan": food, "rendang": rendang, "kerajinan": crafts}


def category_options(page):
    select = re.search(r'<select name="category"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_category_list_offers_what_fits_the_product_type(client, seller, categories):
    client.force_login(seller)
    shoe_options = category_options(text(client.get("/penjual/produk/baru/sepatu/")))
    assert "Sepatu" in shoe_options and "Kerajinan" in shoe_options
    assert not [o for o in shoe_options if "Makanan" in o or "Rendang" in o]
    food_options = category_options(text(client.get("/penjual/produk/baru/makanan-kemasan/")))
    assert "Makanan › Rendang" in food_options and "Makanan" in food_options and "Sepatu" not in food_options


def test_a_new_shoe_in_sepatu_shows_its_category_to_staff_and_lands_on_the_category_page(client, seller, staff, categories):
    client.force_login(seller)
    response = client.post("/penjual/produk/baru/sepatu/", shoe_post(category=categories["sepatu"].pk))
    assert response.status_code == 302, response.context and response.context["form"].errors
    product = Product.objects.get(title="Sepatu Kanvas Ani")
    client.force_login(staff)
    review = squash(text(client.get("/staf/moderasi/")))
    assert "Sepatu Kanvas Ani" in review and "Kategori: Sepatu" in review
    client.post(f"/staf/moderasi/{product.pk}/", {"action": "approve"})
    client.logout()
    assert "Sepatu Kanvas Ani" in text(client.get(categories["sepatu"].get_absolute_url()))


def test_a_category_outside_the_type_is_refused(client, seller, categories):
    client.force_login(seller)
    response = client.post("/penjual/produk/baru/sepatu/", shoe_post(category=categories["rendang"].pk))
    assert response.status_code == 200 and "category" in response.context["form"].errors
    assert not Product.objects.filter(title="Sepatu Kanvas Ani").exists()


# --- Mart pickup keeps the contact and the Mart only --------------------------------------------
def test_a_pickup_after_a_delivery_checkout_stores_no_stray_address(client, shop, test_payments):
    fill_basket(client, (shop["snack"], 1))
    # A first try with delivery, cancelled on the payment page (the form is kept in the session)...
    client.post("/checkout/", delivery("uji"))
    client.post(f"/checkout/bayar/{PaymentAttempt.objects.get().order_number}/batal/")
    page = text(client.get("/checkout/"))
    assert 'value="003/005"' in page  # prefilled, hidden once "pickup" is chosen
    # ...then pickup, with the browser still sending those hidden fields.
    response = client.post("/checkout/", delivery("mart", delivery="ambil", mart=shop["mart"].pk))
    assert response.status_code == 302, response.context and response.context["form"].errors
    order = Order.objects.get()
    address = order.shipping_address
    assert (address.first_name, str(address.phone_number)) == ("Dewi Lestari", "+6281234567001")
    assert address.line1 == "Jl. Tebet Raya 5" and address.kecamatan.slug == "tebet"
    assert (address.rt_rw, address.kelurahan, address.postcode, address.kecamatan_name) == ("", "", "", "")
    assert "OK OCE Mart Tebet" in address.notes
    record = PaymentAttempt.objects.get(order=order).checkout
    assert record["address"]["rt_rw"] == "" and record["address"]["postcode"] == ""


# --- one shipping rule: basket, checkout, payment page ---------------------------------------
def test_shipping_is_an_estimate_until_the_address_then_itemised_on_the_payment_page(client, shop, test_payments):
    fill_basket(client, (shop["shoe"], 1), (shop["snack"], 2))
    # No kecamatan known: "from" the cheapest rate, per business, labelled an estimate.
    basket = squash(text(client.get("/basket/")))
    assert "Perkiraan ongkir" in basket and basket.count("mulai Rp 10.000") == 2
    assert "Total (perkiraan)" in basket
    # The shopper's kecamatan: Tebet. Mampang Prapatan is in the same kota (Rp 15.000), Cilincing is not (Rp 20.000).
    choose_kecamatan(client, "tebet", "/basket/")
    basket = squash(text(client.get("/basket/")))
    assert "Perkiraan ongkir ke Tebet" in basket
    assert "Sepatu Mampang (kota yang sama) Rp 15.000" in basket and "Kerupuk Cilincing (di tempat lain di Jakarta) Rp 20.000" in basket
    assert "Rp 35.000" in basket and "Rp 345.000" in basket  # 250.000 + 2 × 30.000 + 35.000
    checkout = squash(text(client.get("/checkout/")))
    assert "Perkiraan ongkir ke Tebet" in checkout
    assert "Sepatu Mampang (kota yang sama) Rp 15.000" in checkout and "Kerupuk Cilincing (di tempat lain di Jakarta) Rp 20.000" in checkout
    # The address is given: the payment page shows the exact sum, business by business.
    response = client.post("/checkout/", delivery("uji", kecamatan=str(kecamatan("tebet").pk), kota="Jakarta Selatan"))
    assert response.status_code == 302, response.context and response.context["form"].errors
    payment = squash(text(client.get(response["Location"])))
    assert "Dikirim ke Tebet" in payment and "Perkiraan" not in payment
    assert "Sepatu Kulit × 1 Rp 250.000" in payment and "Kerupuk Udang × 2 Rp 60.000" in payment
    assert payment.count("Ongkos kirim (kota yang sama) Rp 15.000") == 1 and payment.count("Ongkos kirim (di tempat lain di Jakarta) Rp 20.000") == 1
    assert "Produk Rp 310.000 Ongkos kirim Rp 35.000 Total Rp 345.000" in payment
    assert PaymentAttempt.objects.get().amount == Decimal("345000")


def test_a_signed_in_shoppers_saved_address_is_the_basket_estimate(client, shop):
    user = make_user("dewi@pembeli.test")
    save_address(user, "cilincing")
    client.force_login(user)
    fill_basket(client, (shop["snack"], 1))
    basket = squash(text(client.get("/basket/")))
    assert "Perkiraan ongkir ke Cilincing" in basket and "Kerupuk Cilincing (kecamatan yang sama) Rp 10.000" in basket


# --- the buy box ---------------------------------------------------------------------------------
@pytest.fixture
def shoe():
    maker = PartnerFactory(name="Sepatu Ani", kecamatan=kecamatan("mampang-prapatan"))
    parent = parent_with_variants(maker, sizes=("39", "40", "41"))
    children = {c.title[-2:]: c for c in parent.children.all()}
    StockRecord.objects.filter(product=children["39"]).update(num_in_stock=2)
    StockRecord.objects.filter(product=children["41"]).update(num_in_stock=0)
    return {"parent": parent, "children": children, "maker": maker}


def radios(page):
    return re.findall(r'<input type="radio" name="child_id"[^>]*>', page)


def test_the_buy_box_offers_sizes_as_choices_with_stock_and_none_preselected(client, shoe):
    page = text(client.get(shoe["parent"].get_absolute_url()))
    buttons = radios(page)
    assert len(buttons) == 3 and not [b for b in buttons if "checked" in b]
    by_value = {re.search(r'value="(\d+)"', b).group(1): b for b in buttons}
    assert "disabled" in by_value[str(shoe["children"]["41"].pk)] and "disabled" not in by_value[str(shoe["children"]["39"].pk)]
    words = squash(page)
    assert "Pilih varian" in words  # these children have no size attribute; with one, the legend names it
    assert "stok 2" in words and "stok 5" in words and "habis" in words
    assert 'name="quantity" id="id_buy_quantity" value="1" min="1" max="5"' in page
    assert "Tambah ke keranjang" in words and "Beli sekarang" in words


def test_buy_now_lands_on_checkout_and_more_than_the_stock_is_refused(client, shoe):
    child = shoe["children"]["39"]
    url = reverse("basket:add", kwargs={"pk": shoe["parent"].pk})
    response = client.post(url, {"child_id": child.pk, "quantity": 3, "next": "/checkout/"}, HTTP_REFERER=shoe["parent"].get_absolute_url())
    assert response["Location"] != "/checkout/"  # only 2 in stock
    response = client.post(url, {"child_id": child.pk, "quantity": 2, "next": "/checkout/"})
    assert response.status_code == 302 and response["Location"] == "/checkout/"
    assert client.get("/checkout/").status_code == 200
    # Nothing chosen: not added, and said so.
    response = client.post(url, {"quantity": 1, "next": "/checkout/"}, HTTP_REFERER=shoe["parent"].get_absolute_url(), follow=True)
    assert response.redirect_chain[-1][0] != "/checkout/"


def test_the_product_page_estimates_shipping_to_the_shoppers_kecamatan(client, shoe):
    url = shoe["parent"].get_absolute_url()
    words = squash(text(client.get(url)))
    assert "Ongkir mulai Rp 10.000" in words and "Pilih kecamatan…" in words
    response = choose_kecamatan(client, "tebet", url)
    assert response["Location"] == url
    assert "Ongkir ke Tebet mulai Rp 15.000" in squash(text(client.get(url)))
    choose_kecamatan(client, "cilincing", url)
    assert "Ongkir ke Cilincing mulai Rp 20.000" in squash(text(client.get(url)))


# --- saved addresses at checkout ---------------------------------------------------------------
def save_address(user, slug="tebet", **fields):
    country, _ = Country.objects.get_or_create(iso_3166_1_a2="ID", defaults={"name": "Indonesia", "printable_name": "Indonesia"})
    values = {"first_name": "Dewi Lestari", "line1": "Jl. Tebet Barat 7", "rt_rw": "001/002", "kelurahan": "Tebet Barat",
              "kecamatan": kecamatan(slug), "line4": "Jakarta Selatan", "state": "DKI Jakarta", "postcode": "12810",
              "phone_number": "+6281234567001", "country": country, "is_default_for_shipping": True}
    values.update(fields)
    return UserAddress.objects.create(user=user, **values)


def test_a_signed_in_shopper_checks_out_with_a_saved_address_without_retyping(client, shop, test_payments, django_capture_on_commit_callbacks):
    user = make_user("dewi@pembeli.test")
    saved = save_address(user)
    client.force_login(user)
    fill_basket(client, (shop["shoe"], 1))
    page = text(client.get("/checkout/"))
    assert "Jl. Tebet Barat 7" in page and f'value="{saved.pk}"' in page
    assert 'value="Dewi Lestari"' in page and 'value="+6281234567001"' in page  # name and phone remembered
    response = client.post("/checkout/", {"email": user.email, "delivery": "kirim", "name": "Dewi Lestari", "phone": "+6281234567001",
                                          "saved_address": str(saved.pk), "gateway": "uji"})
    assert response.status_code == 302, response.context and response.context["form"].errors
    attempt = PaymentAttempt.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/checkout/bayar/{attempt.order_number}/uji/", {"result": "ok"})
    address = Order.objects.get().shipping_address
    assert (address.line1, address.rt_rw, address.kelurahan, address.kecamatan.slug, address.postcode) == (
        "Jl. Tebet Barat 7", "001/002", "Tebet Barat", "tebet", "12810")
    assert UserAddress.objects.filter(user=user).count() == 1  # the same address, not a copy
    assert UserAddress.objects.get(user=user).num_orders_as_shipping_address == 1


def test_a_new_address_is_kept_for_next_time(client, shop, test_payments, django_capture_on_commit_callbacks):
    user = make_user("dewi@pembeli.test")
    client.force_login(user)
    fill_basket(client, (shop["shoe"], 1))
    assert 'name="saved_address"' not in text(client.get("/checkout/"))
    client.post("/checkout/", delivery("uji", email=user.email))
    attempt = PaymentAttempt.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/checkout/bayar/{attempt.order_number}/uji/", {"result": "ok"})
    kept = UserAddress.objects.get(user=user)
    assert (kept.line1, kept.kecamatan.slug, kept.postcode, str(kept.phone_number)) == ("Jl. Kemang Raya 12", "mampang-prapatan", "12730", "+6281234567001")
    fill_basket(client, (shop["snack"], 1))
    page = text(client.get("/checkout/"))
    assert re.search(rf'name="saved_address" value="{kept.pk}"[^>]*checked', page) and "Jl. Kemang Raya 12, RT/RW 003/005" in page


def test_another_shoppers_address_cannot_be_chosen(client, shop, test_payments):
    other = save_address(make_user("lain@pembeli.test"), line1="Jl. Rahasia 1")
    user = make_user("dewi@pembeli.test")
    save_address(user)
    client.force_login(user)
    fill_basket(client, (shop["shoe"], 1))
    response = client.post("/checkout/", {"email": user.email, "delivery": "kirim", "name": "Dewi", "phone": "08123456789",
                                          "saved_address": str(other.pk), "gateway": "uji"})
    assert response.status_code == 200 and "saved_address" in response.context["form"].errors
    assert not PaymentAttempt.objects.exists()


# --- structured data ----------------------------------------------------------------------------
def test_the_product_page_carries_product_offer_and_breadcrumb_json_ld(client, shoe):
    category = create_from_breadcrumbs("Sepatu > Pantofel")
    shoe["parent"].categories.add(category)
    page = client.get(shoe["parent"].get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    product, breadcrumbs = json.loads(blocks[0])
    assert product["@type"] == "Product" and product["name"] == "Sepatu Pantofel Kulit"
    assert product["brand"] == {"@type": "Brand", "name": "Sepatu Ani"}
    offers = product["offers"]
    assert offers["priceCurrency"] == "IDR" and offers["availability"] == "https://schema.org/InStock"
    assert (offers["lowPrice"], offers["highPrice"]) == ("285000", "305000")
    assert breadcrumbs["@type"] == "BreadcrumbList"
    names = [item["name"] for item in breadcrumbs["itemListElement"]]
    assert names[1:] == ["Sepatu", "Pantofel", "Sepatu Pantofel Kulit"]
    assert [item["position"] for item in breadcrumbs["itemListElement"]] == [1, 2, 3, 4]


def test_json_ld_cannot_end_its_script_early(client):
    maker = PartnerFactory(name="Usaha </script><b>", code="usaha-aneh")
    product = ProductFactory(title="Tas </script><script>alert(1)</script>", stock__partner=maker, stock__num_in_stock=0)
    page = client.get(product.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S).group(1)
    data, _breadcrumbs = json.loads(block)
    assert data["name"] == "Tas </script><script>alert(1)</script>" and data["brand"]["name"] == "Usaha </script><b>"
    assert data["offers"]["availability"] == "https://schema.org/OutOfStock" and data["offers"]["price"] == "125000"


def test_the_checkout_summary_follows_the_kecamatan_being_typed(client, shop):
    fill_basket(client, (shop["shoe"], 1), (shop["snack"], 1))
    url = reverse("checkout:shipping-estimate")
    tebet = squash(text(client.get(url, {"kecamatan": kecamatan("tebet").pk})))
    assert "Perkiraan ongkir ke Tebet" in tebet and "Rp 15.000" in tebet and "Rp 20.000" in tebet
    assert "Ongkir ke luar Jakarta" in squash(text(client.get(url, {"kecamatan": "luar"})))
    assert "gratis" in squash(text(client.get(url, {"kecamatan": "", "ambil": "1"})))
    for hostile in ["99999999999999999999", "-1", "abc", "１２"]:
        answer = client.get(url, {"kecamatan": hostile})
        assert answer.status_code == 200 and "mulai Rp 10.000" in squash(text(answer))
