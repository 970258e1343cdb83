"""Forms of the seller centre. Nothing here takes a member business from the
request data: views pass the signed-in seller's own business in."""

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from oscar.apps.dashboard.catalogue.forms import ProductForm
from oscar.core.loading import get_model

from catalogue.models import categories_for
from catalogue.photos import PhotosField, clean_photo
from partner import couriers
from places.models import Kecamatan
from partner.emails import supported_language

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
AttributeOption = get_model("catalogue", "AttributeOption")
LineFulfilment = get_model("partner", "LineFulfilment")

FOOD = "makanan-kemasan"
# Weights in grams and shelf lives in days fit well below this; it keeps a number
# inside the database's 32-bit integer column.
ATTRIBUTE_INTEGER_MAX = 1_000_000
HALAL_RE = re.compile(r"^ID\d{14,20}$")
PIRT_RE = re.compile(r"^\d{15}$")
BPOM_RE = re.compile(r"^MD ?\d{12}$")


def variant_attribute(product_class):
    """The option attribute a type's variants differ by (ukuran, warna), or None."""
    return next((a for a in product_class.attributes.all() if a.type == "option"), None)


class RupiahField(forms.CharField):
    """Whole rupiah; accepts what Indonesians type: 150000, 150.000, Rp 150.000."""

    default_error_messages = {
        "invalid": _("Write the price in rupiah, for example 150000."),
        "min_value": _("The price must be at least Rp 1.000."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        digits = re.sub(r"^rp\.?|\s|\.", "", value.strip().lower())
        if not digits.isdigit() or len(digits) > 11:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        amount = Decimal(digits)
        if amount < 1000:
            raise ValidationError(self.error_messages["min_value"], code="min_value")
        return amount


class StockField(forms.IntegerField):
    default_error_messages = {
        "invalid": _("Write the stock as a whole number, for example 12."),
        "min_value": _("Stock cannot be negative."),
        "max_value": _("Stock can be at most 99999."),
    }

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=99999, **kwargs)
        self.widget.attrs.update(inputmode="numeric")


def photo_field_clean(upload):
    return clean_photo(upload) if upload and hasattr(upload, "content_type") else upload


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "founder_name", "kecamatan", "address", "whatsapp", "member_number", "logo", "language"]
        labels = {"name": _("Business name")}
        help_texts = {"whatsapp": _("International form without + or spaces, e.g. 6281234567890.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "founder_name", "kecamatan", "address", "whatsapp", "member_number"):
            if name in self.fields:
                self.fields[name].required = True
        self.fields["kecamatan"].queryset = Kecamatan.objects.order_by("name")
        self.fields["whatsapp"].widget.attrs.update(inputmode="numeric", placeholder="6281234567890")
        self.fields["language"].required = False
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("language", self.default_language())

    def default_language(self):
        """A new applicant's emails are in the language they apply in; a business keeps the one it has."""
        if self.instance.pk is not None:
            return self.instance.language
        return supported_language(translation.get_language())

    def clean_language(self):
        return self.cleaned_data.get("language") or self.default_language()

    def clean_whatsapp(self):
        value = re.sub(r"[\s\-+]", "", self.cleaned_data["whatsapp"])
        if value.startswith("08"):
            value = "62" + value[1:]
        self.instance.whatsapp = value
        self.fields["whatsapp"].run_validators(value)
        return value

    def clean_member_number(self):
        value = self.cleaned_data["member_number"].strip().upper()
        if Partner.objects.filter(member_number=value).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This OK OCE member number is already registered. Ask programme staff if it is yours."))
        return value

    def clean_logo(self):
        return photo_field_clean(self.cleaned_data.get("logo"))

    def save(self, commit=True):
        partner = super().save(commit=False)
        if not partner.code:
            base = slugify(partner.name)[:100] or "usaha"
            code, n = base, 1
            while Partner.objects.filter(code=code).exists():
                n += 1
                code = f"{base}-{n}"
            partner.code = code
        if commit:
            partner.save()
        return partner


class ProfileForm(ApplicationForm):
    """An active business keeps its details up to date (the member number is staff's)."""

    class Meta(ApplicationForm.Meta):
        fields = ["name", "founder_name", "kecamatan", "address", "whatsapp", "story", "logo", "language"]

    def clean_member_number(self):  # not on this form
        return self.instance.member_number


class ListingForm(ProductForm):
    """Title, description and the type's attributes, for a seller.

    The variant attribute (size, colour) is asked per variant instead; a
    product without variants gets price and stock here.
    """

    price = RupiahField(label=_("Price (Rp)"), required=False)
    stock = StockField(label=_("Stock"), required=False)
    category = forms.ModelChoiceField(Category.objects.none(), label=_("Category"), required=False)
    halal_expiry = forms.DateField(
        label=_("Halal certificate valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta(ProductForm.Meta):
        fields = ["title", "description", "published"]
        labels = {"published": _("Show in the shop")}

    def __init__(self, product_class, *args, stockrecord=None, compliance=None, **kwargs):
        super().__init__(product_class, *args, **kwargs)
        self.product_class = product_class
        self.variant_attribute = variant_attribute(product_class)
        self.fields["title"].label = _("Product name")
        self.fields["title"].required = True
        self.fields["published"].help_text = _("Untick to hide the product without deleting it.")
        self.fields["description"].label = _("Description")
        self.fields["description"].widget = forms.Textarea(attrs={"rows": 5})
        self.fields["description"].required = True
        fitting = categories_for(product_class)
        self.fields["category"].queryset = Category.objects.filter(pk__in=[c.pk for c in fitting]).order_by("path")
        labels = {c.pk: c.seller_label for c in fitting}
        self.fields["category"].label_from_instance = lambda category: labels.get(category.pk, category.name)
        if self.instance.pk:
            self.fields["category"].initial = self.instance.categories.values_list("pk", flat=True).first()
        if self.variant_attribute:
            del self.fields["attr_%s" % self.variant_attribute.code]
            del self.fields["price"], self.fields["stock"]
        else:
            self.fields["price"].required = self.fields["stock"].required = True
            if stockrecord is not None:
                self.fields["price"].initial = int(stockrecord.price)
                self.fields["stock"].initial = stockrecord.num_in_stock
        self.held = (stockrecord.num_allocated or 0) if stockrecord is not None else 0
        if product_class.slug != FOOD:
            del self.fields["halal_expiry"]
        elif compliance is not None:
            self.fields["halal_expiry"].initial = compliance.halal_expiry
        # Sellers fill in everything their product type describes.
        for attribute in product_class.attributes.all():
            name = "attr_%s" % attribute.code
            if name in self.fields and attribute.code not in ("sertifikat_halal", "nomor_pirt", "nomor_bpom"):
                self.fields[name].required = True

    def clean_stock(self):
        stock = self.cleaned_data.get("stock")
        if stock is not None and stock < self.held:
            raise ValidationError(held_message(self.held))
        return stock

    def add_attribute_fields(self, product_class, is_parent=False):
        # Variants' option is asked per variant, so the parent's fields are the rest.
        super().add_attribute_fields(product_class, is_parent=False)
        # Oscar's integer attribute fields are unbounded, but the column is a 32-bit
        # integer: a number past it would fail in the database instead of the form.
        for attribute in product_class.attributes.all():
            field = self.fields.get("attr_%s" % attribute.code)
            if attribute.type == attribute.INTEGER and isinstance(field, forms.IntegerField):
                field.min_value, field.max_value = 0, ATTRIBUTE_INTEGER_MAX
                field.validators += [MinValueValidator(0), MaxValueValidator(ATTRIBUTE_INTEGER_MAX)]
                field.error_messages.update(
                    invalid=_("Write a whole number, for example 250."),
                    min_value=_("The number cannot be negative."),
                    max_value=_("The number can be at most %(limit_value)s."),
                )
                field.widget.attrs.update(inputmode="numeric", min=0, max=ATTRIBUTE_INTEGER_MAX)

    def _post_clean(self):
        if self.variant_attribute:
            self.instance.structure = Product.PARENT
        super()._post_clean()

    def clean(self):
        data = super().clean()
        if self.product_class.slug == FOOD:
            halal = (data.get("attr_sertifikat_halal") or "").strip().upper().replace(" ", "")
            pirt = re.sub(r"[\s.\-]", "", data.get("attr_nomor_pirt") or "")
            bpom = (data.get("attr_nomor_bpom") or "").strip().upper()
            if halal and not HALAL_RE.match(halal):
                self.add_error("attr_sertifikat_halal", _("A halal certificate number looks like ID31110000123456789."))
            if halal and not data.get("halal_expiry"):
                self.add_error("halal_expiry", _("Give the date the halal certificate expires."))
            if pirt and not PIRT_RE.match(pirt):
                self.add_error("attr_nomor_pirt", _("A P-IRT number has exactly 15 digits."))
            if bpom and not BPOM_RE.match(bpom):
                self.add_error("attr_nomor_bpom", _("A BPOM number is MD followed by 12 digits, e.g. MD 123456789012."))
            if not pirt and not bpom:
                self.add_error("attr_nomor_pirt", _("Packaged food needs a P-IRT or a BPOM MD number."))
            if pirt and bpom:
                self.add_error("attr_nomor_bpom", _("Give either a P-IRT or a BPOM MD number, not both."))
            for name, value in (("attr_sertifikat_halal", halal), ("attr_nomor_pirt", pirt),
                                ("attr_nomor_bpom", re.sub(r"^MD ?", "MD ", bpom) if bpom else "")):
                if name in self.cleaned_data:
                    self.cleaned_data[name] = value
        return data


class VariantForm(forms.Form):
    """One size or colour of a product, with its own price and stock."""

    child = forms.IntegerField(required=False, widget=forms.HiddenInput)
    option = forms.ModelChoiceField(AttributeOption.objects.none(), label=_("Variant"))
    price = RupiahField(label=_("Price (Rp)"))
    stock = StockField(label=_("Stock"))

    def __init__(self, *args, attribute=None, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = attribute.option_group.options.all() if attribute else AttributeOption.objects.none()
        self.fields["option"].label = attribute.name if attribute else _("Variant")
        self.child_ids = set(children)

    def clean_child(self):
        child = self.cleaned_data.get("child")
        if child and child not in self.child_ids:
            # A variant id from another product: never touch it.
            raise ValidationError(_("This variant does not belong to this product."))
        return child


def held_message(held):
    return ngettext(
        "%(count)s unit is being paid for or waits to be shipped, so the stock cannot be lower.",
        "%(count)s units are being paid for or wait to be shipped, so the stock cannot be lower.", held,
    ) % {"count": held}


class BaseVariantFormSet(forms.BaseFormSet):
    def __init__(self, *args, attribute=None, children=(), held=None, **kwargs):
        self.attribute, self.children = attribute, children
        self.held = held or {}  # {child id: units held for payments or allocated to unshipped orders}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"attribute": self.attribute, "children": self.children}

    def clean(self):
        if any(self.errors):
            return
        seen, kept = set(), 0
        for form in self.forms:
            if not form.has_changed() and not form.cleaned_data.get("child"):
                continue
            held = self.held.get(form.cleaned_data.get("child"), 0)
            if self.can_delete and self._should_delete_form(form):
                if held:
                    form.add_error(None, _("This variant is being paid for or is in an order not yet shipped, so it "
                                           "cannot be deleted. Hide the product from the shop to stop selling it."))
                    raise ValidationError(_("A variant being paid for cannot be deleted; nothing was saved."))
                continue
            if held and (form.cleaned_data.get("stock") or 0) < held:
                form.add_error("stock", held_message(held))
                raise ValidationError(_("Some variants need your attention; nothing was saved."))
            option = form.cleaned_data.get("option")
            if option in seen:
                raise ValidationError(_("Each %(name)s may appear only once.") % {"name": self.attribute.name.lower()})
            seen.add(option)
            kept += 1
        if kept == 0:
            raise ValidationError(_("Add at least one variant with its price and stock."))


VariantFormSet = forms.formset_factory(VariantForm, formset=BaseVariantFormSet, extra=2, can_delete=True, max_num=30)


class PhotosForm(forms.Form):
    new_photos = PhotosField(label=_("Add photos"))
    remove = forms.ModelMultipleChoiceField(
        ProductImage.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Remove")
    )

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = list(product.images.all()) if product and product.pk else []
        self.fields["remove"].queryset = (
            ProductImage.objects.filter(product=product) if product and product.pk else ProductImage.objects.none()
        )

    def clean(self):
        data = super().clean()
        keep = len(self.existing) - len(data.get("remove") or [])
        total = keep + len(data.get("new_photos") or [])
        if total > settings.SELLER_MAX_IMAGES:
            self.add_error("new_photos", _("A product can have at most %(max)s photos.") % {"max": settings.SELLER_MAX_IMAGES})
        if total == 0 and "new_photos" not in self.errors:
            self.add_error("new_photos", _("Add at least one photo of the product."))
        return data


class FulfilmentForm(forms.ModelForm):
    """A line packed or shipped: courier from the list (partner/couriers.py) and its tracking number.

    A Mart pickup's parcel is taken to the Mart, so it needs neither."""

    class Meta:
        model = LineFulfilment
        fields = ["status", "courier", "courier_other", "tracking_number"]

    def __init__(self, *args, pickup=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.pickup = pickup
        self.fields["courier"].choices = [("", _("Choose a courier"))] + list(couriers.CHOICES)
        self.fields["courier_other"].label = _("Courier's name (other courier)")
        if pickup:
            for name in ("courier", "courier_other", "tracking_number"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status == LineFulfilment.Status.PICKED_UP and not self.pickup:
            self.add_error("status", _("Only an order collected at an OK OCE Mart can be picked up; choose “Delivered”."))
        if status == LineFulfilment.Status.DELIVERED and self.pickup:
            self.add_error("status", _("This order is collected at an OK OCE Mart; choose “Picked up at the Mart”."))
        if status == LineFulfilment.Status.SHIPPED and not self.pickup:
            for name in ("courier", "tracking_number"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Needed once the parcel is shipped."))
        if data.get("courier") == couriers.OTHER and not (data.get("courier_other") or "").strip():
            self.add_error("courier_other", _("Write the courier's name."))
        if data.get("courier") != couriers.OTHER:
            data["courier_other"] = ""
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email"))
