"""A product review by the buyer of one delivered order line, with photos, the seller's reply
and staff's hiding (Oscar's "rejected" status: a hidden review leaves the averages)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.reviews.abstract_models import AbstractProductReview


class ProductReview(AbstractProductReview):
    line = models.OneToOneField(
        "order.Line", on_delete=models.SET_NULL, null=True, blank=True, related_name="review",
        verbose_name=_("order line"), help_text=_("The bought line this review is about: one review per line."),
    )
    reply = models.TextField(_("seller's reply"), blank=True)
    reply_date = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    hidden_reason = models.TextField(_("why staff hid it"), blank=True)
    hidden_date = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta(AbstractProductReview.Meta):
        # One review per bought line (``line`` is unique) rather than Oscar's one per product and user:
        # a shopper who bought the same product twice may review each purchase.
        unique_together = ()
        ordering = ["-date_created", "-id"]

    def save(self, *args, **kwargs):
        if not self.title:
            self.title = (self.body or "").strip()[:80] or "-"
        super().save(*args, **kwargs)

    @property
    def is_hidden(self):
        return self.status == self.REJECTED


class ReviewPhoto(models.Model):
    """A buyer's photo of what arrived (checked and stripped of EXIF like sellers' photos)."""

    review = models.ForeignKey(ProductReview, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="reviews/%Y/%m", max_length=255)

    class Meta:
        ordering = ["id"]


from oscar.apps.catalogue.reviews.models import *  # noqa: E402,F401,F403
