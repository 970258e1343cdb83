"""Who runs and who pays for a discount built on Oscar's offers.

A ``Promotion`` wraps one ``offer.ConditionalOffer`` (its range, condition,
benefit and optional voucher). ``partner`` set: a maker's own promotion, on that
maker's products only, paid by the maker (their payout is reduced). ``partner``
empty: a programme campaign across chosen makers or kecamatan, paid by the
programme. The offer's products are always computed here from the makers'
stock, never taken from a form.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Promotion(models.Model):
    class Kind(models.TextChoices):
        PERCENTAGE = "percentage", _("Percentage off")
        AMOUNT = "amount", _("Rupiah off")

    offer = models.OneToOneField("offer.ConditionalOffer", on_delete=models.CASCADE, related_name="promotion")
    voucher = models.OneToOneField("voucher.Voucher", on_delete=models.SET_NULL, null=True, blank=True, related_name="promotion")
    partner = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, null=True, blank=True, related_name="promotions",
                                help_text=_("The maker who runs and pays for it; empty for a programme campaign."))
    title = models.CharField(_("Name"), max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PERCENTAGE)
    value = models.DecimalField(max_digits=12, decimal_places=0)
    all_products = models.BooleanField(default=True, help_text=_("Products the makers list later join it too."))
    minimum = models.DecimalField(_("Minimum basket"), max_digits=12, decimal_places=0, default=0)
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    # Programme campaigns only: who takes part, a banner and a page of their own.
    slug = models.SlugField(max_length=80, blank=True)
    banner = models.CharField(_("Banner text"), max_length=200, blank=True)
    makers = models.ManyToManyField("partner.Partner", blank=True, related_name="campaigns")
    kecamatan = models.ManyToManyField("places.Kecamatan", blank=True, related_name="campaigns")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts", "-pk"]
        constraints = [models.UniqueConstraint(fields=["slug"], condition=~models.Q(slug=""), name="promotion_unique_slug")]

    def __str__(self):
        return self.title

    @property
    def is_campaign(self):
        return self.partner_id is None

    @property
    def code(self):
        return self.voucher.code if self.voucher_id else ""

    @property
    def is_live(self):
        now = timezone.now()
        return self.starts <= now <= self.ends and self.offer.status == self.offer.OPEN

    def get_absolute_url(self):
        return reverse("promotions:campaign", kwargs={"slug": self.slug}) if self.is_campaign and self.slug else ""
