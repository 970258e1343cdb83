"""The seller centre as member businesses and programme staff use it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from tests.factories import PartnerFactory, ProductClassFactory, ProductFactory, kecamatan, make_user, photo, place_order

pytestmark = pytest.mark.django_db

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductAttribute = get_model("catalogue", "ProductAttribute")
AttributeOptionGroup = get_model("catalogue", "AttributeOptionGroup")
AttributeOption = get_model("catalogue", "AttributeOption")
FoodCompliance = get_model("partner", "FoodCompliance")
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def sepatu():
    """The shoe type as the demo sets it up: a material, and sizes as variants."""
    pclass = ProductClassFactory(name="Sepatu", slug="sepatu")
    group = AttributeOptionGroup.objects.create(name="Ukuran sepatu")
    for size in ("38", "39", "40", "41"):
        AttributeOption.objects.create(group=group, option=size)
    ProductAttribute.objects.create(product_class=pclass, name="Bahan", code="bahan", type="text")
    ProductAttribute.objects.create(product_class=pclass, name="Ukuran", code="ukuran", type="option", option_group=group)
    return pclass


@pytest.fixture
def makanan():
    pclass = ProductClassFactory(name="Makanan Kemasan", slug="makanan-kemasan")
    for code, name, kind in [
        ("berat_bersih", "Berat bersih (gram)", "integer"),
        ("sertifikat_halal", "Nomor sertifikat halal", "text"),
        ("nomor_pirt", "Nomor P-IRT", "text"),
        ("nomor_bpom", "Nomor BPOM MD", "text"),
    ]:
        ProductAttribute.objects.create(product_class=pclass, name=name, code=code, type=kind)
    return pclass


@pytest.fixture
def seller():
    user = make_user("ani@usaha.test")
    partner = PartnerFactory(name="Sepatu Ani")
    partner.users.add(user)
    return user


@pytest.fixture
def staff():
    return make_user("staf@okoce.test", is_staff=True)


def option(size):
    return AttributeOption.objects.get(group__name="Ukuran sepatu", option=size).pk


def shoe_post(**overrides):
    data = {
        "title": "Sepatu Kanvas Ani",
        "description": "Sepatu kanvas dijahit tangan di Mampang.",
        "published": "on",
        "attr_bahan": "Kanvas",
        "variant-TOTAL_FORMS": "2",
        "variant-INITIAL_FORMS": "0",
        "variant-0-option": option("39"),
        "variant-0-price": "Rp 185.000",
        "variant-0-stock": "4",
        "variant-1-option": option("40"),
        "variant-1-price": "190000",
        "variant-1-stock": "6",
        "new_photos": [photo("depan.jpg"), photo("samping.png", fmt="PNG")],
    }
    data.update(overrides)
    return data


def test_apply_then_staff_approve_and_the_member_is_emailed(client, staff):
    applicant = make_user("budi@kerajinan.test")
    client.force_login(applicant)
    assert client.get("/penjual/").url == "/penjual/daftar/"
    response = client.post("/penjual/daftar/", {
        "name": "Anyaman Budi", "founder_name": "Budi Santoso", "kecamatan": kecamatan("cilincing").pk,
        "address": "Jl. Kalibaru Timur 3", "whatsapp": "0812 3456 7890", "member_number": "okoce-2026-0042",
        "logo": photo("logo.png", size=(400, 400), fmt="PNG"),
    })
    assert response.status_code == 302
    partner = Partner.objects.get(name="Anyaman Budi")
    assert (partner.status, partner.whatsapp, partner.member_number) == ("applied", "6281234567890", "OKOCE-2026-0042")
    assert partner.code == "anyaman-budi" and partner.logo
    assert [m.to for m in mail.outbox] == [[staff.email], [applicant.email]]
    assert "Pendaftaran Anda sedang ditinjau" in client.get("/penjual/").content.decode()
    assert client.get("/penjual/produk/").status_code == 403

    client.force_login(staff)
    page = client.get("/staf/anggota/?status=applied").content.decode()
    assert "Anyaman Budi" in page
    response = client.post(f"/staf/anggota/{partner.pk}/", {"action": "reject", "reason": ""})
    assert "alasan" in response.content.decode().lower()  # a reason is required, in Indonesian
    client.post(f"/staf/anggota/{partner.pk}/", {"action": "approve"})
    partner.refresh_from_db()
    assert partner.status == "active"
    assert mail.outbox[-1].to == [applicant.email] and "disetujui" in mail.outbox[-1].subject

    client.force_login(applicant)
    assert client.get("/penjual/produk/").status_code == 200


def test_a_business_is_written_to_in_its_own_language_whoever_acts(client, staff, seller, sepatu):
    """An applicant applying in English hears in English, even from staff working in Indonesian; a business
    that chose Indonesian hears in Indonesian from staff working in English; the profile changes it."""
    applicant = make_user("dewi@batik.test")
    client.force_login(applicant)
    client.cookies["django_language"] = "en"
    assert 'value="en" selected' in client.get("/penjual/daftar/").content.decode()
    client.post("/penjual/daftar/", {
        "name": "Batik Dewi", "founder_name": "Dewi Lestari", "kecamatan": kecamatan("cilincing").pk,
        "address": "Jl. Kalibaru Timur 5", "whatsapp": "0812 3456 7891", "member_number": "okoce-2026-0077",
    })
    partner = Partner.objects.get(name="Batik Dewi")
    assert partner.language == "en"
    assert mail.outbox[-1].to == [applicant.email] and mail.outbox[-1].subject == "We received your application"

    client.force_login(staff)
    client.cookies["django_language"] = "id"
    client.post(f"/staf/anggota/{partner.pk}/", {"action": "approve"})
    assert mail.outbox[-1].to == [applicant.email]
    assert mail.outbox[-1].subject == "Welcome to OK OCE Mart: Batik Dewi is approved"

    # Ani's business kept the default, Indonesian; staff moderate in English.
    ani = seller.partners.get()
    assert ani.language == "id"
    product = ProductFactory(title="Sepatu Kanvas Ani", stock__partner=ani)
    product.moderation = product.Moderation.PENDING
    product.save()
    client.cookies["django_language"] = "en"
    client.post(f"/staf/moderasi/{product.pk}/", {"action": "approve"})
    assert mail.outbox[-1].to == [seller.email] and mail.outbox[-1].subject == "Produk Anda Sepatu Kanvas Ani disetujui"

    # Ani chooses English in her shop profile (the rest of the form as it was).
    client.force_login(seller)
    client.cookies["django_language"] = "id"
    form = client.get("/penjual/profil/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "logo"}
    data.update(language="en", address=data.get("address") or "Jl. Kemang Raya 2")
    response = client.post("/penjual/profil/", data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    ani.refresh_from_db()
    assert ani.language == "en" and ani.name == "Sepatu Ani"
    product.moderation = product.Moderation.PENDING
    product.save()
    client.force_login(staff)
    client.post(f"/staf/moderasi/{product.pk}/", {"action": "reject", "reason": "Foto kurang jelas."})
    assert mail.outbox[-1].subject == "Your product Sepatu Kanvas Ani needs changes"


def test_rejected_application_is_emailed_with_the_reason_and_may_apply_again(client, staff):
    applicant = make_user("citra@usaha.test")
    partner = PartnerFactory(name="Kue Citra", status="applied")
    partner.users.add(applicant)
    client.force_login(staff)
    client.post(f"/staf/anggota/{partner.pk}/", {"action": "reject", "reason": "Nomor anggota tidak ditemukan."})
    assert not Partner.objects.filter(pk=partner.pk).exists()
    assert "Nomor anggota tidak ditemukan." in mail.outbox[-1].body
    client.force_login(applicant)
    assert client.get("/penjual/").url == "/penjual/daftar/"


def test_seller_creates_a_product_with_two_variants_and_photos_and_staff_approve_it(client, seller, staff, sepatu):
    client.force_login(seller)
    response = client.post("/penjual/produk/baru/sepatu/", shoe_post())
    assert response.status_code == 302, response.context and response.context["form"].errors
    product = Product.objects.get(title="Sepatu Kanvas Ani")
    assert product.structure == "parent" and product.moderation == "pending" and not product.is_public
    assert sorted((c.attr.ukuran.option, int(c.stockrecords.get().price), c.stockrecords.get().num_in_stock)
                  for c in product.children.all()) == [("39", 185000, 4), ("40", 190000, 6)]
    assert {sr.partner for c in product.children.all() for sr in c.stockrecords.all()} == {seller.partners.get()}
    assert product.images.count() == 2
    # Waiting for review: not in the shop yet.
    assert client.get(product.get_absolute_url()).status_code == 404
    assert "Menunggu tinjauan" in client.get("/penjual/produk/").content.decode()

    client.force_login(staff)
    assert "Sepatu Kanvas Ani" in client.get("/staf/moderasi/").content.decode()
    client.post(f"/staf/moderasi/{product.pk}/", {"action": "approve"})
    product.refresh_from_db()
    assert product.is_public and product.moderation == "approved"
    assert "disetujui" in mail.outbox[-1].subject

    client.logout()
    page = client.get(product.get_absolute_url()).content.decode().replace("\xa0", " ")
    assert "Sepatu Kanvas Ani" in page and "Rp 185.000" in page
    assert "Sepatu Kanvas Ani" in client.get(reverse("catalogue:index")).content.decode()


def test_a_change_to_a_live_listing_stays_in_the_shop_and_is_queued(client, seller, sepatu):
    client.force_login(seller)
    client.post("/penjual/produk/baru/sepatu/", shoe_post())
    product = Product.objects.get(title="Sepatu Kanvas Ani")
    Product.objects.filter(pk=product.pk).update(moderation="approved", is_public=True)
    children = list(product.children.order_by("pk"))
    data = shoe_post(
        title="Sepatu Kanvas Ani Baru",
        **{"variant-INITIAL_FORMS": "2", "variant-0-child": children[0].pk, "variant-1-child": children[1].pk,
           "variant-1-stock": "0", "new_photos": []},
    )
    assert client.post(f"/penjual/produk/{product.pk}/", data).status_code == 302
    product.refresh_from_db()
    assert product.is_public and product.needs_review and product.title == "Sepatu Kanvas Ani Baru"
    assert product.children.count() == 2
    assert children[1].stockrecords.get().num_in_stock == 0


def test_bad_input_gets_indonesian_messages_and_keeps_what_was_typed(client, seller, sepatu):
    client.force_login(seller)
    data = shoe_post(**{"variant-0-price": "-5000", "variant-1-stock": "-3",
                        "new_photos": [photo("rusak.jpg")], "attr_bahan": ""})
    data["new_photos"] = [photo("depan.jpg")]
    response = client.post("/penjual/produk/baru/sepatu/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tulis harga dalam rupiah" in page
    assert "Stok tidak boleh negatif" in page
    assert "harus diisi" in page  # the material is required ("Kolom ini harus diisi.")
    assert 'value="Sepatu Kanvas Ani"' in page  # the title typed is still there
    assert "Sepatu kanvas dijahit tangan" in page
    assert not Product.objects.filter(title="Sepatu Kanvas Ani").exists()


def test_invalid_photo_keeps_the_rest_of_the_form(client, seller, sepatu):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(seller)
    fake = SimpleUploadedFile("virus.jpg", b"MZ not a picture", content_type="image/jpeg")
    response = client.post("/penjual/produk/baru/sepatu/", shoe_post(new_photos=[fake, photo("kecil.jpg", size=(120, 90))]))
    page = response.content.decode()
    assert "virus.jpg" in page and "kecil.jpg" in page
    assert "300" in page  # the minimum size is named
    assert 'value="Sepatu Kanvas Ani"' in page
    assert not Product.objects.exists()


def test_more_than_eight_photos_are_refused(client, seller, sepatu):
    client.force_login(seller)
    response = client.post("/penjual/produk/baru/sepatu/", shoe_post(new_photos=[photo(f"f{i}.jpg") for i in range(9)]))
    assert "paling banyak 8 foto" in response.content.decode()


def test_food_numbers_are_validated_and_only_verified_halal_shows_a_badge(client, seller, staff, makanan):
    client.force_login(seller)
    base = {"title": "Rendang Daging Ani", "description": "Rendang kering dalam kemasan.", "published": "on",
            "attr_berat_bersih": "250", "price": "85.000", "stock": "12", "new_photos": [photo()]}
    response = client.post("/penjual/produk/baru/makanan-kemasan/", {
        **base, "attr_nomor_pirt": "12345678901234", "attr_sertifikat_halal": "ID3111000012345678"})
    page = response.content.decode()
    assert "15 digit" in page and "berlaku" in page.lower()
    response = client.post("/penjual/produk/baru/makanan-kemasan/", {
        **base, "new_photos": [photo()], "attr_nomor_pirt": "2063175010123-45", "attr_sertifikat_halal": "ID3111000012345678",
        "halal_expiry": (timezone.localdate() + timedelta(days=365)).isoformat()})
    assert response.status_code == 302
    product = Product.objects.get(title="Rendang Daging Ani")
    assert product.attr.nomor_pirt == "206317501012345"
    record = product.compliance
    assert not record.is_verified
    Product.objects.filter(pk=product.pk).update(moderation="approved", is_public=True)

    client.logout()
    assert "Halal terverifikasi" not in client.get(product.get_absolute_url()).content.decode()
    client.force_login(staff)
    client.post(f"/staf/sertifikat/{record.pk}/", {"action": "approve"})
    client.logout()
    assert "Halal terverifikasi" in client.get(product.get_absolute_url()).content.decode()
    listing = client.get(reverse("catalogue:index") + "?halal=1")
    assert [p.pk for p in listing.context["products"]] == [product.pk]

    # Changing the certificate number sends it back to staff.
    client.force_login(seller)
    client.post(f"/penjual/produk/{product.pk}/", {
        **base, "new_photos": [], "attr_nomor_pirt": "206317501012345", "attr_sertifikat_halal": "ID3111000099999999",
        "halal_expiry": (timezone.localdate() + timedelta(days=365)).isoformat()})
    record.refresh_from_db()
    assert not record.is_verified


def test_certificate_reminder_is_sent_once(seller, makanan):
    product = Product.objects.create(title="Keripik Ani", product_class=makanan, structure="standalone")
    StockRecord.objects.create(product=product, partner=seller.partners.get(), partner_sku="K1", price=Decimal("20000"), num_in_stock=3)
    FoodCompliance.objects.create(product=product, verified_at=timezone.now(), halal_expiry=timezone.localdate() + timedelta(days=10))
    call_command("remind_certificates")
    call_command("remind_certificates")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [seller.email] and "Keripik Ani" in mail.outbox[0].subject


def test_seller_sees_only_own_order_lines_and_ships_them(client, seller):
    from tests.factories import ProductFactory

    mine = ProductFactory(title="Sepatu Ani", stock__partner=seller.partners.get())
    other = ProductFactory(title="Kerudung Orang Lain", stock__partner=PartnerFactory(name="Kerudung Sari"))
    shopper = make_user("dewi@pembeli.test")
    order = place_order(shopper, [(mine, 1), (other, 2)])

    client.force_login(seller)
    page = client.get("/penjual/pesanan/").content.decode()
    assert f"#{order.number}" in page
    detail = client.get(f"/penjual/pesanan/{order.number}/").content.decode()
    assert "Sepatu Ani" in detail and "Kerudung Orang Lain" not in detail
    assert "Jl. Kemang Raya 12" in detail and "+6281234567001" in detail
    line = order.lines.get(partner=seller.partners.get())
    other_line = order.lines.exclude(pk=line.pk).get()
    # Shipping without a tracking number is refused, in Indonesian.
    response = client.post(f"/penjual/pesanan/{order.number}/", {"line": line.pk, f"line{line.pk}-status": "shipped"})
    assert "Diperlukan" in response.content.decode()
    # Another business's line cannot be touched through a forged id.
    assert client.post(f"/penjual/pesanan/{order.number}/", {"line": other_line.pk, f"line{other_line.pk}-status": "packed"}).status_code == 404
    client.post(f"/penjual/pesanan/{order.number}/", {"line": line.pk, f"line{line.pk}-status": "shipped",
                                                      f"line{line.pk}-courier": "jne", f"line{line.pk}-tracking_number": "JNE0012345"})
    record = StockRecord.objects.get(product=mine)
    assert (record.num_in_stock, record.num_allocated) == (9, 0)  # the shipped unit left the stock
    client.force_login(shopper)
    page = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()
    assert "Dikirim" in page and "JNE0012345" in page

    client.force_login(seller)
    home = client.get("/penjual/").content.decode().replace("\xa0", " ")
    assert "Rp 125.000" in home  # this month's revenue: only the seller's own line


def test_forged_ids_never_reach_another_business(client, seller, sepatu):
    from tests.factories import parent_with_variants

    other = PartnerFactory(name="Sepatu Lain")
    theirs = parent_with_variants(other, title="Sepatu Lain")
    client.force_login(seller)
    assert client.get(f"/penjual/produk/{theirs.pk}/").status_code == 404
    assert client.post(f"/penjual/produk/{theirs.pk}/hapus/").status_code == 404
    assert client.post(f"/penjual/produk/{theirs.pk}/tayang/").status_code == 404
    assert Product.objects.filter(pk=theirs.pk).exists()
    # A variant id of another product inside the seller's own form is refused.
    foreign_child = theirs.children.first()
    client.post("/penjual/produk/baru/sepatu/", shoe_post())
    mine = Product.objects.get(title="Sepatu Kanvas Ani")
    data = shoe_post(**{"variant-INITIAL_FORMS": "1", "variant-0-child": foreign_child.pk, "new_photos": []})
    response = client.post(f"/penjual/produk/{mine.pk}/", data)
    assert response.status_code == 200 and "bukan milik produk ini" in response.content.decode()
    foreign_child.refresh_from_db()
    assert foreign_child.parent_id == theirs.pk and foreign_child.stockrecords.get().partner == other
    # Removing a photo of another product is refused too.
    from oscar.core.loading import get_model as gm

    foreign_image = gm("catalogue", "ProductImage").objects.create(product=theirs, original=photo().name)
    data = shoe_post(**{"new_photos": [], "remove": [foreign_image.pk]})
    client.post(f"/penjual/produk/{mine.pk}/", data)
    assert gm("catalogue", "ProductImage").objects.filter(pk=foreign_image.pk).exists()


def test_invite_a_colleague_who_accepts_and_is_later_removed(client, seller):
    client.force_login(seller)
    client.post("/penjual/tim/", {"email": "Rudi@Usaha.test"})
    invite_mail = mail.outbox[-1]
    assert invite_mail.to == ["rudi@usaha.test"]
    link = next(word for word in invite_mail.body.split() if "/penjual/undangan/" in word)
    path = link[link.index("/penjual/"):]
    stranger = make_user("orang@lain.test")
    client.force_login(stranger)
    assert client.post(path).status_code == 400  # not the invited address
    colleague = make_user("rudi@usaha.test")
    client.force_login(colleague)
    client.post(path)
    assert client.get("/penjual/produk/").status_code == 200
    assert client.post(path).status_code == 400  # used once only
    client.force_login(seller)
    client.post(f"/penjual/tim/{colleague.pk}/hapus/")
    client.force_login(colleague)
    assert client.get("/penjual/produk/").status_code == 403


def test_every_listing_change_is_recorded_and_shown_to_staff(client, seller, staff, sepatu):
    client.force_login(seller)
    client.post("/penjual/produk/baru/sepatu/", shoe_post())
    product = Product.objects.get(title="Sepatu Kanvas Ani")
    child = product.children.order_by("pk").first()
    data = shoe_post(**{"variant-INITIAL_FORMS": "2", "variant-0-child": child.pk,
                        "variant-1-child": product.children.order_by("pk").last().pk,
                        "variant-0-price": "199000", "new_photos": []})
    client.post(f"/penjual/produk/{product.pk}/", data)
    client.force_login(staff)
    page = client.get("/staf/riwayat/").content.decode()
    assert seller.email in page and "199000" in page and "185000" in page


def test_suspended_business_leaves_the_shop_and_cannot_edit(client, seller, staff):
    from tests.factories import ProductFactory

    product = ProductFactory(title="Sepatu Ani Hitam", stock__partner=seller.partners.get())
    assert client.get(product.get_absolute_url()).status_code == 200
    client.force_login(staff)
    client.post(f"/staf/anggota/{seller.partners.get().pk}/", {"action": "suspend", "reason": "Laporan pembeli."})
    client.logout()
    assert "Sepatu Ani Hitam" not in client.get(reverse("catalogue:index")).content.decode()
    client.force_login(seller)
    assert "Laporan pembeli." in client.get("/penjual/").content.decode()
    assert client.get(f"/penjual/produk/{product.pk}/").status_code == 403
    assert Product.objects.filter(pk=product.pk).exists()


def test_ask_the_seller_opens_whatsapp_with_the_product_price_and_link(client, seller):
    from urllib.parse import unquote

    from tests.factories import ProductFactory

    product = ProductFactory(title="Tas Purun Ani", stock__partner=seller.partners.get())
    page = unquote(client.get(product.get_absolute_url()).content.decode()).replace("\xa0", " ")
    assert "https://wa.me/6281234567890?text=" in page
    assert "Tas Purun Ani (Rp 125.000)" in page and f"http://testserver{product.get_absolute_url()}" in page
    shop = unquote(client.get(seller.partners.get().get_absolute_url()).content.decode())
    assert "https://wa.me/6281234567890?text=" in shop


def test_shipping_a_line_again_takes_its_units_from_stock_once(client, seller):
    from tests.factories import ProductFactory

    mine = ProductFactory(title="Sepatu Ani", stock__partner=seller.partners.get())
    order = place_order(make_user("dewi@pembeli.test"), [(mine, 2)])
    line = order.lines.get()
    client.force_login(seller)
    shipped = {"line": line.pk, f"line{line.pk}-status": "shipped", f"line{line.pk}-courier": "jne",
               f"line{line.pk}-tracking_number": "JNE1"}
    client.post(f"/penjual/pesanan/{order.number}/", shipped)
    client.post(f"/penjual/pesanan/{order.number}/", {"line": line.pk, f"line{line.pk}-status": "packed"})
    client.post(f"/penjual/pesanan/{order.number}/", shipped)
    record = StockRecord.objects.get(product=mine)
    assert (record.num_in_stock, record.num_allocated) == (8, 0)


def test_a_product_being_paid_for_cannot_be_deleted(client, seller):
    from tests.factories import ProductFactory

    mine = ProductFactory(title="Sepatu Ani", stock__partner=seller.partners.get())
    StockRecord.objects.filter(product=mine).update(num_allocated=1)
    client.force_login(seller)
    response = client.post(f"/penjual/produk/{mine.pk}/hapus/", follow=True)
    assert Product.objects.filter(pk=mine.pk).exists()
    assert "sembunyikan" in response.content.decode()
