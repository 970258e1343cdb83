"""Oscar's root app, minus its "/" redirect, so Wagtail serves the home page; Oscar's customer app with one view corrected."""

from oscar.apps.customer.apps import CustomerConfig as OscarCustomerConfig
from oscar.config import Shop as OscarShop


class Shop(OscarShop):
    def get_urls(self):
        return [url for url in super().get_urls() if getattr(url, "name", None) != "home"]


class CustomerConfig(OscarCustomerConfig):
    """Oscar's customer app with storefront.views.OrderLineView (a foreign line id is a 404) and
    storefront.views.AccountAuthView (staff land on the back office after logging in)."""

    def ready(self):
        super().ready()
        from storefront.views import AccountAuthView, OrderLineView

        self.order_line_view = OrderLineView
        self.login_view = AccountAuthView
