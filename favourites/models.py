from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ShopFollow(models.Model):
    """A shopper follows a member business's shop, to see its new products in their feed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_shops")
    partner = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, related_name="followers")
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "partner"], name="favourites_one_follow_per_shop")]
        verbose_name = _("followed shop")
        verbose_name_plural = _("followed shops")

    def __str__(self):
        return f"{self.user} → {self.partner}"
