"""A business's money pages: its balance and monthly statements (settling is the back office's)."""

from django.views.generic import TemplateView

from payments.models import LedgerEntry
from payments.settlements import as_csv, recent_months, statement
from seller.access import SellerRequiredMixin


class SellerBalanceView(SellerRequiredMixin, TemplateView):
    template_name = "seller/balance.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            balance=LedgerEntry.balance(self.partner), months=recent_months(),
            entries=LedgerEntry.objects.filter(partner=self.partner).select_related("order").order_by("-date_created", "-pk")[:30],
            **kwargs,
        )


class SellerStatementView(SellerRequiredMixin, TemplateView):
    template_name = "seller/statement.html"

    def get(self, request, month):
        data = statement(self.partner, month)
        if request.GET.get("format") == "csv":
            return as_csv(data)
        return self.render_to_response(self.get_context_data(**data))
