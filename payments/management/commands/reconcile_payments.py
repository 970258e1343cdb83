"""List every mismatch between the payment provider and our orders.

From our own record of what the gateway said (``PaymentAttempt.gateway_status``,
``received_amount``; kept for every webhook, return and API answer):
- a payment that succeeded but has neither an order nor a refund (money without an order);
- a paid amount or currency that differs from what was asked (sent to staff, no order);
- a refund owed for a payment that could not become an order and not yet sent;
- an order whose total differs from what was paid; a payment marked paid without an order;
- stock allocated beyond what is in stock (two orders for one unit).
And from each gateway's own list, when it can list payments (Stripe, when configured):
- a payment that succeeded at the provider but has no order here;
- an order paid through the provider that the provider does not report as succeeded.
Payments settled automatically (refunded because their stock was gone, or taking their stock
again after their hold lapsed) are listed as "settled", not counted as mismatches.
Exit status 1 when any mismatch is listed, so a scheduler can alert.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F
from django.utils import timezone
from oscar.core.loading import get_model

from payments import gateways
from payments.models import PaymentAttempt

StockRecord = get_model("partner", "StockRecord")
Status = PaymentAttempt.Status


def money(amount, currency):
    return f"{amount:.0f} {currency.upper()}"


class Command(BaseCommand):
    help = "Compare payments (our record of the gateway's answers, and the gateways' lists) with orders and list mismatches."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="How far back to look (default 7).")

    def handle(self, *args, days, **options):
        since = timezone.now() - timedelta(days=days)
        problems, settled = [], []
        for attempt in PaymentAttempt.objects.filter(date_created__gte=since).select_related("order").order_by("pk"):
            n = attempt.order_number
            received = (money(attempt.received_amount, attempt.received_currency or attempt.currency)
                        if attempt.received_amount is not None else money(attempt.amount, attempt.currency))
            if attempt.status == Status.SUCCEEDED and attempt.order_id is None:
                problems.append(f"{n}: marked paid but no order exists")
            if attempt.order_id and attempt.order.total_incl_tax != attempt.amount:
                problems.append(f"{n}: order total {attempt.order.total_incl_tax} ≠ paid {attempt.amount}")
            if attempt.order_id and attempt.received_amount is not None and attempt.received_amount != attempt.order.total_incl_tax:
                problems.append(f"{n}: order total {attempt.order.total_incl_tax} ≠ received {received}")
            if attempt.status == Status.REVIEW:
                problems.append(f"{n}: paid {received}, expected {money(attempt.amount, attempt.currency)}; no order placed, "
                                f"staff must return the money ({attempt.email}, {attempt.reference or attempt.gateway})")
            elif attempt.status == Status.REFUND_DUE:
                problems.append(f"{n}: paid {received} but no order could be made; refund not yet sent "
                                f"(release_holds retries it) ({attempt.email})")
            elif attempt.status == Status.REFUNDED:
                settled.append(f"{n}: paid {received} after its stock was gone; refunded automatically "
                               f"({attempt.refund_reference or attempt.gateway}), shopper emailed")
            elif attempt.gateway_status == "succeeded" and attempt.order_id is None:
                problems.append(f"{n}: {attempt.reference} succeeded ({received}) but has no order and no refund")
            if attempt.order_id and attempt.checkout.get("late"):
                settled.append(f"{n}: paid after its hold lapsed; the stock was still there and was taken again")
        for record in StockRecord.objects.filter(num_allocated__gt=F("num_in_stock")).select_related("product"):
            problems.append(f"stock {record.partner_sku} ({record.product.get_title() if record.product else '?'}): "
                            f"{record.num_allocated} allocated but {record.num_in_stock} in stock")
        for gateway in gateways.enabled():
            listed = gateway.list_payments(since)
            if listed is None:
                continue
            ours = {a.reference: a for a in PaymentAttempt.objects.filter(gateway=gateway.code, date_created__gte=since).exclude(reference=None)}
            seen = set()
            for payment in listed:
                seen.add(payment.reference)
                attempt = ours.get(payment.reference)
                if payment.paid and (attempt is None or (attempt.order_id is None and attempt.status != Status.REFUNDED)):
                    problems.append(f"{payment.reference}: succeeded at {gateway.name} ({payment.amount} "
                                    f"{payment.currency.upper()}) but no order here")
            for reference, attempt in ours.items():
                if attempt.status == Status.SUCCEEDED and reference not in seen:
                    problems.append(f"{attempt.order_number}: paid here with {reference}, which {gateway.name} did not list as succeeded")
        for line in problems:
            self.stdout.write(line)
        for line in settled:
            self.stdout.write(f"settled: {line}")
        self.stdout.write(f"{len(problems)} mismatch(es).")
        if problems:
            raise CommandError("Payments and orders disagree; see the lines above.", returncode=1)
