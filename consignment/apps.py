from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsignmentConfig(AppConfig):
    """Members' products on consignment at the OK OCE Marts: shelf stock, its movements and the Mart operators.

    Its own app because it needs partner (the maker's variants), places (the Mart)
    and payments (the maker's ledger), while places is the bottom layer that imports
    none of ours. It sits beside payments: it registers its shelves with
    ``payments.stock`` at start-up, so payments holds shelf stock without importing it.
    """

    name = "consignment"
    verbose_name = _("Consignment at the Marts")

    def ready(self):
        from consignment.shelves import ConsignmentShelves
        from payments.stock import register_shelves

        register_shelves(ConsignmentShelves())
