from oscar.apps.shipping import repository

from shipping.methods import MartPickup, ZoneShipping, shopper_kecamatan


class Repository(repository.Repository):
    """Delivery to an address (priced by zone) or pickup at a Mart.

    Without an address (the basket page), delivery is an estimate to the shopper's own
    kecamatan (``shopper_kecamatan``), or "from" the cheapest zone when it is not known.
    """

    def get_available_shipping_methods(self, basket, user=None, shipping_addr=None, request=None, **kwargs):
        if shipping_addr is not None and getattr(shipping_addr, "kecamatan_id", None):
            return [ZoneShipping(shipping_addr.kecamatan), MartPickup()]
        if shipping_addr is not None and getattr(shipping_addr, "kecamatan_name", ""):
            return [ZoneShipping(None), MartPickup()]  # an address outside Jakarta
        return [ZoneShipping(shopper_kecamatan(request), estimate=True), MartPickup()]
