"""The one-page checkout form: who, where (Indonesian address or a Mart), and how to pay."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from payments.gateways import available
from places.models import Kecamatan, Mart

OUTSIDE = "luar"
NEW_ADDRESS = "baru"
ADDRESS_FIELDS = ("line1", "rt_rw", "kelurahan", "kecamatan", "kecamatan_name", "kota", "provinsi", "postcode", "notes")


def address_initial(address):
    """A saved (Oscar) UserAddress as this form's address fields."""
    return {
        "line1": address.line1, "rt_rw": address.rt_rw, "kelurahan": address.kelurahan,
        "kecamatan": str(address.kecamatan_id) if address.kecamatan_id else (OUTSIDE if address.kecamatan_name else ""),
        "kecamatan_name": address.kecamatan_name, "kota": address.line4, "provinsi": address.state,
        "postcode": address.postcode, "notes": address.notes,
    }


def address_label(address):
    return ", ".join(address.active_address_fields())  # the name (Oscar's salutation) first


class SavedAddressSelect(forms.RadioSelect):
    """Radio buttons for saved addresses, each carrying its kecamatan for the page's shipping estimate."""

    kecamatan = {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.kecamatan:
            option["attrs"]["data-kecamatan"] = self.kecamatan[str(value)]
        return option


class CheckoutForm(forms.Form):
    email = forms.EmailField(label=_("Email (for the confirmation)"))
    delivery = forms.ChoiceField(
        label=_("How do you get it?"), widget=forms.RadioSelect,
        choices=[("kirim", _("Delivered to my address")), ("ambil", _("I pick it up at an OK OCE Mart"))], initial="kirim",
    )
    name = forms.CharField(label=_("Recipient's name"), max_length=128)
    phone = forms.CharField(label=_("Phone / WhatsApp"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    line1 = forms.CharField(label=_("Street, house number"), max_length=255, required=False)
    rt_rw = forms.CharField(label=_("RT/RW"), max_length=16, required=False, widget=forms.TextInput(attrs={"placeholder": "003/005"}))
    kelurahan = forms.CharField(label=_("Kelurahan / desa"), max_length=64, required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    kecamatan_name = forms.CharField(label=_("Kecamatan (outside Jakarta)"), max_length=64, required=False)
    kota = forms.CharField(label=_("Kota / kabupaten"), max_length=64, required=False)
    provinsi = forms.CharField(label=_("Province"), max_length=64, required=False, initial="DKI Jakarta")
    postcode = forms.CharField(label=_("Postcode"), max_length=5, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    notes = forms.CharField(label=_("Notes for the courier"), max_length=255, required=False)
    saved_address = forms.ChoiceField(label=_("Deliver to"), required=False, widget=SavedAddressSelect)
    mart = forms.ModelChoiceField(Mart.objects.none(), label=_("OK OCE Mart"), required=False)
    gateway = forms.ChoiceField(label=_("Payment"), widget=forms.RadioSelect)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        kota_groups = {}
        for kecamatan in Kecamatan.objects.order_by("kota", "name"):
            kota_groups.setdefault(kecamatan.kota, []).append((str(kecamatan.pk), kecamatan.name))
        self.fields["kecamatan"].choices = [("", "---------")] + list(kota_groups.items()) + [(OUTSIDE, _("Outside Jakarta"))]
        self.fields["mart"].queryset = Mart.objects.select_related("kecamatan").order_by("kecamatan__name", "name")
        self.fields["gateway"].choices = [(g.code, g.label) for g in available(pickup=True)]
        if self.fields["gateway"].choices:
            self.fields["gateway"].initial = self.fields["gateway"].choices[0][0]
        self.saved_addresses = {}
        if user is not None and user.is_authenticated:
            self.fields["email"].initial = user.email
            self.fields["name"].initial = user.get_full_name()
            # The shopper's address book (Oscar's UserAddress), most used first; checkout saves each address it delivers to.
            addresses = list(user.addresses.select_related("kecamatan").order_by("-is_default_for_shipping", "-num_orders_as_shipping_address", "-date_created")[:10])
            self.saved_addresses = {str(a.pk): a for a in addresses}
            if addresses:
                self.fields["saved_address"].choices = [(str(a.pk), address_label(a)) for a in addresses] + [(NEW_ADDRESS, _("A new address"))]
                self.fields["saved_address"].initial = str(addresses[0].pk)
                self.fields["saved_address"].widget.kecamatan = {
                    str(a.pk): str(a.kecamatan_id) if a.kecamatan_id else (OUTSIDE if a.kecamatan_name else "") for a in addresses}
                self.fields["name"].initial = addresses[0].first_name or self.fields["name"].initial
                self.fields["phone"].initial = str(addresses[0].phone_number or "") or None
        if not self.saved_addresses:
            del self.fields["saved_address"]

    def clean_phone(self):
        phone = re.sub(r"[\s\-()]", "", self.cleaned_data["phone"])
        if phone.startswith("08"):
            phone = "+62" + phone[1:]
        elif phone.startswith("62"):
            phone = "+" + phone
        if not re.fullmatch(r"\+62\d{8,13}", phone):
            raise forms.ValidationError(_("Write an Indonesian phone number, e.g. 0812 3456 7890."))
        return phone

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if postcode and not re.fullmatch(r"\d{5}", postcode):
            raise forms.ValidationError(_("A postcode has 5 digits."))
        return postcode

    def saved_address_chosen(self):
        """The shopper's own saved address chosen for delivery, if any (only their own: looked up in their book)."""
        choice = self.cleaned_data.get("saved_address") if hasattr(self, "cleaned_data") else None
        return self.saved_addresses.get(choice or "")

    def clean(self):
        data = super().clean()
        pickup = data.get("delivery") == "ambil"
        saved = None if pickup else self.saved_address_chosen()
        if saved is not None:
            # Delivery to a saved address: its fields, not whatever the (hidden) new-address fields hold.
            data.update(address_initial(saved))
        if pickup:
            if not data.get("mart"):
                self.add_error("mart", _("Choose the Mart where you will pick it up."))
        else:
            missing = [name for name in ("line1", "kecamatan", "kota", "provinsi", "postcode") if not data.get(name)]
            if missing and saved is not None:
                self.add_error("saved_address", _("This saved address is incomplete; choose “A new address” and fill it in."))
            else:
                for name in missing:
                    self.add_error(name, _("Needed for delivery."))
            if data.get("kecamatan") == OUTSIDE and not data.get("kecamatan_name"):
                self.add_error("kecamatan_name", _("Write the kecamatan of your address."))
        gateway = data.get("gateway")
        if gateway and gateway not in {g.code for g in available(pickup=pickup)}:
            self.add_error("gateway", _("Paying at the Mart is only possible when you pick up there."))
        return data

    def checkout_data(self):
        """What the order needs later, without the session (a webhook has none)."""
        data = self.cleaned_data
        pickup = data["delivery"] == "ambil"
        kecamatan = data.get("kecamatan")
        if pickup:
            # A Mart pickup keeps the shopper's contact and the Mart, nothing else: address fields
            # hidden on the page (prefilled from an earlier delivery checkout) are not part of it.
            address = {"name": data["name"], "phone": data["phone"]}
        else:
            address = {
                "name": data["name"], "phone": data["phone"], "line1": data.get("line1", ""), "rt_rw": data.get("rt_rw", ""),
                "kelurahan": data.get("kelurahan", ""), "kecamatan_name": data.get("kecamatan_name", "") if kecamatan == OUTSIDE else "",
                "kota": data.get("kota", ""), "provinsi": data.get("provinsi", ""), "postcode": data.get("postcode", ""),
                "notes": data.get("notes", ""),
            }
        return {
            "email": data["email"],
            "pickup": pickup,
            "mart": data["mart"].pk if pickup and data.get("mart") else None,
            "kecamatan": int(kecamatan) if kecamatan and kecamatan != OUTSIDE and not pickup else None,
            "address": address,
        }
