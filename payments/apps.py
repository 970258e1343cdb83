from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Money movement: payment gateways, payment attempts, webhook events and the members' ledger.

    Its own app because payments, payouts and settlements are one concept that
    Oscar's checkout, the seller centre and staff all use.
    """

    name = "payments"
    verbose_name = _("Payments and payouts")

    def ready(self):
        from django.db.models.signals import pre_delete
        from oscar.core.loading import get_model

        from order.processing import register_unpaid_order_canceller
        from payments.services import cancel_unpaid_order
        from payments.signals import refuse_deleting_held_stock

        register_unpaid_order_canceller(cancel_unpaid_order)

        pre_delete.connect(refuse_deleting_held_stock, sender=get_model("partner", "StockRecord"),
                           dispatch_uid="refuse_deleting_held_stock")
