from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    """Money movement: payment gateways, payment attempts, webhook events and the members' ledger.

    Its own app because payments, payouts and settlements are one concept that
    Oscar's checkout, the seller centre and staff all use.
    """

    name = "payments"
    verbose_name = _("Payments and payouts")
