"""List every mismatch between the payment provider and our orders.

- a PaymentIntent that succeeded at Stripe but has no order here (money without an order);
- an order paid through Stripe whose PaymentIntent Stripe does not report as succeeded;
- a payment attempt marked paid without an order, or an amount that differs.
Exit status 1 when anything is listed, so a scheduler can alert.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from payments.gateways import from_stripe_amount, stripe_client
from payments.models import PaymentAttempt


class Command(BaseCommand):
    help = "Compare Stripe's PaymentIntents with orders and list mismatches."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="How far back to look (default 7).")

    def handle(self, *args, days, **options):
        since = timezone.now() - timedelta(days=days)
        problems = []
        for attempt in PaymentAttempt.objects.filter(date_created__gte=since):
            if attempt.status == PaymentAttempt.Status.SUCCEEDED and attempt.order_id is None:
                problems.append(f"{attempt.order_number}: marked paid but no order exists")
            if attempt.order_id and attempt.order.total_incl_tax != attempt.amount:
                problems.append(f"{attempt.order_number}: order total {attempt.order.total_incl_tax} ≠ paid {attempt.amount}")
        if settings.STRIPE_SECRET_KEY:
            ours = {a.reference: a for a in PaymentAttempt.objects.filter(gateway="stripe", date_created__gte=since).exclude(reference=None)}
            seen = set()
            intents = stripe_client().v1.payment_intents.list({"created": {"gte": int(since.timestamp())}, "limit": 100})
            for intent in intents.auto_paging_iter():
                seen.add(intent.id)
                attempt = ours.get(intent.id)
                if intent.status == "succeeded" and (attempt is None or attempt.order_id is None):
                    problems.append(f"{intent.id}: succeeded at Stripe ({from_stripe_amount(intent.amount_received, intent.currency)} "
                                    f"{intent.currency.upper()}) but no order here")
            for reference, attempt in ours.items():
                if attempt.status == PaymentAttempt.Status.SUCCEEDED and reference not in seen:
                    problems.append(f"{attempt.order_number}: paid here with {reference}, which Stripe did not list as succeeded")
        for line in problems:
            self.stdout.write(line)
        self.stdout.write(f"{len(problems)} mismatch(es).")
        if problems:
            raise CommandError("Payments and orders disagree; see the lines above.", returncode=1)
