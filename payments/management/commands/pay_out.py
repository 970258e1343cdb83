"""Retry payouts (Stripe Connect transfers) that failed when their order was paid."""

from django.core.management.base import BaseCommand
from oscar.core.loading import get_model

from payments import gateways
from payments.models import PaymentAttempt
from payments.services import pay_out

Order = get_model("order", "Order")


class Command(BaseCommand):
    help = "Send connected member businesses their share of paid orders not yet paid out (gateways with payouts)."

    def handle(self, *args, **options):
        attempts = PaymentAttempt.objects.filter(gateway__in=gateways.codes_where("supports_payouts"), status=PaymentAttempt.Status.SUCCEEDED, order__isnull=False)
        sent = 0
        for attempt in attempts.select_related("order"):
            sent += len(pay_out(attempt.order_id, attempt.checkout.get("charge", "")))
        self.stdout.write(f"{sent} transfer(s) sent.")
