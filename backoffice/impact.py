"""The programme's impact (/staf/dampak/): members, orders and rupiah paid to members, per kecamatan and per
month, as server-rendered SVG charts and tables, with CSV export: the figures the programme reports to the city.

"Paid to members" is money that left the programme for a member: bank settlements and Stripe
transfers, net of transfer reversals (the ledger's PAYOUT and TRANSFER entries).
"""

import csv
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from backoffice.access import StaffRequiredMixin
from order import reports
from payments.models import LedgerEntry
from places.models import Kecamatan

Partner = get_model("partner", "Partner")
Order = get_model("order", "Order")

MONEY_OUT = [LedgerEntry.Kind.PAYOUT, LedgerEntry.Kind.TRANSFER]


def paid_orders():
    return Order.objects.filter(status__in=reports.PAID_STATUSES)


def per_kecamatan():
    """[{kecamatan, members, orders, paid}] for every kecamatan, by kota then name."""
    members = dict(Partner.objects.filter(status=Partner.Status.ACTIVE).values_list("kecamatan").annotate(n=Count("pk")))
    orders = dict(paid_orders().values_list("lines__partner__kecamatan").annotate(n=Count("pk", distinct=True)))
    paid = dict(LedgerEntry.objects.filter(kind__in=MONEY_OUT).values_list("partner__kecamatan").annotate(total=Sum("amount")))
    return [{"kecamatan": k, "members": members.get(k.pk, 0), "orders": orders.get(k.pk, 0), "paid": -(paid.get(k.pk) or Decimal("0"))}
            for k in Kecamatan.objects.order_by("kota", "name")]


def per_month(months):
    """[{month, new_members, orders, paid}] for ``months`` (first days, oldest first)."""
    since = reports.month_start(months)
    joined = {reports.as_month(r["m"]): r["n"] for r in Partner.objects.filter(date_created__gte=since).exclude(
        status__in=["applied", "rejected"]).annotate(m=TruncMonth("date_created")).values("m").annotate(n=Count("pk"))}
    orders = {reports.as_month(r["m"]): r["n"] for r in paid_orders().filter(date_placed__gte=since).annotate(
        m=TruncMonth("date_placed")).values("m").annotate(n=Count("pk"))}
    paid = {reports.as_month(r["m"]): -(r["total"] or 0) for r in LedgerEntry.objects.filter(
        kind__in=MONEY_OUT, date_created__gte=since).annotate(m=TruncMonth("date_created")).values("m").annotate(total=Sum("amount"))}
    return [{"month": m, "new_members": joined.get(m, 0), "orders": orders.get(m, 0), "paid": paid.get(m, Decimal("0"))} for m in months]


class ImpactView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/impact.html"

    def get_context_data(self, **kwargs):
        months = reports.last_months(12)
        places, monthly = per_kecamatan(), per_month(months)
        ranked = sorted((r for r in places if r["paid"] > 0), key=lambda r: -r["paid"])[:15]
        label = lambda m: date_format(m, "M")  # noqa: E731
        # An order with makers from two kecamatan counts in both rows, but once in the total.
        totals = {"members": sum(r["members"] for r in places), "orders": paid_orders().count(),
                  "paid": sum(r["paid"] for r in places)}
        return super().get_context_data(
            places=places, monthly=monthly, totals=totals, months=months,
            paid_chart=reports.ranking_chart([(r["kecamatan"].name, r["paid"]) for r in ranked], money=True),
            members_chart=reports.ranking_chart(sorted(((r["kecamatan"].name, r["members"]) for r in places if r["members"]),
                                                       key=lambda x: -x[1])[:15]),
            orders_month_chart=reports.bar_chart([(label(r["month"]), r["orders"]) for r in monthly]),
            paid_month_chart=reports.bar_chart([(label(r["month"]), r["paid"]) for r in monthly], money=True),
            **kwargs)


class ImpactCsvView(StaffRequiredMixin, View):
    """``?per=kecamatan`` (default) or ``?per=bulan``: the same figures as the page, for a spreadsheet."""

    def get(self, request):
        per = "bulan" if request.GET.get("per") == "bulan" else "kecamatan"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        today = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="dampak-okoce-per-{per}-{today}.csv"'
        writer = csv.writer(response)
        if per == "bulan":
            writer.writerow([_("Month"), _("New members"), _("Paid orders"), _("Paid to members (Rp)")])
            for r in per_month(reports.last_months(12)):
                writer.writerow([r["month"].strftime("%Y-%m"), r["new_members"], r["orders"], f"{r['paid']:.0f}"])
        else:
            writer.writerow([_("Kecamatan"), _("Kota"), _("Kemendagri code"), _("Active members"), _("Paid orders"),
                             _("Paid to members (Rp)")])
            for r in per_kecamatan():
                k = r["kecamatan"]
                writer.writerow([k.name, k.kota, k.kemendagri_code, r["members"], r["orders"], f"{r['paid']:.0f}"])
        return response
