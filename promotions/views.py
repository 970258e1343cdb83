"""The public page of a programme campaign: its banner and the products it discounts."""

from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from promotions.models import Promotion


class CampaignView(ListView):
    template_name = "promotions/campaign.html"
    context_object_name = "products"
    paginate_by = 24

    def get_queryset(self):
        self.campaign = get_object_or_404(Promotion.objects.select_related("offer__condition__range"), partner=None,
                                          slug=self.kwargs["slug"])
        product_range = self.campaign.offer.condition.range
        return (product_range.all_products().filter(is_public=True, parent=None)
                .prefetch_related("images", "stockrecords").order_by("title"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(campaign=self.campaign, **kwargs)
