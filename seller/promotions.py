"""A maker's own promotions (/penjual/promosi/): built on Oscar's offers, only on their products, paid by them."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from promotions.forms import MakerPromotionForm
from promotions.models import Promotion
from promotions.services import end_promotion, save_promotion
from seller.access import SellerRequiredMixin


class PromotionListView(SellerRequiredMixin, TemplateView):
    template_name = "seller/promotion_list.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        own = Promotion.objects.filter(partner=self.partner).select_related("offer", "voucher")
        campaigns = Promotion.objects.filter(partner=None, ends__gte=now).filter(
            Q(makers=self.partner) | Q(kecamatan=self.partner.kecamatan_id)).distinct()
        return super().get_context_data(promotions=own, campaigns=campaigns, now=now, **kwargs)


class PromotionFormView(SellerRequiredMixin, TemplateView):
    template_name = "seller/promotion_form.html"
    promotion = None

    def get_promotion(self):
        return None

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", MakerPromotionForm(partner=self.partner, promotion=self.promotion))
        return super().get_context_data(promotion=self.promotion, **kwargs)

    def get(self, request, *args, **kwargs):
        self.promotion = self.get_promotion()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.promotion = self.get_promotion()
        form = MakerPromotionForm(request.POST, partner=self.partner, promotion=self.promotion)
        if not form.is_valid():
            messages.error(request, _("Some fields need your attention; what you typed is kept below."))
            return self.render_to_response(self.get_context_data(form=form))
        promotion = form.apply(self.promotion or Promotion(partner=self.partner, created_by=request.user))
        promotion.partner = self.partner  # never from the form
        promotion.all_products = form.cleaned_data["scope"] == "all"
        with transaction.atomic():
            save_promotion(promotion, products=form.cleaned_data["products"], code=form.cleaned_data["code"])
        messages.success(request, _("Promotion “%(title)s” saved.") % {"title": promotion.title})
        return redirect("seller:promotions")


class PromotionCreateView(PromotionFormView):
    pass


class PromotionEditView(PromotionFormView):
    def get_promotion(self):
        return get_object_or_404(Promotion.objects.select_related("offer__condition__range", "voucher"),
                                 pk=self.kwargs["pk"], partner=self.partner)


class PromotionEndView(SellerRequiredMixin, View):
    def post(self, request, pk):
        promotion = get_object_or_404(Promotion, pk=pk, partner=self.partner)
        end_promotion(promotion)
        messages.success(request, _("Promotion “%(title)s” has ended. Orders already paid keep their discount.") % {"title": promotion.title})
        return redirect("seller:promotions")
