from oscar.apps.shipping import repository

from shipping.methods import MartPickup, ZoneShipping


class Repository(repository.Repository):
    """Delivery to an address (priced by zone) or pickup at a Mart."""

    def get_available_shipping_methods(self, basket, user=None, shipping_addr=None, request=None, **kwargs):
        destination = getattr(shipping_addr, "kecamatan", None)
        return [ZoneShipping(destination), MartPickup()]
