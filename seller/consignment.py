"""A maker's consignment page: per Mart, what is on the shelf, what sold and what they are owed (consignment.reports)."""

from django.views.generic import TemplateView

from consignment.reports import maker_summary
from seller.access import SellerRequiredMixin


class SellerConsignmentView(SellerRequiredMixin, TemplateView):
    template_name = "seller/consignment.html"

    def get_context_data(self, **kwargs):
        marts = maker_summary(self.partner)
        return super().get_context_data(marts=marts, earned=sum(m["earned"] for m in marts), **kwargs)
