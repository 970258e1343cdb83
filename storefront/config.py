"""Oscar's root app, minus its "/" redirect, so Wagtail serves the home page; Oscar's customer app with
its order pages corrected and the guest order pages of order/views.py."""

from django.urls import path
from oscar.apps.customer.apps import CustomerConfig as OscarCustomerConfig
from oscar.config import Shop as OscarShop


class Shop(OscarShop):
    def get_urls(self):
        return [url for url in super().get_urls() if getattr(url, "name", None) != "home"]


class CustomerConfig(OscarCustomerConfig):
    """Oscar's customer app with storefront.views.OrderLineView (a foreign line id is a 404), registration that
    signs in without a 500 (storefront.views.RegisterUserMixin), a guest's order
    opened by its emailed link alone (order.views.GuestOrderView), and the link that joins guest orders to an account."""

    def ready(self):
        super().ready()
        from order.views import ClaimGuestOrdersView, GuestOrderView
        from storefront.views import AccountAuthView, AccountRegistrationView, OrderLineView

        self.order_line_view = OrderLineView
        self.register_view = AccountRegistrationView
        self.login_view = AccountAuthView
        self.anon_order_detail_view = GuestOrderView
        self.claim_guest_orders_view = ClaimGuestOrdersView

    def get_urls(self):
        urls = super().get_urls()
        urls.append(path("pesanan-tamu/<str:token>/", self.claim_guest_orders_view.as_view(), name="claim-guest-orders"))
        return urls
