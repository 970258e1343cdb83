"""Money pages: a business's balance and monthly statements; staff's balances, settlements, orders and refunds."""

import csv
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.db import transaction
from django.db.models import Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView
from oscar.core.loading import get_model

from partner.seller.access import SellerRequiredMixin, StaffRequiredMixin
from payments import gateways
from payments.models import LedgerEntry, PaymentAttempt
from payments.refunds import RefundError, refund, refundable_quantity
from payments.services import AWAITING_MART, confirm_payment

Partner = get_model("partner", "Partner")
Order = get_model("order", "Order")


def month_bounds(value):
    try:
        year, month = (int(p) for p in value.split("-"))
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1)
    except (ValueError, TypeError, OverflowError):
        raise Http404
    tz = timezone.get_current_timezone()
    as_dt = lambda d: timezone.make_aware(timezone.datetime(d.year, d.month, d.day), tz)  # noqa: E731
    return start, as_dt(start), as_dt(end)


def statement(partner, month):
    start, since, until = month_bounds(month)
    entries = list(LedgerEntry.objects.filter(partner=partner, date_created__gte=since, date_created__lt=until).select_related("order"))
    opening = LedgerEntry.balance(partner, until=since)
    closing = opening + sum((e.amount for e in entries), Decimal("0"))
    settled = LedgerEntry.objects.filter(partner=partner, kind=LedgerEntry.Kind.PAYOUT, note=f"settlement {month}").first()
    return {"partner": partner, "month": month, "month_start": start, "entries": entries, "opening": opening,
            "closing": closing, "settled": settled}


def as_csv(data):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="laporan-{data["partner"].code}-{data["month"]}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Date"), _("Order"), _("Kind"), _("Amount (Rp)"), _("Reference")])
    writer.writerow([data["month_start"].isoformat(), "", _("Opening balance"), f"{data['opening']:.0f}", ""])
    for entry in data["entries"]:
        writer.writerow([timezone.localtime(entry.date_created).date().isoformat(), entry.order.number if entry.order else "",
                         entry.get_kind_display(), f"{entry.amount:.0f}", entry.reference])
    writer.writerow(["", "", _("Closing balance"), f"{data['closing']:.0f}", ""])
    return response


def recent_months(n=6):
    today = timezone.localdate()
    months = []
    y, m = today.year, today.month
    for _i in range(n):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months


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


class StaffBalancesView(StaffRequiredMixin, TemplateView):
    template_name = "seller/staff/balances.html"

    def get_context_data(self, **kwargs):
        month = self.request.GET.get("bulan") or recent_months(2)[1]
        month_bounds(month)
        rows = (
            Partner.objects.annotate(balance=Sum("ledger__amount"))
            .filter(balance__isnull=False).order_by("-balance", "name")
        )
        return super().get_context_data(rows=rows, month=month, months=recent_months(), **kwargs)


class StaffStatementView(StaffRequiredMixin, TemplateView):
    template_name = "seller/statement.html"

    def get(self, request, pk, month):
        data = statement(get_object_or_404(Partner, pk=pk), month)
        if request.GET.get("format") == "csv":
            return as_csv(data)
        return self.render_to_response(self.get_context_data(for_staff=True, **data))

    def post(self, request, pk, month):
        reference = request.POST.get("reference", "").strip()
        with transaction.atomic():
            # Lock the business so two staff members cannot settle it at once.
            partner = get_object_or_404(Partner.objects.select_for_update(), pk=pk)
            data = statement(partner, month)
            owed = LedgerEntry.balance(partner)  # everything still owed, whichever month is settled first
            if data["settled"]:
                messages.info(request, _("This month is already settled."))
            elif owed <= 0:
                messages.info(request, _("Nothing is owed for this month."))
            elif not reference:
                messages.error(request, _("Write the bank transfer's reference."))
            else:
                LedgerEntry.objects.create(partner=partner, kind=LedgerEntry.Kind.PAYOUT, amount=-owed,
                                           reference=reference, note=f"settlement {month}", created_by=request.user)
                messages.success(request, _("Marked as paid."))
        return redirect("seller:staff-statement", pk=pk, month=month)


class StaffOrderListView(StaffRequiredMixin, ListView):
    template_name = "seller/staff/orders.html"
    context_object_name = "orders"
    paginate_by = 30

    def get_queryset(self):
        orders = Order.objects.select_related("pickup_mart").order_by("-date_placed")
        q = self.request.GET.get("q", "").strip()
        if q:
            orders = orders.filter(Q(number=q) | Q(guest_email__iexact=q) | Q(user__email__iexact=q))
        if self.request.GET.get("mart") == "1":
            orders = orders.filter(status=AWAITING_MART)
        return orders

    def get_context_data(self, **kwargs):
        # Money that came without an order: a wrong amount or currency (staff decide), or a refund not yet sent.
        to_check = PaymentAttempt.objects.filter(
            status__in=[PaymentAttempt.Status.REVIEW, PaymentAttempt.Status.REFUND_DUE]).order_by("-date_created")[:50]
        return super().get_context_data(payments_to_check=to_check, **kwargs)


class StaffOrderView(StaffRequiredMixin, TemplateView):
    template_name = "seller/staff/order.html"

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
                return redirect("seller:staff-order", number=number)
            confirm_payment(attempt.pk, paid=True)
            messages.success(request, _("Order #%(number)s is paid.") % {"number": number})
            return redirect("seller:staff-order", number=number)
        quantities = {}
        for line in order.lines.all():
            try:
                quantity = int(request.POST.get(f"refund-{line.pk}") or 0)
            except ValueError:
                quantity = -1
            if quantity < 0:
                messages.error(request, _("Write how many units to refund as a whole number."))
                return redirect("seller:staff-order", number=number)
            quantities[line] = quantity
        try:
            amount = refund(order, quantities, request.user, include_shipping=bool(request.POST.get("shipping")))
        except RefundError as error:
            messages.error(request, _("Cannot refund more than was bought (%(what)s).") % {"what": str(error)} if str(error)
                           else _("Choose what to refund; only paid orders can be refunded."))
        except Exception:
            messages.error(request, _("The payment provider refused the refund; nothing was changed. Try again later."))
        else:
            messages.success(request, _("Refunded Rp %(amount)s.") % {"amount": f"{amount:,.0f}".replace(",", ".")})
        return redirect("seller:staff-order", number=number)
