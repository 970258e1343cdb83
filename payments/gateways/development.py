"""The development test payment: no money moves. Offered only with TEST_PAYMENTS (DEBUG, no Stripe keys)."""

from django.utils.translation import gettext_lazy as _

from payments.gateways.base import Gateway


class TestGateway(Gateway):
    code = "uji"
    name = "test"
    label = _("Test payment (no money moves; development only)")
    template = "payments/pay_test.html"
    simulated = True

    @classmethod
    def available(cls, settings):
        return settings.TEST_PAYMENTS
