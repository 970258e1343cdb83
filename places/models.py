"""Kecamatan (districts of DKI Jakarta) and the programme's physical OK OCE Marts."""

from datetime import timedelta

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class KecamatanQuerySet(models.QuerySet):
    def by_kota(self):
        """Kecamatan grouped as [(kota, [kecamatan, ...]), ...] in Kemendagri order."""
        groups = {}
        for kecamatan in self.order_by("kemendagri_code"):
            groups.setdefault(kecamatan.kota, []).append(kecamatan)
        return list(groups.items())


class Kecamatan(models.Model):
    """One of the 44 kecamatan of DKI Jakarta, loaded by a data migration."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    kota = models.CharField(_("kota"), max_length=64, db_index=True)
    kemendagri_code = models.CharField(_("Kemendagri code"), max_length=8, unique=True)
    lat = models.DecimalField(_("latitude"), max_digits=7, decimal_places=4)
    lon = models.DecimalField(_("longitude"), max_digits=7, decimal_places=4)
    alt_names = models.CharField(
        _("other spellings"), max_length=128, blank=True, help_text=_("Separated by semicolons; used as search synonyms.")
    )

    objects = KecamatanQuerySet.as_manager()

    class Meta:
        ordering = ["kemendagri_code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("places:kecamatan", kwargs={"slug": self.slug})


class Mart(models.Model):
    """A physical OK OCE Mart shop that resells members' products."""

    name = models.CharField(_("name"), max_length=128)
    slug = models.SlugField(_("slug"), unique=True)
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="marts", verbose_name=_("kecamatan"))
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    class Meta:
        ordering = ["kecamatan__kemendagri_code", "name"]
        verbose_name = _("OK OCE Mart")
        verbose_name_plural = _("OK OCE Mart")

    def __str__(self):
        return self.name

    def hours_on(self, weekday):
        """Opening hours for a weekday (0 = Monday), read from prefetched rows."""
        return [h for h in self.opening_hours.all() if h.weekday == weekday]

    def is_open_at(self, moment):
        local = timezone.localtime(moment)
        now = local.time()
        return any(h.opens_at <= now < h.closes_at for h in self.hours_on(local.weekday()))

    @property
    def is_open_now(self):
        return self.is_open_at(timezone.now())

    def next_opening_after(self, moment):
        """When the Mart next opens after ``moment`` (Jakarta time), within a week; None if it never does."""
        local = timezone.localtime(moment)
        for days_ahead in range(8):
            day = local + timedelta(days=days_ahead)
            for hours in self.hours_on(day.weekday()):
                if days_ahead or hours.opens_at > local.time():
                    return day.replace(hour=hours.opens_at.hour, minute=hours.opens_at.minute, second=0, microsecond=0)
        return None

    @property
    def next_opening(self):
        return self.next_opening_after(timezone.now())

    def reopening_note(self, moment=None):
        """What a closed Mart tells a shopper: "buka pukul 08.00", "buka besok pukul 08.00", "buka Senin pukul 08.00"."""
        moment = moment or timezone.now()
        opens = self.next_opening_after(moment)
        if opens is None:
            return ""
        time = f"{opens:%H.%M}"
        days = (opens.date() - timezone.localtime(moment).date()).days
        if days == 0:
            return gettext("opens at %(time)s") % {"time": time}
        if days == 1:
            return gettext("opens tomorrow at %(time)s") % {"time": time}
        return gettext("opens %(day)s at %(time)s") % {"day": date_format(opens, "l"), "time": time}

    @property
    def phone_uri(self):
        """A tel: link for the phone as written ("021-5550925" is +62 21 5550925)."""
        digits = "".join(c for c in self.phone if c.isdigit())
        if not digits:
            return ""
        return "tel:+62" + digits[1:] if digits.startswith("0") else "tel:+" + digits

    @property
    def map_url(self):
        """The Mart on Google Maps (its documented search URL), which a phone opens in its maps app."""
        return f"https://www.google.com/maps/search/?api=1&query={self.lat},{self.lon}"


class OpeningHours(models.Model):
    """One opening period of a Mart on one day of the week."""

    WEEKDAYS = [
        (0, _("Monday")),
        (1, _("Tuesday")),
        (2, _("Wednesday")),
        (3, _("Thursday")),
        (4, _("Friday")),
        (5, _("Saturday")),
        (6, _("Sunday")),
    ]
    mart = models.ForeignKey(Mart, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.span}"

    @property
    def span(self):
        return f"{self.opens_at:%H.%M}–{self.closes_at:%H.%M}"
