"""Payment attempts, processed webhook events and the member businesses' ledger."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PaymentAttempt(models.Model):
    """One try at paying for a frozen basket. Its stock is reserved while it is pending.

    ``order_number`` is fixed when the attempt starts, so the browser's return
    and the webhook (in either order, or twice) place exactly one order.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        # Paid, but no order can be made (stock gone, products deleted): the money goes back.
        REFUND_DUE = "refund_due", _("Paid without an order; refund due")
        REFUNDED = "refunded", _("Refunded automatically")
        # Paid a different amount or currency than asked: staff decide.
        REVIEW = "review", _("Needs staff review")

    gateway = models.CharField(max_length=16)
    order_number = models.CharField(max_length=128, unique=True)
    reference = models.CharField(max_length=255, unique=True, null=True, blank=True, help_text=_("The gateway's id, e.g. pi_…"))
    basket = models.ForeignKey("basket.Basket", on_delete=models.SET_NULL, null=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    email = models.EmailField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="IDR")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    checkout = models.JSONField(default=dict, help_text=_("Delivery and shipping choices, to place the order without the session."))
    reserved = models.BooleanField(default=False, help_text=_("Stock is held for this attempt."))
    expires_at = models.DateTimeField(db_index=True)
    order = models.OneToOneField("order.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="payment_attempt")
    failure_message = models.TextField(blank=True)
    # What the gateway told us about this payment (webhook, return page, API answers): the local
    # record `reconcile_payments` works from, since Stripe's list may be partial (or stateless in tests).
    gateway_status = models.CharField(max_length=32, blank=True, help_text=_("Last status the gateway reported, e.g. succeeded."))
    received_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    received_currency = models.CharField(max_length=3, blank=True)
    refund_reference = models.CharField(max_length=255, blank=True)
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.order_number} ({self.gateway}, {self.status})"


class WebhookEvent(models.Model):
    """A gateway event already processed: inserted in the same transaction as its effect."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=128)
    date_received = models.DateTimeField(auto_now_add=True)


class LedgerEntry(models.Model):
    """Money owed to (+) or paid to (−) a member business."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        SHIPPING = "shipping", _("Shipping fee")
        COMMISSION = "commission", _("Programme commission")
        REFUND = "refund", _("Refund")
        TRANSFER = "transfer", _("Stripe transfer")
        PAYOUT = "payout", _("Bank transfer")
        # Promotions (maker-promos): a discount the shopper got on the business's lines, and the part
        # of it the programme pays back for its campaigns (payments/settlements.py, "Promotions").
        DISCOUNT = "discount", _("Discount to the shopper")
        CAMPAIGN = "campaign", _("Discount paid by the programme")
        # The maker's agreed share of a consignment sale at a Mart's till (consignment/services.py).
        MART_SALE = "mart_sale", _("Mart till sale (consignment)")

    partner = models.ForeignKey("partner.Partner", on_delete=models.PROTECT, related_name="ledger")
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reference = models.CharField(max_length=255, blank=True)
    note = models.CharField(max_length=255, blank=True)
    date_created = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["date_created", "pk"]
        verbose_name_plural = "ledger entries"

    @classmethod
    def balance(cls, partner, until=None):
        entries = cls.objects.filter(partner=partner)
        if until is not None:
            entries = entries.filter(date_created__lt=until)
        return entries.aggregate(total=Sum("amount"))["total"] or Decimal("0")


class Refund(models.Model):
    """Money given back to a shopper for some units of an order line (or the shipping)."""

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="refunds")
    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds")
    quantity = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reference = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    date_created = models.DateTimeField(auto_now_add=True)
