from django.apps import AppConfig


class SellerConfig(AppConfig):
    """The seller centre (/penjual/): a member business's own pages, phone-first."""

    name = "seller"
    verbose_name = "Seller centre"
