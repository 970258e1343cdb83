"""The promotion form (a maker's, in the seller centre) and the campaign form (staff, in the back office).

Neither takes a business from the request: the seller view passes the signed-in
maker's business in, and the products a maker may choose are only theirs.
"""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from places.models import Kecamatan
from promotions.models import Promotion
from promotions.services import products_of

Partner = get_model("partner", "Partner")
Voucher = get_model("voucher", "Voucher")
CODE_RE = re.compile(r"^[A-Z0-9]{4,20}$")
MAX_RUPIAH = Decimal("100000000")  # Rp 100 juta: well above any basket, well inside the column


def parse_rupiah(value):
    """150000, 150.000 or Rp 150.000 as whole rupiah, or None when it is not a number."""
    digits = re.sub(r"^rp\.?|\s|\.", "", str(value).strip().lower())
    return Decimal(digits) if digits.isdigit() and len(digits) <= 11 else None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PromotionForm(forms.Form):
    title = forms.CharField(label=_("Name shoppers see"), max_length=80)
    kind = forms.ChoiceField(label=_("Discount"), choices=Promotion.Kind.choices, widget=forms.RadioSelect,
                             initial=Promotion.Kind.PERCENTAGE)
    value = forms.CharField(label=_("How much off"), max_length=20, help_text=_("A percentage (1–90) or rupiah, e.g. 10 or 15.000"),
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    minimum = forms.CharField(label=_("Minimum basket"), max_length=20, required=False,
                              help_text=_("Counted on your products only; empty for none."),
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    starts = forms.DateField(label=_("First day"), widget=DateInput(),
                             error_messages={"invalid": _("Choose a date, for example 2026-12-01.")})
    ends = forms.DateField(label=_("Last day"), widget=DateInput(),
                           error_messages={"invalid": _("Choose a date, for example 2026-12-07.")})
    code = forms.CharField(label=_("Voucher code (optional)"), max_length=20, required=False,
                           help_text=_("With a code, only shoppers who type it get the discount. Letters and digits, 4–20."))

    def __init__(self, *args, promotion=None, **kwargs):
        self.promotion = promotion
        if promotion is not None and not kwargs.get("data"):
            tz = timezone.get_current_timezone()
            kwargs["initial"] = {
                "title": promotion.title, "kind": promotion.kind, "value": f"{promotion.value:.0f}",
                "minimum": f"{promotion.minimum:.0f}" if promotion.minimum else "", "code": promotion.code,
                "starts": promotion.starts.astimezone(tz).date(), "ends": promotion.ends.astimezone(tz).date(),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)

    def clean_value(self):
        value = parse_rupiah(self.cleaned_data["value"].rstrip("%").strip())
        if value is None or value <= 0:
            raise ValidationError(_("Write a whole number, for example 10 (percent) or 15000 (rupiah)."))
        return value

    def clean_minimum(self):
        raw = self.cleaned_data["minimum"]
        if not raw.strip():
            return Decimal("0")
        value = parse_rupiah(raw)
        if value is None or value > MAX_RUPIAH:
            raise ValidationError(_("Write the minimum in rupiah, for example 100000."))
        return value

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not code:
            return ""
        if not CODE_RE.match(code):
            raise ValidationError(_("Use 4–20 letters and digits, without spaces."))
        taken = Voucher.objects.filter(code=code)
        if self.promotion is not None and self.promotion.voucher_id:
            taken = taken.exclude(pk=self.promotion.voucher_id)
        if taken.exists():
            raise ValidationError(_("This code is already used; choose another."))
        return code

    def clean(self):
        data = super().clean()
        kind, value = data.get("kind"), data.get("value")
        if value is not None and kind == Promotion.Kind.PERCENTAGE and not 1 <= value <= 90:
            self.add_error("value", _("A percentage from 1 to 90."))
        if value is not None and kind == Promotion.Kind.AMOUNT and not 1000 <= value <= MAX_RUPIAH:
            self.add_error("value", _("Rupiah off: from Rp 1.000."))
        starts, ends = data.get("starts"), data.get("ends")
        today = timezone.localdate()
        if starts and ends:
            if ends < starts:
                self.add_error("ends", _("The last day cannot be before the first day."))
            elif ends < today:
                self.add_error("ends", _("The last day has already passed."))
            elif (ends - starts).days > 366 or starts > today + timedelta(days=366):
                self.add_error("ends", _("A promotion runs at most a year, starting within a year."))
        return data

    def apply(self, promotion):
        """Copy the cleaned fields onto ``promotion`` (its dates as whole days in the shop's time zone)."""
        data, tz = self.cleaned_data, timezone.get_current_timezone()
        promotion.title, promotion.kind, promotion.value, promotion.minimum = data["title"], data["kind"], data["value"], data["minimum"]
        promotion.starts = timezone.make_aware(datetime.combine(data["starts"], time.min), tz)
        promotion.ends = timezone.make_aware(datetime.combine(data["ends"], time.max.replace(microsecond=0)), tz)
        return promotion


class MakerPromotionForm(PromotionForm):
    scope = forms.ChoiceField(label=_("Which products"), widget=forms.RadioSelect, initial="all",
                              choices=[("all", _("All my products, including ones I add later")), ("some", _("Only the products I tick"))])
    products = forms.ModelMultipleChoiceField(label=_("Products"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
                                              error_messages={"invalid_choice": _("Choose among your own products."),
                                                              "invalid_pk_value": _("Choose among your own products.")})

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = products_of([partner]).order_by("title")
        if self.promotion is not None and not self.is_bound:
            self.initial["scope"] = "all" if self.promotion.all_products else "some"
            self.initial["products"] = list(self.promotion.offer.condition.range.included_products.values_list("pk", flat=True))

    def clean(self):
        data = super().clean()
        if data.get("scope") == "some" and not data.get("products"):
            self.add_error("products", _("Tick at least one product, or choose all your products."))
        return data


class CampaignForm(PromotionForm):
    slug = forms.SlugField(label=_("Page address"), max_length=80, help_text=_("The campaign page is /promo/<address>/"))
    banner = forms.CharField(label=_("Banner text"), max_length=200, required=False,
                             help_text=_("Shown above every shop page while the campaign runs."))
    makers = forms.ModelMultipleChoiceField(label=_("Member businesses"), required=False, queryset=None,
                                            widget=forms.SelectMultiple(attrs={"size": 8}))
    kecamatan = forms.ModelMultipleChoiceField(label=_("Every member in these kecamatan"), required=False,
                                               queryset=Kecamatan.objects.order_by("name"), widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["makers"].queryset = Partner.objects.filter(status=Partner.Status.ACTIVE).order_by("name")
        promotion = self.promotion
        if promotion is not None and not self.is_bound:
            self.initial.update(slug=promotion.slug, banner=promotion.banner, makers=list(promotion.makers.values_list("pk", flat=True)),
                                kecamatan=list(promotion.kecamatan.values_list("pk", flat=True)))

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        taken = Promotion.objects.filter(slug=slug)
        if self.promotion is not None:
            taken = taken.exclude(pk=self.promotion.pk)
        if taken.exists():
            raise ValidationError(_("Another campaign has this address."))
        return slug

    def clean(self):
        data = super().clean()
        if not data.get("makers") and not data.get("kecamatan"):
            raise ValidationError(_("Choose member businesses, kecamatan, or both."))
        return data

    def apply(self, promotion):
        promotion = super().apply(promotion)
        promotion.slug, promotion.banner = self.cleaned_data["slug"], self.cleaned_data["banner"]
        return promotion
