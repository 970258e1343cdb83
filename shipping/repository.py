from oscar.apps.shipping import repository

from shipping.methods import MartPickup, ZoneShipping, shopper_kecamatan


class Repository(repository.Repository):
    """Delivery to an address (priced by zone) or pickup at a Mart.

    Before checkout (the basket page) delivery is an estimate: to the kecamatan the shopper
    chose (kept in the session), else their saved address's, else "from" the cheapest zone.
    Checkout prices the address it is given (``checkout.placement.shipping_method``).
    """

    def get_available_shipping_methods(self, basket, user=None, shipping_addr=None, request=None, **kwargs):
        destination = shopper_kecamatan(request) or getattr(shipping_addr, "kecamatan", None)
        return [ZoneShipping(destination, estimate=True), MartPickup()]
