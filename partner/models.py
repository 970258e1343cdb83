"""Member businesses: Oscar's Partner extended with what the programme knows of a maker."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner

from partner import couriers

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
    review_reason = models.TextField(_("reason given by staff"), blank=True)
    stripe_account_id = models.CharField(
        _("Stripe connected account"), max_length=64, blank=True,
        help_text=_("acct_… when the platform may pay this business through Stripe Connect; empty: paid by bank transfer."),
    )
    date_reviewed = models.DateTimeField(_("date reviewed"), null=True, blank=True)
    language = models.CharField(
        _("language for emails"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE,
        help_text=_("The shop writes to this business in this language, whoever's action the email is about."),
    )

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


class MemberInvitation(models.Model):
    """A member business invites a colleague (by email) to act for it."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    date_created = models.DateTimeField(default=timezone.now)
    date_accepted = models.DateTimeField(null=True, blank=True)

    VALID_DAYS = 7

    class Meta:
        ordering = ["-date_created"]

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.date_accepted is None and timezone.now() < self.date_created + timedelta(days=self.VALID_DAYS)


class LineFulfilment(models.Model):
    """How far a member business got with shipping one order line."""

    class Status(models.TextChoices):
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        PICKED_UP = "picked_up", _("Picked up at the Mart")

    # The line left the maker: its units have left stock. Delivered and picked-up lines may be reviewed.
    SENT = (Status.SHIPPED, Status.DELIVERED, Status.PICKED_UP)
    RECEIVED = (Status.DELIVERED, Status.PICKED_UP)

    line = models.OneToOneField("order.Line", on_delete=models.CASCADE, related_name="fulfilment")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    courier = models.CharField(_("courier"), max_length=64, blank=True, choices=couriers.CHOICES)
    courier_other = models.CharField(_("courier's name"), max_length=64, blank=True,
                                     help_text=_("When the courier is not in the list."))
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    stock_consumed = models.BooleanField(default=False, editable=False, help_text="The shipped units left the stock once.")
    date_updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    @property
    def is_shipped(self):
        """Sent on its way (shipped, and later delivered or picked up): the courier details still apply."""
        return self.status in self.SENT

    @property
    def courier_name(self):
        """The courier as the shopper reads it: the list's name, or what the seller typed for "other"."""
        if self.courier == couriers.OTHER:
            return self.courier_other or str(couriers.COURIERS[couriers.OTHER].name)
        found = couriers.get(self.courier)
        return found.name if found else self.courier

    @property
    def tracking_url(self):
        """This parcel's page at its courier, or "" when the courier has none by number."""
        found = couriers.get(self.courier)
        return found.tracking_url(self.tracking_number) if found else ""

    @property
    def tracking_page(self):
        """The courier's page where the number is pasted (when there is no page per parcel)."""
        found = couriers.get(self.courier)
        return found.track_page if found and not self.tracking_url else ""


class FoodCompliance(models.Model):
    """Staff's check of a packaged food's registration and halal certificate.

    The numbers themselves are product attributes the seller types; this
    record says staff verified them. A seller changing any of them sends the
    product back to "unverified" (``verified_at`` cleared).
    """

    product = models.OneToOneField("catalogue.Product", on_delete=models.CASCADE, related_name="compliance")
    verified_at = models.DateTimeField(null=True, blank=True, db_index=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    halal_expiry = models.DateField(_("halal certificate valid until"), null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    date_reminded = models.DateField(null=True, blank=True)

    @property
    def is_verified(self):
        return self.verified_at is not None

    @property
    def halal_verified(self):
        return self.is_verified and self.halal_expiry is not None and self.halal_expiry >= timezone.localdate()

    def decide(self, user, approve, reason=""):
        """Staff verified the numbers (``approve``) or refused them with ``reason``."""
        self.verified_at = timezone.now() if approve else None
        self.verified_by = user if approve else None
        self.rejection_reason = "" if approve else reason
        self.save()


from oscar.apps.partner.models import *  # noqa: E402,F401,F403
