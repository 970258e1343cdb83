"""One-page checkout, payment pages and the thank-you page.

The shopper fills one form (who, delivery or Mart pickup, payment). On
submit the basket's stock is held and frozen, and a PaymentAttempt opens with
the chosen gateway; the payment page then takes the money (the gateway's widget
or hosted page, the Mart counter, or the development-only test payment).
Gateways are reached only through ``payments.gateways`` and their capability flags.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from oscar.core.loading import get_model

from checkout.forms import OUTSIDE, CheckoutForm
from places.models import Kecamatan
from shipping.methods import MartPickup, ZoneShipping, shopper_kecamatan
from shipping.templatetags.parcel_tags import shipping_parcels
from checkout.placement import basket_total, itemise, shipping_method, start_payment
from consignment import shelves
from payments import gateways, stock
from payments.models import PaymentAttempt
from payments.services import PaymentNotStarted, client_secret_for, confirm_payment, fail_payment

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
SESSION_ATTEMPTS = "payment_attempts"
SESSION_FORM = "checkout_form"
DIGITS = re.compile(r"[0-9]{1,9}")  # a primary key as typed in a URL; anything else is not one


def remember(request, key, value):
    values = request.session.get(key, [])
    if value not in values:
        request.session[key] = (values + [value])[-20:]


def own_attempt(request, number):
    """The attempt for ``number`` if it was started in this browser session or by this user."""
    attempt = get_object_or_404(PaymentAttempt.objects.select_related("order", "basket"), order_number=number)
    if attempt.pk in request.session.get(SESSION_ATTEMPTS, []) or (
        request.user.is_authenticated and attempt.user_id == request.user.pk
    ):
        return attempt
    raise Http404


def live_attempt(request):
    """The payment this browser is in the middle of (its basket is frozen while it lasts), if any."""
    pks = request.session.get(SESSION_ATTEMPTS, [])
    if not pks:
        return None
    return (PaymentAttempt.objects.filter(pk__in=pks, status=PaymentAttempt.Status.PENDING, order=None,
                                          basket__status=Basket.FROZEN).order_by("-pk").first())


def restore_basket(request, attempt):
    """After a failed or cancelled payment, the shopper's basket is the one they had (plus anything added since)."""
    # Load the request's basket first (Oscar's middleware may merge baskets while doing so),
    # then read the attempt's basket as it is now.
    current = request.basket
    current_id = current.id
    basket = Basket.objects.filter(pk=attempt.basket_id).first() if attempt.basket_id else None
    if basket is None or basket.status != Basket.OPEN:
        return
    if current_id and current_id != basket.id:
        basket.merge(current)
        if not request.user.is_authenticated:
            # The cookie names the merged-away basket; Oscar's middleware re-sets it to this one.
            request.cookies_to_delete.append(settings.OSCAR_BASKET_COOKIE_OPEN)
    basket.strategy = request.strategy
    request.basket = basket


class CheckoutView(FormView):
    template_name = "oscar/checkout/checkout.html"
    form_class = CheckoutForm

    def dispatch(self, request, *args, **kwargs):
        if request.basket.is_empty:
            attempt = live_attempt(request)
            if attempt is not None:
                # A second click on "continue to payment", or the back button: the same payment page.
                return redirect("checkout:payment", number=attempt.order_number)
            messages.info(request, _("Your basket is empty."))
            return redirect("basket:summary")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if self.request.method == "GET" and self.request.session.get(SESSION_FORM):
            kwargs["initial"] = {**kwargs.get("initial", {}), **self.request.session[SESSION_FORM]}
        return kwargs

    def get_context_data(self, **kwargs):
        basket = self.request.basket
        groups = {}
        for line in basket.all_lines():
            partner = line.stockrecord.partner if line.stockrecord_id else None
            groups.setdefault(partner, []).append(line)
        kwargs.setdefault("form", self.get_form())
        # What each Mart has on its shelf for this basket now (consignment): pickup from the shelf is ready today.
        marts = kwargs["form"].fields["mart"].queryset
        return super().get_context_data(basket=basket, groups=list(groups.items()), rates=settings.SHIPPING_RATES,
                                        shipping=self.shipping_estimate(basket, kwargs.get("form")),
                                        shelves=shelves.shelves_for_basket(basket.all_lines(), marts), **kwargs)

    def shipping_estimate(self, basket, form):
        """The same rule as the basket's: to the kecamatan this form starts with (a saved address, the last
        one typed, or the shopper's own), labelled an estimate; the payment page shows the exact sum."""
        destination = None
        if form is not None:
            saved = form.saved_addresses.get(str(form["saved_address"].value() or "")) if "saved_address" in form.fields else None
            value = str(saved.kecamatan_id or "") if saved is not None else str(form["kecamatan"].value() or "")
            destination = Kecamatan.objects.filter(pk=value).first() if DIGITS.fullmatch(value) else None
        method = ZoneShipping(destination or shopper_kecamatan(self.request), estimate=True)
        return shipping_parcels(method, basket)

    def form_valid(self, form):
        request = self.request
        basket = request.basket
        request.session[SESSION_FORM] = {k: v for k, v in form.data.items() if k in form.fields and k not in ("mart",)}
        unavailable = [line.product.get_title() for line in basket.all_lines() if not line.purchase_info.availability.is_available_to_buy]
        if unavailable:
            messages.error(request, _("No longer available: %(titles)s. Remove them from your basket to continue.") % {"titles": ", ".join(unavailable)})
            return redirect("basket:summary")
        checkout = form.checkout_data()
        gateway = form.cleaned_data["gateway"]
        total, _charge = basket_total(basket, shipping_method(checkout))
        minimum = gateways.get(gateway).minimum_amount()
        if minimum and total.incl_tax < minimum:
            form.add_error("gateway", _("Online payment starts at Rp %(min)s; add something to your basket or pay at a Mart.")
                           % {"min": f"{minimum:,}".replace(",", ".")})
            return self.form_invalid(form)
        try:
            attempt = start_payment(basket, checkout, gateway, user=request.user)
        except stock.SoldOut as error:
            messages.error(request, str(error))
            return redirect("basket:summary")
        except PaymentNotStarted as error:
            messages.error(request, str(error))
            return self.form_invalid(form)
        remember(request, SESSION_ATTEMPTS, attempt.pk)
        if getattr(attempt, "client_secret", ""):
            request.session[f"client_secret:{attempt.pk}"] = attempt.client_secret
        if getattr(attempt, "redirect_url", ""):
            request.session[f"redirect_url:{attempt.pk}"] = attempt.redirect_url
        if attempt.order_id or not gateways.get(attempt.gateway).needs_browser_step:
            return redirect("checkout:thank-you", number=attempt.order_number)
        return redirect("checkout:payment", number=attempt.order_number)


class ShippingEstimateView(TemplateView):
    """The checkout summary's shipping, parcel by parcel, for the kecamatan being typed (fetched by the
    checkout page's script; without it the page keeps its first estimate). ``?kecamatan=<pk>|luar``, ``&ambil=1``."""

    template_name = "shipping/_parcels.html"

    def get_context_data(self, **kwargs):
        basket = self.request.basket
        value = self.request.GET.get("kecamatan", "")
        if self.request.GET.get("ambil") == "1":
            method = MartPickup()
        elif value == OUTSIDE:
            method = ZoneShipping(None)
        elif DIGITS.fullmatch(value) and Kecamatan.objects.filter(pk=value).exists():
            # Still an estimate: the payment page shows the sum for the address given.
            method = ZoneShipping(Kecamatan.objects.get(pk=value), estimate=True)
        else:
            method = ZoneShipping(shopper_kecamatan(self.request), estimate=True)
        return {"shipping": shipping_parcels(method, basket)}


class PaymentView(TemplateView):
    def dispatch(self, request, *args, **kwargs):
        self.attempt = own_attempt(request, kwargs["number"])
        if self.attempt.order_id:
            return redirect("checkout:thank-you", number=self.attempt.order_number)
        if self.attempt.status != PaymentAttempt.Status.PENDING:
            restore_basket(request, self.attempt)
            messages.error(request, self.attempt.failure_message or _("The payment did not go through. Your basket is kept; you can try again."))
            return redirect("basket:summary")
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        return [gateways.get(self.attempt.gateway).template]

    def get_context_data(self, **kwargs):
        gateway = gateways.get(self.attempt.gateway)
        basket = self.attempt.basket
        client_secret = self.request.session.get(f"client_secret:{self.attempt.pk}", "")
        if not client_secret and gateway.in_page_widget:
            # A parallel submit or a crash left this browser without it: ask the provider again.
            try:
                client_secret = client_secret_for(self.attempt)
            except Exception:
                messages.error(self.request, _("The payment provider cannot be reached right now; nothing was charged. "
                                               "Reload this page in a moment."))
            else:
                self.request.session[f"client_secret:{self.attempt.pk}"] = client_secret
        return super().get_context_data(
            attempt=self.attempt, lines=basket.all_lines() if basket else [], itemised=itemise(self.attempt),
            client_secret=client_secret, redirect_url=self.request.session.get(f"redirect_url:{self.attempt.pk}", ""),
            return_url=self.request.build_absolute_uri(f"/checkout/bayar/{self.attempt.order_number}/status/"),
            **gateway.page_context(self.attempt), **kwargs,
        )


class TestPayView(View):
    """Development only: pretend the payment succeeded or failed."""

    def post(self, request, number):
        if not settings.TEST_PAYMENTS:
            raise Http404
        attempt = own_attempt(request, number)
        if not gateways.get(attempt.gateway).simulated:
            raise Http404
        if request.POST.get("result") == "fail":
            fail_payment(attempt, _("The test payment was declined. Your basket is kept; you can try again."))
            return redirect("checkout:payment", number=number)
        confirm_payment(attempt.pk, amount=attempt.amount, currency=attempt.currency)
        return redirect("checkout:thank-you", number=number)


class CancelPaymentView(View):
    def post(self, request, number):
        attempt = own_attempt(request, number)
        attempt = fail_payment(attempt, "")
        if attempt.order_id:
            return redirect("checkout:thank-you", number=number)
        restore_basket(request, attempt)
        messages.info(request, _("Payment cancelled. Your basket is kept."))
        return redirect("basket:summary")


class PaymentStatusView(TemplateView):
    """Where the provider sends the browser back. The webhook is the source of truth; this page waits for it,
    and asks the gateway in case the webhook is late."""

    template_name = "payments/status.html"

    def get(self, request, number):
        attempt = own_attempt(request, number)
        if attempt.order_id:
            return redirect("checkout:thank-you", number=number)
        if attempt.status != PaymentAttempt.Status.PENDING:
            return redirect("checkout:payment", number=number)
        if attempt.reference:
            try:
                status = gateways.get(attempt.gateway).confirm(attempt)
            except Exception:
                status = None
            if status is not None and status.paid and status.reference == attempt.reference:
                confirm_payment(attempt.pk, amount=status.amount, currency=status.currency, charge=status.charge)
                return redirect("checkout:thank-you", number=number)
        return self.render_to_response({"attempt": attempt})


class ThankYouView(TemplateView):
    template_name = "oscar/checkout/thank_you.html"

    def get(self, request, *args, **kwargs):
        attempt = own_attempt(request, kwargs["number"])
        if attempt.order_id is None:
            # Not (or never to be) an order: the payment page says why (waiting, refunded, with staff).
            return redirect("checkout:payment", number=attempt.order_number)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        attempt = own_attempt(self.request, self.kwargs["number"])
        order = attempt.order
        if order is None:
            raise Http404
        return super().get_context_data(order=order, attempt=attempt, lines=order.lines.select_related("partner"),
                                        from_shelf=bool(stock.shelf_of(attempt.checkout)), **kwargs)
