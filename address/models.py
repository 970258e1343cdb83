"""Oscar's address app with the Indonesian address structure.

Oscar's fields keep their meaning (line1 = street and house number, line4 =
kota/kabupaten, state = provinsi, postcode, phone_number); Indonesia adds
RT/RW, kelurahan and kecamatan. In Jakarta the kecamatan is one of the 44
(``places.Kecamatan``), which also decides the shipping zone.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.address.abstract_models import AbstractUserAddress


class IndonesianAddressFields(models.Model):
    rt_rw = models.CharField(_("RT/RW"), max_length=16, blank=True)
    kelurahan = models.CharField(_("kelurahan / desa"), max_length=64, blank=True)
    kecamatan = models.ForeignKey(
        "places.Kecamatan", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("kecamatan")
    )
    kecamatan_name = models.CharField(_("kecamatan (outside Jakarta)"), max_length=64, blank=True)

    class Meta:
        abstract = True

    @property
    def kecamatan_label(self):
        return self.kecamatan.name if self.kecamatan_id else self.kecamatan_name

    def active_address_fields(self):
        """Street, RT/RW, kelurahan, kecamatan, kota, provinsi, postcode: in Indonesian order."""
        parts = [
            self.salutation,
            self.line1,
            f"RT/RW {self.rt_rw}" if self.rt_rw else "",
            f"Kel. {self.kelurahan}" if self.kelurahan else "",
            f"Kec. {self.kecamatan_label}" if self.kecamatan_label else "",
            self.line4,
            " ".join(p for p in (self.state, self.postcode) if p),
        ]
        return [p for p in parts if p]


class UserAddress(IndonesianAddressFields, AbstractUserAddress):
    class Meta(AbstractUserAddress.Meta):
        pass


from oscar.apps.address.models import *  # noqa: E402,F401,F403
