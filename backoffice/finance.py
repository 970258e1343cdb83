"""The back office's money pages: balances and settlements, orders, Mart payments and refunds."""

from django.contrib import messages
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView
from oscar.core.loading import get_model

from backoffice.access import StaffRequiredMixin
from payments import gateways
from payments.gateways.base import GatewayError
from payments.models import PaymentAttempt
from payments.refunds import RefundError, refund, refund_amount, refundable_quantity
from payments.services import AWAITING_MART, confirm_payment
from payments.settlements import Settlement, as_csv, month_bounds, recent_months, settle, statement

Partner = get_model("partner", "Partner")
Order = get_model("order", "Order")

# What a payment gateway raises when the provider refuses a refund or cannot be reached
# (payments.gateways.base); anything else is a bug and is not hidden.
PROVIDER_ERRORS = (GatewayError,)


class BalancesView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/balances.html"

    def get_context_data(self, **kwargs):
        month = self.request.GET.get("bulan") or recent_months(2)[1]
        month_bounds(month)
        rows = (
            Partner.objects.annotate(balance=Sum("ledger__amount"))
            .filter(balance__isnull=False).order_by("-balance", "name")
        )
        return super().get_context_data(rows=rows, month=month, months=recent_months(), **kwargs)


class StatementView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/statement.html"

    def get(self, request, pk, month):
        data = statement(get_object_or_404(Partner, pk=pk), month)
        if request.GET.get("format") == "csv":
            return as_csv(data)
        return self.render_to_response(self.get_context_data(for_staff=True, **data))

    def post(self, request, pk, month):
        outcome = settle(get_object_or_404(Partner, pk=pk), month, request.POST.get("reference", ""), request.user)
        if outcome == Settlement.ALREADY_SETTLED:
            messages.info(request, _("This month is already settled."))
        elif outcome == Settlement.NOTHING_OWED:
            messages.info(request, _("Nothing is owed for this month."))
        elif outcome == Settlement.NEEDS_REFERENCE:
            messages.error(request, _("Write the bank transfer's reference."))
        else:
            messages.success(request, _("Marked as paid."))
        return redirect("backoffice:statement", pk=pk, month=month)


class OrderListView(StaffRequiredMixin, ListView):
    template_name = "backoffice/orders.html"
    context_object_name = "orders"
    paginate_by = 30

    def get_queryset(self):
        orders = Order.objects.select_related("pickup_mart").order_by("-date_placed")
        q = self.request.GET.get("q", "").strip()
        if q:
            orders = orders.filter(Q(number=q) | Q(guest_email__iexact=q) | Q(user__email__iexact=q))
        if self.request.GET.get("pickup") == "1":
            orders = orders.filter(status=AWAITING_MART)
        return orders

    def get_context_data(self, **kwargs):
        # Money that came without an order: a wrong amount or currency (staff decide), or a refund not yet sent.
        to_check = PaymentAttempt.objects.filter(
            status__in=[PaymentAttempt.Status.REVIEW, PaymentAttempt.Status.REFUND_DUE]).order_by("-date_created")[:50]
        return super().get_context_data(payments_to_check=to_check, **kwargs)


class OrderView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/order.html"

    def get_context_data(self, **kwargs):
        order = get_object_or_404(Order.objects.select_related("pickup_mart", "shipping_address"), number=self.kwargs["number"])
        lines = list(order.lines.select_related("partner"))
        for line in lines:
            line.refundable = refundable_quantity(line)
        return super().get_context_data(
            order=order, lines=lines, refunds=order.refunds.select_related("line", "created_by"),
            attempt=PaymentAttempt.objects.filter(order=order).first(), awaiting_mart=order.status == AWAITING_MART, **kwargs,
        )

    def post(self, request, number):
        order = get_object_or_404(Order, number=number)
        if request.POST.get("action") == "mart-paid":
            attempt = get_object_or_404(PaymentAttempt, order=order, gateway__in=gateways.codes_where("paid_at_counter"))
            if order.status != AWAITING_MART:
                messages.error(request, _("This order is not waiting for payment (%(status)s).") % {"status": _(order.status)})
                return redirect("backoffice:order", number=number)
            confirm_payment(attempt.pk, paid=True)
            messages.success(request, _("Order #%(number)s is paid.") % {"number": number})
            return redirect("backoffice:order", number=number)
        quantities = {}
        for line in order.lines.all():
            try:
                quantity = int(request.POST.get(f"refund-{line.pk}") or 0)
            except ValueError:
                quantity = -1
            if quantity < 0:
                messages.error(request, _("Write how many units to refund as a whole number."))
                return redirect("backoffice:order", number=number)
            quantities[line] = quantity
        if request.POST.get("confirm") != "1":
            return self.confirm_refund(order, quantities, include_shipping=bool(request.POST.get("shipping")))
        try:
            amount = refund(order, quantities, request.user, include_shipping=bool(request.POST.get("shipping")))
        except RefundError as error:
            messages.error(request, _("Cannot refund more than was bought (%(what)s).") % {"what": str(error)} if str(error)
                           else _("Choose what to refund; only paid orders can be refunded."))
        except PROVIDER_ERRORS:
            # The provider refused or could not be reached; refund() ran in one transaction, so nothing was changed.
            messages.error(request, _("The payment provider refused the refund; nothing was changed. Try again later."))
        else:
            messages.success(request, _("Refunded Rp %(amount)s.") % {"amount": f"{amount:,.0f}".replace(",", ".")})
        return redirect("backoffice:order", number=number)

    def confirm_refund(self, order, quantities, include_shipping):
        """A refund cannot be undone: first show staff what would go back to the shopper, line by line."""
        rows = [(line, quantity, refund_amount(line, quantity)) for line, quantity in quantities.items() if quantity > 0]
        if any(quantity > refundable_quantity(line) for line, quantity, _amount in rows):
            messages.error(self.request, _("Cannot refund more than was bought (%(what)s).") % {
                "what": ", ".join(line.title for line, quantity, _amount in rows if quantity > refundable_quantity(line))})
            return redirect("backoffice:order", number=order.number)
        shipping = order.shipping_incl_tax if include_shipping and not order.refunds.filter(line=None).exists() else 0
        if not rows and not shipping:
            messages.error(self.request, _("Choose what to refund; only paid orders can be refunded."))
            return redirect("backoffice:order", number=order.number)
        return render(self.request, "backoffice/refund_confirm.html", {
            "order": order, "rows": rows, "shipping": shipping,
            "total": sum(amount for _line, _quantity, amount in rows) + shipping,
        })
