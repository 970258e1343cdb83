"""Ratings and reviews from verified buyers: only after a line reached its buyer, once per line;
the seller replies once; staff hide a review and it leaves the averages; links and phone
numbers are refused; listings sort by rating and by best-selling (database engine here,
Elasticsearch in tests/search/test_loyalty_sorts.py)."""

import re
from decimal import Decimal

import pytest
from django.core import mail  # noqa: F401
from oscar.core.loading import get_model

from tests.factories import PartnerFactory, ProductFactory, make_user, photo, place_order

pytestmark = pytest.mark.django_db

LineFulfilment = get_model("partner", "LineFulfilment")
ProductReview = get_model("reviews", "ProductReview")


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def bought(user, product, status="delivered", quantity=1):
    """``user`` ordered ``product``; the seller marked the line ``status`` (None: not yet)."""
    line = place_order(user, [(product, quantity)]).lines.get()
    if status:
        LineFulfilment.objects.create(line=line, status=status, courier="JNE", tracking_number="JN1")
    return line


@pytest.fixture
def shop():
    maker = PartnerFactory(name="Anyaman Bu Rina")
    seller = make_user("rina@anyaman.test")
    maker.users.add(seller)
    product = ProductFactory(title="Tas Anyaman Purun", stock__partner=maker, stock__price=Decimal("150000"))
    return {"maker": maker, "seller": seller, "product": product,
            "buyer": make_user("dewi@pembeli.test"), "other": make_user("budi@pembeli.test")}


def review(client, line, score=5, body="Anyamannya rapi dan kuat, pas untuk ke pasar.", **extra):
    return client.post(f"/ulasan/tulis/{line.pk}/", {"score": score, "body": body, **extra})


def test_only_the_buyer_of_a_delivered_line_may_review_it_once(client, shop):
    buyer, product = shop["buyer"], shop["product"]
    on_the_way = bought(buyer, product, status="shipped")
    client.force_login(buyer)
    response = review(client, on_the_way)
    assert response.status_code == 302 and response["Location"] == "/ulasan/"
    assert not ProductReview.objects.exists()

    # "It arrived": the buyer confirms, and may now rate it.
    client.post("/ulasan/", {"line": on_the_way.pk})
    assert LineFulfilment.objects.get(line=on_the_way).status == "delivered"
    client.force_login(shop["other"])
    review(client, on_the_way)
    assert not ProductReview.objects.exists(), "someone else's line"

    client.force_login(buyer)
    response = review(client, on_the_way, score=4)
    assert response.status_code == 302 and response["Location"].endswith("#ulasan")
    product.refresh_from_db()
    assert (product.rating, product.num_reviews) == (4.0, 1)

    # Once per line: a second post changes nothing.
    response = review(client, on_the_way, score=1, body="Coba ulas lagi dua kali.")
    assert response.status_code == 302 and ProductReview.objects.count() == 1
    product.refresh_from_db()
    assert product.rating == 4.0

    # The card in listings and the product page show the average and the count.
    listing = text(client.get("/catalogue/"))
    assert 'class="rating__value">4,0</span> <span class="rating__count">(1)' in listing
    page = text(client.get(product.get_absolute_url()))
    assert "Anyamannya rapi dan kuat" in page and "1 ulasan" in page


def test_a_line_picked_up_at_a_mart_can_be_reviewed_and_a_second_purchase_too(client, shop):
    first = bought(shop["buyer"], shop["product"], status="picked_up")
    second = bought(shop["buyer"], shop["product"], status="delivered")
    client.force_login(shop["buyer"])
    review(client, first, score=5)
    review(client, second, score=3)
    shop["product"].refresh_from_db()
    assert (shop["product"].rating, shop["product"].num_reviews) == (4.0, 2)


def test_a_variant_bought_is_reviewed_on_the_product_shoppers_see(client, shop):
    from tests.factories import parent_with_variants

    shoes = parent_with_variants(shop["maker"])
    line = bought(shop["buyer"], shoes.children.get(title__endswith="40"))
    client.force_login(shop["buyer"])
    response = review(client, line, score=5)
    assert response["Location"] == shoes.get_absolute_url() + "#ulasan"
    shoes.refresh_from_db()
    assert (shoes.rating, shoes.num_reviews) == (5.0, 1)
    card = re.search(r'Sepatu Pantofel Kulit</a></h3>.*?</article>', text(client.get("/catalogue/")).replace("> <", "><"))
    assert 'rating__count">(1)' in card.group(0)


def test_up_to_three_photos_checked_like_sellers(client, shop):
    line = bought(shop["buyer"], shop["product"])
    client.force_login(shop["buyer"])
    too_many = [photo(f"f{i}.jpg") for i in range(4)]
    response = review(client, line, photos=too_many)
    assert response.status_code == 200 and "paling banyak 3 foto" in text(response)
    response = review(client, line, photos=[photo("kecil.jpg", size=(100, 100))])
    assert response.status_code == 200 and "minimal 300 piksel" in text(response)
    assert not ProductReview.objects.exists()
    review(client, line, photos=[photo("a.jpg"), photo("b.png", fmt="PNG")])
    assert ProductReview.objects.get().photos.count() == 2


@pytest.mark.parametrize("body, message", [
    ("Bagus, cek juga www.tokosebelah.com ya", "tautan"),
    ("Lebih murah di https://contoh.id/tas", "tautan"),
    ("Pesan lagi lewat WA 0812-3456-7890 saja", "nomor telepon"),
    ("Hubungi +62 812 3456 7890 untuk grosir", "nomor telepon"),
])
def test_links_and_phone_numbers_are_refused_with_a_clear_message(client, shop, body, message):
    line = bought(shop["buyer"], shop["product"])
    client.force_login(shop["buyer"])
    response = review(client, line, body=body)
    assert response.status_code == 200 and message in text(response)
    assert body in response.content.decode(), "what the buyer typed is kept"
    assert not ProductReview.objects.exists()


def test_prices_and_sizes_are_not_mistaken_for_phone_numbers(client, shop):
    line = bought(shop["buyer"], shop["product"])
    client.force_login(shop["buyer"])
    review(client, line, body="Harga Rp 150.000 sepadan, ukuran 39 pas, 2 kali pakai masih awet.")
    assert ProductReview.objects.count() == 1


def test_the_seller_replies_once(client, shop):
    line = bought(shop["buyer"], shop["product"])
    client.force_login(shop["buyer"])
    review(client, line)
    r = ProductReview.objects.get()

    intruder = make_user("lain@usaha.test")
    PartnerFactory(name="Usaha Lain").users.add(intruder)
    client.force_login(intruder)
    assert client.post("/penjual/ulasan/", {"review": r.pk, f"r{r.pk}-reply": "Bukan punya saya"}).status_code == 404

    client.force_login(shop["seller"])
    response = client.post("/penjual/ulasan/", {"review": r.pk, f"r{r.pk}-reply": "Terima kasih, Bu Dewi!"})
    assert response.status_code == 302
    response = client.post("/penjual/ulasan/", {"review": r.pk, f"r{r.pk}-reply": "Balasan kedua"}, follow=True)
    assert "sudah membalas" in text(response)
    r.refresh_from_db()
    assert r.reply == "Terima kasih, Bu Dewi!" and r.replied_by == shop["seller"]
    page = text(client.get(shop["product"].get_absolute_url()))
    assert "Balasan penjual" in page and "Terima kasih, Bu Dewi!" in page and "Balasan kedua" not in page


def test_a_reply_with_a_phone_number_is_refused(client, shop):
    line = bought(shop["buyer"], shop["product"])
    client.force_login(shop["buyer"])
    review(client, line)
    r = ProductReview.objects.get()
    client.force_login(shop["seller"])
    response = client.post("/penjual/ulasan/", {"review": r.pk, f"r{r.pk}-reply": "Telepon 081234567890"})
    assert response.status_code == 200 and "nomor telepon" in text(response)
    r.refresh_from_db()
    assert r.reply == ""


def test_a_hidden_review_leaves_the_averages_and_the_page(client, shop):
    staff = make_user("staf@okoce.test", is_staff=True)
    happy, angry = shop["buyer"], shop["other"]
    for user, score, body in [(happy, 5, "Sangat bagus, sesuai foto."), (angry, 1, "Penjualnya menyebalkan sekali.")]:
        client.force_login(user)
        review(client, bought(user, shop["product"]), score=score, body=body)
    shop["product"].refresh_from_db()
    assert (shop["product"].rating, shop["product"].num_reviews) == (3.0, 2)
    shop_page = text(client.get(shop["maker"].get_absolute_url()))
    assert "3,0</strong> dari 2 ulasan" in shop_page

    angry_review = ProductReview.objects.get(user=angry)
    client.force_login(staff)
    response = client.post(f"/staf/ulasan/{angry_review.pk}/", {"action": "hide", "reason": ""}, follow=True)
    assert "Tuliskan alasan" in text(response)
    client.post(f"/staf/ulasan/{angry_review.pk}/", {"action": "hide", "reason": "Menyerang pribadi penjual"})
    shop["product"].refresh_from_db()
    assert (shop["product"].rating, shop["product"].num_reviews) == (5.0, 1)
    page = text(client.get(shop["product"].get_absolute_url()))
    assert "menyebalkan" not in page and "Sangat bagus" in page
    assert "5,0</strong> dari 1 ulasan" in text(client.get(shop["maker"].get_absolute_url()))
    hidden = text(client.get("/staf/ulasan/?show=hidden"))
    assert "Menyerang pribadi penjual" in hidden

    client.post(f"/staf/ulasan/{angry_review.pk}/", {"action": "show"})
    shop["product"].refresh_from_db()
    assert shop["product"].num_reviews == 2


def listing(client, sort):
    return [p.title for p in client.get("/catalogue/", {"sort_by": sort}).context["products"]]


def test_listings_sort_by_rating_and_by_best_selling(client, shop):
    maker = shop["maker"]
    good = ProductFactory(title="Dompet Purun", stock__partner=maker)
    fair = ProductFactory(title="Topi Purun", stock__partner=maker)
    unrated = ProductFactory(title="Tikar Purun", stock__partner=maker)
    for product, score in [(good, 5), (fair, 3)]:
        line = bought(shop["buyer"], product)
        client.force_login(shop["buyer"])
        review(client, line, score=score)
    bought(shop["other"], unrated, status=None, quantity=3)

    by_rating = listing(client, "rating")
    assert by_rating.index("Dompet Purun") < by_rating.index("Topi Purun") < by_rating.index("Tikar Purun")
    by_sales = listing(client, "best-selling")
    assert by_sales[0] == "Tikar Purun"
    assert by_sales.index("Dompet Purun") < by_sales.index("Tas Anyaman Purun")


def test_the_seller_marks_a_line_delivered_and_the_buyer_may_rate_it(client, shop):
    line = bought(shop["buyer"], shop["product"], status=None)
    stock = shop["product"].stockrecords.get()
    assert stock.num_allocated == 1
    client.force_login(shop["seller"])
    client.post(f"/penjual/pesanan/{line.order.number}/", {"line": line.pk, f"line{line.pk}-status": "delivered"})
    assert LineFulfilment.objects.get(line=line).status == "delivered"
    stock.refresh_from_db()
    assert stock.num_allocated == 0, "a delivered line left the stock like a shipped one"
    # "Picked up at the Mart" is only for Mart pickups.
    response = client.post(f"/penjual/pesanan/{line.order.number}/", {"line": line.pk, f"line{line.pk}-status": "picked_up"})
    assert "Hanya pesanan yang diambil di OK OCE Mart" in text(response)
    client.force_login(shop["buyer"])
    assert "Beri nilai" in text(client.get("/ulasan/"))
