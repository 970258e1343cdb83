"""Small corrections to Oscar's views that do not warrant forking a whole app."""

from django.http import Http404
from django.shortcuts import redirect
from oscar.apps.customer.views import OrderLineView as OscarOrderLineView
from oscar.core.loading import get_model

Line = get_model("order", "Line")


class OrderLineView(OscarOrderLineView):
    """Oscar's order line actions; a line of another order (or no line) is a 404, not a 500."""

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Line.DoesNotExist as error:
            raise Http404("No such line in this order") from error

    def get(self, request, *args, **kwargs):
        # Oscar has no page for one line (its GET renders a template that does not
        # exist); the line is shown on its order's page.
        self.get_object()
        return redirect("customer:order", order_number=self.kwargs["order_number"])
