"""Member businesses: Oscar's Partner extended with what the programme knows of a maker."""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner

whatsapp_validator = RegexValidator(
    r"^62\d{8,13}$",
    _("Write the WhatsApp number in international form without + or spaces, e.g. 6281234567890."),
)


class Partner(AbstractPartner):
    """A member business of OK OCE. ``name`` is its display name, ``code`` its URL slug.

    Every product belongs to one member business through its stock records.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    kecamatan = models.ForeignKey(
        "places.Kecamatan",
        on_delete=models.PROTECT,
        related_name="businesses",
        verbose_name=_("kecamatan"),
        null=True,
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    founder_name = models.CharField(_("founder"), max_length=128, blank=True)
    story = models.TextField(_("short story"), blank=True, help_text=_("Two or three sentences about how the business began."))
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True)
    whatsapp = models.CharField(_("WhatsApp number"), max_length=16, blank=True, validators=[whatsapp_validator])
    member_number = models.CharField(_("OK OCE member number"), max_length=32, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLIED, db_index=True)
    date_created = models.DateTimeField(_("date created"), default=timezone.now, editable=False)

    class Meta(AbstractPartner.Meta):
        pass

    @property
    def slug(self):
        return self.code

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    def get_absolute_url(self):
        return reverse("shop-detail", kwargs={"slug": self.code})


from oscar.apps.partner.models import *  # noqa: E402,F401,F403
