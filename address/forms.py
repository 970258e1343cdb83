"""The saved-address form of the shopper's account (Oscar's UserAddressForm, Indonesian fields).

Country is always Indonesia; the kecamatan is one of Jakarta's 44 or, outside Jakarta,
typed. The phone is Oscar's PhoneNumberMixin with Indonesia as the region (0812… works).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.address import forms as oscar_forms
from oscar.core.loading import get_model

from places.models import Kecamatan

UserAddress = get_model("address", "UserAddress")
Country = get_model("address", "Country")


def indonesia():
    country, _created = Country.objects.get_or_create(
        iso_3166_1_a2="ID", defaults={"iso_3166_1_a3": "IDN", "iso_3166_1_numeric": "360", "name": "Indonesia",
                                      "printable_name": "Indonesia", "is_shipping_country": True})
    return country


class UserAddressForm(oscar_forms.UserAddressForm):
    class Meta:
        model = UserAddress
        fields = ["first_name", "phone_number", "line1", "rt_rw", "kelurahan", "kecamatan", "kecamatan_name", "line4", "state",
                  "postcode", "notes"]
        labels = {"first_name": _("Recipient's name"), "line1": _("Street and house number"), "line4": _("Kota / kabupaten"),
                  "state": _("Provinsi"), "postcode": _("Postcode"), "notes": _("Notes for the courier")}
        widgets = {"notes": forms.Textarea(attrs={"rows": 2}), "postcode": forms.TextInput(attrs={"inputmode": "numeric"})}

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["kecamatan"].queryset = Kecamatan.objects.order_by("kota", "name")
        self.fields["kecamatan"].empty_label = _("Outside Jakarta / choose")
        self.fields["phone_number"].required = True
        self.fields["phone_number"].help_text = _("For the courier to reach the recipient, e.g. 0812 3456 7890.")
        self.fields["notes"].help_text = _("For example the colour of the gate, or a landmark nearby.")
        self.fields["postcode"].max_length = 10
        self.instance.country = indonesia()

    def clean(self):
        data = super().clean()
        if not data.get("kecamatan") and not (data.get("kecamatan_name") or "").strip():
            self.add_error("kecamatan_name", _("Choose a kecamatan in Jakarta, or write the kecamatan outside Jakarta."))
        if data.get("kecamatan"):
            data["kecamatan_name"] = ""
        return data
