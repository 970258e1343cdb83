"""A Mart's shelf of members' products on consignment, every movement of it, and the Mart operators.

A maker delivers units to a Mart at an agreed share (the maker's part of the
till price); the Mart sells them at its till, counts them, or returns them. The
shelf is its own stock: the maker's online stock (``StockRecord.num_in_stock``)
is what the maker keeps at home and is not changed by deliveries or returns.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MartOperator(models.Model):
    """A user who runs one Mart's counter (assigned by programme staff); sees and changes only that Mart."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mart_operator",
                                verbose_name=_("user"))
    mart = models.ForeignKey("places.Mart", on_delete=models.CASCADE, related_name="operators", verbose_name=_("OK OCE Mart"))
    date_assigned = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Mart operator")
        verbose_name_plural = _("Mart operators")

    def __str__(self):
        return f"{self.user} → {self.mart}"


class ShelfStock(models.Model):
    """How many units of one maker's variant a Mart holds on consignment, and on what terms.

    ``allocated`` units are set aside for online orders picked up here (held
    while the shopper pays, until the operator hands them over); the till may
    sell only ``on_shelf - allocated``.
    """

    mart = models.ForeignKey("places.Mart", on_delete=models.PROTECT, related_name="shelf", verbose_name=_("OK OCE Mart"))
    stockrecord = models.ForeignKey("partner.StockRecord", on_delete=models.PROTECT, related_name="shelves",
                                    verbose_name=_("product variant"))
    on_shelf = models.PositiveIntegerField(_("on the shelf"), default=0)
    allocated = models.PositiveIntegerField(_("set aside for online orders"), default=0)
    price = models.DecimalField(_("till price"), max_digits=12, decimal_places=0)
    share = models.DecimalField(_("maker's share"), max_digits=4, decimal_places=3,
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
                                help_text=_("The maker's part of the till price, e.g. 0.800 for 80%."))
    date_updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["mart", "stockrecord__partner__name", "stockrecord__product__title"]
        verbose_name = _("shelf stock")
        verbose_name_plural = _("shelf stock")
        constraints = [
            models.UniqueConstraint(fields=["mart", "stockrecord"], name="consignment_one_shelf_row_per_variant"),
            models.CheckConstraint(condition=Q(allocated__lte=F("on_shelf")), name="consignment_allocated_within_shelf"),
        ]

    def __str__(self):
        return f"{self.mart}: {self.stockrecord.product} × {self.on_shelf}"

    @property
    def available(self):
        return self.on_shelf - self.allocated

    @property
    def share_percent(self):
        return (self.share * 100).normalize()

    @property
    def maker_unit_amount(self):
        return maker_amount(self.price, self.share, 1)


def maker_amount(price, share, quantity):
    """What the maker is owed for ``quantity`` units sold at ``price`` with ``share`` (whole rupiah)."""
    return (Decimal(price) * Decimal(share) * quantity).quantize(Decimal("1"))


class Movement(models.Model):
    """One change to a Mart's shelf, kept for the maker, the operator and staff (never edited)."""

    class Kind(models.TextChoices):
        DELIVERY = "delivery", _("Delivered by the maker")
        COUNT = "count", _("Stock count")
        TILL_SALE = "till_sale", _("Sold at the till")
        RETURN = "return", _("Returned to the maker")
        PICKUP = "pickup", _("Online order handed over")

    shelf = models.ForeignKey(ShelfStock, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    quantity = models.IntegerField(_("change"), help_text=_("Units added to (+) or taken from (−) the shelf."))
    counted = models.PositiveIntegerField(_("counted"), null=True, blank=True)
    price = models.DecimalField(_("till price"), max_digits=12, decimal_places=0)
    share = models.DecimalField(_("maker's share"), max_digits=4, decimal_places=3)
    maker_amount = models.DecimalField(_("owed to the maker"), max_digits=14, decimal_places=0, default=0)
    ledger_entry = models.OneToOneField("payments.LedgerEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    date_created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-date_created", "-pk"]
        verbose_name = _("shelf movement")
        verbose_name_plural = _("shelf movements")

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity:+d}"
