"""Following an order after checkout: the emailed link, couriers and tracking links, the shopper's,
sellers' and staff's emails (text and HTML, in the recipient's language), Mart pickups, refunds,
guest orders joining an account, and the account's own pages."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from partner import couriers, emails
from payments.models import PaymentAttempt
from payments.services import remind_pickups
from tests.factories import PartnerFactory, kecamatan, make_user
from tests.integration.test_checkout import delivery, fill_basket, shop, test_payments  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
UserAddress = get_model("address", "UserAddress")


def html_of(message):
    return next(content for content, kind in message.alternatives if kind == "text/html")


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture
def sellers(shop):  # noqa: F811
    """A member of each business (the businesses' emails go to them)."""
    ani, budi = make_user("ani@sepatu.test"), make_user("budi@kerupuk.test")
    shop["kemang"].users.add(ani)
    shop["cilincing"].users.add(budi)
    return ani, budi


def guest_buys(client, shop, capture, **overrides):  # noqa: F811
    fill_basket(client, (shop["shoe"], 1), (shop["snack"], 2))
    response = client.post("/checkout/", delivery("uji", **overrides))
    assert response.status_code == 302, response.context["form"].errors
    attempt = PaymentAttempt.objects.get()
    with capture(execute=True):
        client.post(f"/checkout/bayar/{attempt.order_number}/uji/", {"result": "ok"})
    return Order.objects.get()


def order_link(message):
    return re.search(r"https?://[^/\s]+/accounts/order-status/[^/\s]+/[^/\s]+/", message.body).group(0)


def test_guest_opens_the_emailed_link_and_sees_each_business_parcel(client, shop, sellers, test_payments,  # noqa: F811
                                                                    django_capture_on_commit_callbacks):
    order = guest_buys(client, shop, django_capture_on_commit_callbacks)
    assert order.language == "id"
    [confirmation] = to("dewi@pembeli.test")
    assert order.number in confirmation.subject and "Ikuti pesanan" in confirmation.body
    assert "kurir" in confirmation.body  # delivery: the shopper is told a courier and number will follow
    link = order_link(confirmation)
    assert link in html_of(confirmation)
    # Each business hears of its own paid lines only.
    ani, budi = sellers
    # (The shoe's stock also fell below its low-stock threshold: that alert is a separate email.)
    [to_ani] = [m for m in to(ani.email) if order.number in m.subject]
    assert "Sepatu Kulit" in to_ani.body and "Kerupuk Udang" not in to_ani.body and html_of(to_ani)
    assert "Kerupuk Udang" in to(budi.email)[0].body

    client.cookies.clear()  # a different browser: the link alone opens the order
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path).content.decode()
    assert "Sepatu Mampang" in page and "Kerupuk Cilincing" in page and "Sepatu Kulit" in page
    number, signature = path.rstrip("/").rsplit("/", 2)[-2:]
    assert client.get(reverse("customer:anon-order", kwargs={"order_number": number, "hash": signature[:-2] + "xx"})).status_code == 404
    assert client.get(reverse("customer:anon-order", kwargs={"order_number": "999999", "hash": signature})).status_code == 404
    assert "terima kasih" not in client.get("/accounts/order-status/%00/abc/").content.decode().lower()


def test_thank_you_page_and_email_in_english_for_an_english_shopper(client, shop, test_payments,  # noqa: F811
                                                                      django_capture_on_commit_callbacks):
    client.cookies["django_language"] = "en"
    order = guest_buys(client, shop, django_capture_on_commit_callbacks)
    assert order.language == "en"
    [confirmation] = to("dewi@pembeli.test")
    assert confirmation.subject == f"Your OK OCE Mart order #{order.number}" and "Follow your order" in confirmation.body
    page = client.get(f"/checkout/terima-kasih/{order.number}/").content.decode()
    assert "tracking number" in page and "collect" not in page


def test_seller_ships_with_a_listed_courier_and_the_shopper_gets_the_tracking_link(client, shop, sellers, test_payments,  # noqa: F811
                                                                                   django_capture_on_commit_callbacks):
    order = guest_buys(client, shop, django_capture_on_commit_callbacks)
    link = order_link(to("dewi@pembeli.test")[0])
    ani, _budi = sellers
    line = order.lines.get(partner=shop["kemang"])
    client.force_login(ani)
    url = reverse("seller:order-detail", args=[order.number])
    form = client.get(url).content.decode()
    assert "SiCepat" in form and "AnterAja" in form and "GrabExpress" in form
    post = {"line": line.pk, f"line{line.pk}-status": "shipped", f"line{line.pk}-tracking_number": "003123456789"}
    # A courier that is not on the list, or "other" without its name, is refused with a message.
    assert "Pilih" in client.post(url, {**post, f"line{line.pk}-courier": "dhl"}).content.decode()
    assert "Tulis nama kurir" in client.post(url, {**post, f"line{line.pk}-courier": "other"}).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**post, f"line{line.pk}-courier": "sicepat"}).status_code == 302
    [shipped] = mail.outbox
    tracking = "https://www.sicepat.com/checkAwb/003123456789"
    assert shipped.to == ["dewi@pembeli.test"] and "SiCepat" in shipped.body and "003123456789" in shipped.body
    assert tracking in shipped.body and tracking in html_of(shipped) and link in shipped.body
    client.logout()
    page = client.get(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])).content.decode()
    assert tracking in page and "Dikirim" in page
    assert "Diproses penjual" in page  # the other business's parcel is not shipped yet


def test_couriers_map_old_free_text_and_link_only_where_the_pattern_is_known():
    assert [couriers.code_for(t) for t in ("JNE", "J&T", "J&T Express", "Si Cepat", "anteraja", "POS Indonesia", "Gojek", "Grab",
                                            "Kurir Pak Udin", "  ")] == [
        "jne", "jnt", "jnt", "sicepat", "anteraja", "pos", "gosend", "grabexpress", "other", ""]
    assert couriers.COURIERS["anteraja"].tracking_url("10/20") == "https://anteraja.id/tracking/10%2F20"
    assert couriers.COURIERS["jne"].tracking_url("CGK123") == ""  # JNE's page reads the number from its form
    assert couriers.COURIERS["gosend"].tracking_url("GK-1") == "" and not couriers.COURIERS["gosend"].track_page


def test_pickup_ready_and_reminder_emails(client, shop, sellers, test_payments, django_capture_on_commit_callbacks):  # noqa: F811
    fill_basket(client, (shop["snack"], 2))
    client.post("/checkout/", delivery("mart", delivery="ambil", mart=shop["mart"].pk, line1="", kecamatan=""))
    order = Order.objects.get()
    assert "nomor resi" not in client.get(f"/checkout/terima-kasih/{order.number}/").content.decode()
    _ani, budi = sellers
    line = order.lines.get()
    client.force_login(budi)
    url = reverse("seller:order-detail", args=[order.number])
    assert "Kurir" not in client.get(url).content.decode()  # taken to the Mart: no courier asked
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"line": line.pk, f"line{line.pk}-status": "shipped"})
    [ready] = mail.outbox
    assert "siap diambil" in ready.subject and "OK OCE Mart Tebet" in ready.body and "resi" not in ready.body
    mail.outbox.clear()
    assert remind_pickups(timezone.now()) == 0  # 48 hours left: too early
    later = timezone.now() + timedelta(hours=40)
    assert remind_pickups(later) == 1 and remind_pickups(later) == 0  # once
    [reminder] = mail.outbox
    assert reminder.to == ["dewi@pembeli.test"] and order.number in reminder.subject and html_of(reminder)


def test_a_refund_emails_the_shopper_and_the_business(client, shop, sellers, test_payments,  # noqa: F811
                                                      django_capture_on_commit_callbacks):
    order = guest_buys(client, shop, django_capture_on_commit_callbacks)
    ani, budi = sellers
    client.force_login(make_user("keuangan@okoce.test", is_staff=True))
    mail.outbox.clear()
    shoe_line = order.lines.get(partner=shop["kemang"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/staf/pesanan/{order.number}/", {"action": "refund", "confirm": "1", f"refund-{shoe_line.pk}": "1"})
    [shopper] = to("dewi@pembeli.test")
    assert "Rp 250.000" in shopper.body.replace("\xa0", " ") and "Sepatu Kulit" in shopper.body and html_of(shopper)
    [seller] = to(ani.email)
    assert "Sepatu Kulit" in seller.body and order.number in seller.subject
    assert not to(budi.email)  # nothing of Kerupuk Cilincing's was refunded


def test_staff_hear_of_a_new_member_application_in_text_and_html(client):
    staff = make_user("staf@okoce.test", is_staff=True)
    client.force_login(make_user("calon@usaha.test"))
    partner = PartnerFactory(name="Batik Pesanggrahan", status="applied")
    request = client.get("/").wsgi_request
    emails.application_received(request, partner)
    [message] = to(staff.email)
    assert "Batik Pesanggrahan" in message.subject and "Batik Pesanggrahan" in html_of(message)


def test_guest_orders_join_the_account_only_through_a_link_sent_to_that_email(client, shop, test_payments,  # noqa: F811
                                                                               django_capture_on_commit_callbacks):
    order = guest_buys(client, shop, django_capture_on_commit_callbacks)
    assert order.user is None
    mail.outbox.clear()
    client.cookies.clear()
    response = client.post(reverse("customer:register"), {
        "email": "Dewi@Pembeli.test", "password1": "kata-sandi-panjang-2026", "password2": "kata-sandi-panjang-2026"}, follow=True)
    assert "pesanan sebelumnya" in response.content.decode()
    order.refresh_from_db()
    assert order.user is None  # typing the email is not proof
    claim = next(m for m in mail.outbox if m.to[0].lower() == "dewi@pembeli.test" and "pesanan-tamu" in m.body)
    assert html_of(claim)
    url = re.search(r"https?://\S+/pesanan-tamu/\S+/", claim.body).group(0).split("://", 1)[1].split("/", 1)[1]
    # Someone else signed in cannot use it.
    owner = get_user_model().objects.get(email__iexact="dewi@pembeli.test")
    client.force_login(make_user("lain@pembeli.test"))
    assert client.get("/" + url).status_code == 404
    client.force_login(owner)
    assert client.get("/" + url).status_code == 302
    order.refresh_from_db()
    assert order.user is not None and order.user.email.lower() == "dewi@pembeli.test"
    assert f"#{order.number}" in client.get(reverse("customer:order-list")).content.decode()
    assert client.get("/" + url[:-5] + "xxxx/").status_code == 404  # tampered


def test_opening_the_order_link_while_signed_in_with_that_email_adds_the_order(client, shop, test_payments,  # noqa: F811
                                                                                django_capture_on_commit_callbacks):
    order = guest_buys(client, shop, django_capture_on_commit_callbacks)
    link = order_link(to("dewi@pembeli.test")[0])
    client.force_login(make_user("dewi@pembeli.test"))
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert response.status_code == 302 and response.url == reverse("customer:order", kwargs={"order_number": order.number})
    order.refresh_from_db()
    assert order.user is not None


def test_account_orders_list_says_status_business_total_and_lacak(client, shop, test_payments,  # noqa: F811
                                                                  django_capture_on_commit_callbacks):
    shopper = make_user("dewi@pembeli.test")
    client.force_login(shopper)
    order = guest_buys(client, shop, django_capture_on_commit_callbacks)
    assert order.user == shopper
    page = client.get(reverse("customer:order-list")).content.decode().replace("\xa0", " ")
    assert f"#{order.number}" in page and "Dibayar" in page
    assert "Sepatu Mampang" in page and "Kerupuk Cilincing" in page and "Lacak" in page
    assert "Tanggal pesan" in page and "dikirim" not in page.lower().split("lacak")[0].split("tanggal pesan")[1][:80]
    detail = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()
    assert detail.count('class="account-card parcel"') == 2
    # Another shopper's order is not theirs to see.
    client.force_login(make_user("lain@pembeli.test"))
    assert client.get(reverse("customer:order", kwargs={"order_number": order.number})).status_code == 404


def test_saved_addresses_add_edit_default_delete_and_are_private(client):
    shopper = make_user("dewi@pembeli.test")
    client.force_login(shopper)
    data = {"first_name": "Dewi Lestari", "phone_number": "0812 3456 7001", "line1": "Jl. Kemang Raya 12", "rt_rw": "003/005",
            "kelurahan": "Bangka", "kecamatan": kecamatan("mampang-prapatan").pk, "line4": "Jakarta Selatan",
            "state": "DKI Jakarta", "postcode": "12730"}
    response = client.post(reverse("customer:address-create"), {**data, "kecamatan": ""})
    assert response.status_code == 200 and "kecamatan" in response.content.decode().lower()  # a kecamatan is needed
    assert client.post(reverse("customer:address-create"), data).status_code == 302
    assert client.post(reverse("customer:address-create"), {**data, "line1": "Jl. Bangka 3", "postcode": "\x00"}).status_code < 500
    address = UserAddress.objects.get(line1="Jl. Kemang Raya 12")
    assert str(address.phone_number) == "+6281234567001" and address.country.iso_3166_1_a2 == "ID"
    page = client.get(reverse("customer:address-list")).content.decode()
    assert "Jl. Kemang Raya 12" in page and "Kec. Mampang Prapatan" in page
    client.post(reverse("customer:address-detail", kwargs={"pk": address.pk}), {**data, "line1": "Jl. Kemang Raya 14"})
    address.refresh_from_db()
    assert address.line1 == "Jl. Kemang Raya 14"
    client.get(reverse("customer:address-change-status", kwargs={"pk": address.pk, "action": "default_for_shipping"}))
    address.refresh_from_db()
    assert address.is_default_for_shipping
    client.force_login(make_user("lain@pembeli.test"))
    assert client.get(reverse("customer:address-detail", kwargs={"pk": address.pk})).status_code == 404
    assert client.post(reverse("customer:address-delete", kwargs={"pk": address.pk})).status_code == 404
    client.force_login(shopper)
    client.post(reverse("customer:address-delete", kwargs={"pk": address.pk}))
    assert not UserAddress.objects.filter(pk=address.pk).exists()
