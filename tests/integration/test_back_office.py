"""The programme back office (/staf/): its home page, and the rules its pages call."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from partner import members
from payments.gateways.base import GatewayUnavailable
from partner.ownership import seller_of
from tests.factories import PartnerFactory, ProductFactory, make_user, place_order

pytestmark = pytest.mark.django_db

Partner = get_model("partner", "Partner")
FoodCompliance = get_model("partner", "FoodCompliance")


@pytest.fixture
def staff_client(client):
    client.force_login(make_user("staf@okoce.test", is_staff=True))
    return client


def test_home_lists_the_areas_with_what_waits_and_links_to_oscars_dashboard(staff_client):
    PartnerFactory(name="Usaha Baru", status=Partner.Status.APPLIED)
    seller = PartnerFactory(name="Usaha Lama")
    product = ProductFactory(title="Keripik", stock__partner=seller, moderation="pending")
    FoodCompliance.objects.create(product=product, halal_expiry=timezone.localdate() + timedelta(days=90))
    response = staff_client.get(reverse("backoffice:home"))
    assert response.status_code == 200
    assert response.context["counts"] == {"applications": 1, "listings": 1, "certificates": 1, "payments": 0, "failed_tasks": 0}
    page = response.content.decode()
    for name in ("members", "moderation", "compliance", "orders", "balances", "changes", "synonyms", "tasks"):
        assert reverse(f"backoffice:{name}") in page
    assert reverse("dashboard:index") in page


def test_a_refund_the_provider_refuses_is_reported_and_other_errors_are_not_hidden(staff_client):
    seller = PartnerFactory(name="Usaha Refund")
    product = ProductFactory(title="Tas", stock__partner=seller)
    order = place_order(make_user("pembeli@contoh.test"), [(product, 1)])
    line = order.lines.get()
    url = reverse("backoffice:order", kwargs={"number": order.number})
    data = {"action": "refund", "confirm": "1", f"refund-{line.pk}": "1"}
    with mock.patch("backoffice.finance.refund", side_effect=GatewayUnavailable("down")):
        response = staff_client.post(url, data, follow=True)
    assert "The payment provider refused the refund" in response.content.decode() or \
        "Penyedia pembayaran" in response.content.decode()
    with mock.patch("backoffice.finance.refund", side_effect=RuntimeError("a bug")):
        with pytest.raises(RuntimeError):
            staff_client.post(url, data)


def test_member_transitions_apply_only_from_their_status_and_email_the_business():
    request = RequestFactory().get("/")
    partner = PartnerFactory(name="Usaha Transisi", status=Partner.Status.APPLIED)
    partner.users.add(make_user("pemilik@usaha.test"))
    with pytest.raises(members.NotAllowed):
        members.suspend(partner, request, "x")
    members.approve(partner, request)
    assert partner.status == Partner.Status.ACTIVE and partner.date_reviewed
    members.suspend(partner, request, "Laporan pembeli.")
    partner.refresh_from_db()
    assert partner.status == Partner.Status.SUSPENDED and partner.review_reason == "Laporan pembeli."
    assert [m.to for m in mail.outbox] == [["pemilik@usaha.test"]] * 2
    members.reactivate(partner, request)
    assert Partner.objects.get(pk=partner.pk).is_active


def test_seller_of_is_the_same_with_and_without_prefetched_stock():
    from search.backends.database import for_display

    seller = PartnerFactory(name="Usaha Pemilik")
    product = ProductFactory(title="Sepatu", stock__partner=seller)
    Product = get_model("catalogue", "Product")
    assert seller_of(product) == seller
    assert seller_of(for_display(Product.objects.filter(pk=product.pk)).get()) == seller
    assert seller_of(Product(title="baru")) is None


def test_staff_land_on_the_back_office_after_logging_in_and_are_not_offered_a_seller_application(client):
    make_user("staf@okoce.test", password="sandi-staf-1", is_staff=True)
    response = client.post("/accounts/login/", {"login-username": "staf@okoce.test", "login-password": "sandi-staf-1",
                                                "login_submit": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:home")
    page = client.get(reverse("backoffice:home")).content.decode()
    assert reverse("dashboard:index") in page
    # The top bar offers staff their back office, not the seller centre's application form.
    assert f'href="{reverse("seller:home")}"' not in page
    assert client.get(reverse("seller:home"))["Location"] == reverse("backoffice:home")
    # A shopper still lands where they were going, and is offered the seller centre.
    client.logout()
    make_user("pembeli@contoh.test", password="sandi-beli-1")
    response = client.post("/accounts/login/", {"login-username": "pembeli@contoh.test", "login-password": "sandi-beli-1",
                                                "login_submit": "1"})
    assert response["Location"] != reverse("backoffice:home")
    assert f'href="{reverse("seller:home")}"' in client.get(reverse("catalogue:index")).content.decode()


def test_a_refund_shows_what_will_be_refunded_and_waits_for_confirmation(staff_client):
    seller = PartnerFactory(name="Usaha Tas")
    product = ProductFactory(title="Tas Anyaman", stock__partner=seller, stock__price=125000, stock__num_in_stock=5)
    order = place_order(make_user("pembeli@contoh.test"), [(product, 2)])
    line = order.lines.get()
    url = reverse("backoffice:order", kwargs={"number": order.number})
    response = staff_client.post(url, {"action": "refund", f"refund-{line.pk}": "1"})
    page = response.content.decode().replace("\xa0", " ")
    assert response.status_code == 200
    assert "Tas Anyaman" in page and "Rp 125.000" in page
    assert not order.refunds.exists()
    # Confirming sends exactly what was shown.
    response = staff_client.post(url, {"action": "refund", "confirm": "1", f"refund-{line.pk}": "1"}, follow=True)
    assert [(r.line_id, r.quantity, r.amount) for r in order.refunds.all()] == [(line.pk, 1, 125000)]
    # Asking for more than is left is refused before anything is shown as refundable.
    response = staff_client.post(url, {"action": "refund", f"refund-{line.pk}": "5"}, follow=True)
    assert response.redirect_chain and order.refunds.count() == 1


def test_the_change_log_names_fields_as_staff_read_them_and_leaves_out_related_records(staff_client):
    business = PartnerFactory(name="Usaha Tercatat")
    business.founder_name = "Rina Catat"
    business.save()
    page = staff_client.get(reverse("backoffice:changes")).content.decode()
    assert "Usaha Tercatat" in page and "Rina Catat" in page
    # Not "basket_lines: None → basket.Line.None": no reverse relations, no "None", no raw field names.
    assert ".None" not in page and "None →" not in page and "founder_name" not in page
