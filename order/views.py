"""The shopper's order pages that Oscar's customer app does not have: a guest's order by its signed link,
and joining earlier guest orders to an account (order/guests.py says what "verified" means)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View
from oscar.core.loading import get_model

from order import guests

Order = get_model("order", "Order")


class GuestOrderView(TemplateView):
    """An order opened from its emailed link (Oscar's order hash). A wrong or tampered link is a 404.

    A signed-in shopper whose account has the order's email gets it (and the email's other
    guest orders) added to their account: opening the emailed link proves the mailbox is theirs."""

    template_name = "oscar/customer/anon_order.html"

    def get(self, request, *args, **kwargs):
        order = Order.objects.filter(number=kwargs["order_number"]).select_related("pickup_mart", "shipping_address").first()
        if order is None or not order.check_verification_hash(kwargs["hash"]):
            raise Http404("No order for this link")
        user = request.user
        if user.is_authenticated and order.user_id is None and (order.guest_email or "").lower() == (user.email or "").lower():
            added = guests.claim(user)
            if added:
                messages.success(request, ngettext("%(count)d earlier order was added to your account.",
                                                   "%(count)d earlier orders were added to your account.", added) % {"count": added})
                return redirect("customer:order", order_number=order.number)
        return self.render_to_response(self.get_context_data(order=order))


class ClaimGuestOrdersView(LoginRequiredMixin, View):
    """The link emailed on sign-in: adds the guest orders of the account's email to the account."""

    def get(self, request, token):
        if not guests.user_for_token(token, request.user):
            raise Http404("This link is not for this account, or it has expired")
        added = guests.claim(request.user)
        if added:
            messages.success(request, ngettext("%(count)d earlier order was added to your account.",
                                               "%(count)d earlier orders were added to your account.", added) % {"count": added})
        else:
            messages.info(request, _("Your earlier orders are already in your account."))
        return redirect("customer:order-list")


def offer_claim(sender, request, user, **kwargs):
    """On sign-in (registering signs in too): when guest orders carry the account's email, email a link to add them."""
    from django.core.cache import cache

    from order import emails

    count = guests.unclaimed(user.email).count()
    if not count or not cache.add(f"guest-claim-offered:{user.pk}", True, 3600):
        return
    emails.claim_guest_orders(user, count)
    if request is not None and hasattr(request, "_messages"):
        messages.info(request, ngettext(
            "You have %(count)d earlier order as a guest with this email. We emailed you a link to add it to your account.",
            "You have %(count)d earlier orders as a guest with this email. We emailed you a link to add them to your account.",
            count) % {"count": count})
