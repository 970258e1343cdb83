"""Programme campaigns (/staf/kampanye/): staff-funded discounts across chosen makers or kecamatan."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from backoffice.access import StaffRequiredMixin
from payments.models import LedgerEntry
from promotions.forms import CampaignForm
from promotions.models import Promotion
from promotions.services import end_promotion, save_promotion


class CampaignListView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/campaigns.html"

    def get_context_data(self, **kwargs):
        campaigns = list(Promotion.objects.filter(partner=None).select_related("offer"))
        # What each campaign has cost the programme so far (its CAMPAIGN ledger entries).
        cost = dict(LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CAMPAIGN, reference__startswith="offer ")
                    .values_list("reference").annotate(total=Sum("amount")))
        for campaign in campaigns:
            campaign.cost = cost.get(f"offer {campaign.offer_id}", 0)
        return super().get_context_data(campaigns=campaigns, now=timezone.now(), **kwargs)


class CampaignFormView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/campaign_form.html"
    promotion = None

    def get_promotion(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Promotion, pk=pk, partner=None) if pk else None

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", CampaignForm(promotion=self.promotion))
        return super().get_context_data(promotion=self.promotion, **kwargs)

    def get(self, request, *args, **kwargs):
        self.promotion = self.get_promotion()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.promotion = self.get_promotion()
        form = CampaignForm(request.POST, promotion=self.promotion)
        if not form.is_valid():
            messages.error(request, _("Some fields need your attention; what you typed is kept below."))
            return self.render_to_response(self.get_context_data(form=form))
        with transaction.atomic():
            campaign = form.apply(self.promotion or Promotion(partner=None, created_by=request.user))
            campaign.partner, campaign.all_products = None, True
            if campaign.pk is None:
                save_promotion(campaign, code=form.cleaned_data["code"])  # a first save, to set its makers
            campaign.makers.set(form.cleaned_data["makers"])
            campaign.kecamatan.set(form.cleaned_data["kecamatan"])
            save_promotion(campaign, code=form.cleaned_data["code"])
        messages.success(request, _("Campaign “%(title)s” saved.") % {"title": campaign.title})
        return redirect("backoffice:campaigns")


class CampaignEndView(StaffRequiredMixin, View):
    def post(self, request, pk):
        campaign = get_object_or_404(Promotion, pk=pk, partner=None)
        end_promotion(campaign)
        messages.success(request, _("Campaign “%(title)s” has ended. Orders already paid keep their discount.") % {"title": campaign.title})
        return redirect("backoffice:campaigns")
