"""Monthly statements of a member business's ledger, and settling what it is owed by bank transfer.

Businesses without a Stripe connected account accrue a balance (``LedgerEntry``);
programme staff settle it monthly. The seller centre and the back office show
the same statement; only the back office settles.
"""

import csv
import enum
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from payments.models import LedgerEntry
from promotions.services import funders

Partner = get_model("partner", "Partner")


def month_bounds(value):
    """(first day, start, end) of a ``YYYY-MM`` month in the shop's time zone; another value is a 404."""
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
            "closing": closing, "settled": settled, "discounts": discount_totals(entries)}


def as_csv(data):
    """A statement (from ``statement()``) as a CSV download."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="laporan-{data["partner"].code}-{data["month"]}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Date"), _("Order"), _("Kind"), _("Amount (Rp)"), _("Reference")])
    writer.writerow([data["month_start"].isoformat(), "", _("Opening balance"), f"{data['opening']:.0f}", ""])
    for entry in data["entries"]:
        writer.writerow([timezone.localtime(entry.date_created).date().isoformat(), entry.order.number if entry.order else "",
                         entry_label(entry), f"{entry.amount:.0f}", entry.reference])
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


class Settlement(enum.Enum):
    ALREADY_SETTLED = "already settled"
    NOTHING_OWED = "nothing owed"
    NEEDS_REFERENCE = "needs reference"
    PAID = "paid"


def settle(partner, month, reference, user):
    """Record that everything ``partner`` is owed was paid by bank transfer ``reference`` for ``month``.

    One payout row for the whole balance (whichever month is settled first), at
    most one per month; the business's row is locked so two staff members cannot
    settle it at once. Returns a ``Settlement``.
    """
    reference = reference.strip()
    with transaction.atomic():
        partner = Partner.objects.select_for_update(no_key=True).get(pk=partner.pk)
        data = statement(partner, month)
        owed = LedgerEntry.balance(partner)
        if data["settled"]:
            return Settlement.ALREADY_SETTLED
        if owed <= 0:
            return Settlement.NOTHING_OWED
        if not reference:
            return Settlement.NEEDS_REFERENCE
        LedgerEntry.objects.create(partner=partner, kind=LedgerEntry.Kind.PAYOUT, amount=-owed,
                                   reference=reference, note=f"settlement {month}", created_by=user)
        return Settlement.PAID


# --- Promotions and campaigns (maker-promos) ----------------------------------------------------
# A line's sale is booked at its price before discounts. Each discount on it is a DISCOUNT entry
# (the shopper paid less); when the programme funds it (a staff campaign, or an offer from Oscar's
# dashboard) a CAMPAIGN entry gives it back, so only a maker's own promotion reduces their payout.
# Commission is taken on what the business earns: the sale less its own promotions.

def line_discounts(line):
    """[(Promotion or None, amount incl. tax)] of an order line: its discount split by offer."""
    total_off = line.line_price_before_discounts_incl_tax - line.line_price_incl_tax
    if total_off <= 0:
        return []
    rows = [(d.order_discount.offer_id, d.amount) for d in line.discounts.select_related("order_discount")]
    weight = sum((amount for _offer, amount in rows), Decimal("0"))
    if not rows or weight <= 0:
        return [(None, total_off)]
    promotions = funders(offer for offer, _amount in rows)
    split, left = [], total_off
    for i, (offer, amount) in enumerate(rows):
        part = left if i == len(rows) - 1 else (total_off * amount / weight).quantize(Decimal("1"))
        left -= part
        split.append((promotions.get(offer), part))
    return split


def paid_by_maker(promotion, line):
    """Whether the business selling ``line`` pays this discount: only its own promotion, never another's."""
    return promotion is not None and promotion.partner_id is not None and promotion.partner_id == line.partner_id


def sales_with_discounts(order):
    """{partner id: (sale before discounts, [(Promotion or None, discount, paid by the maker)])} of ``order``."""
    sales = {}
    for line in order.lines.all():
        sale, discounts = sales.setdefault(line.partner_id, [Decimal("0"), []])
        sales[line.partner_id][0] = sale + line.line_price_before_discounts_incl_tax
        discounts.extend((promotion, amount, paid_by_maker(promotion, line)) for promotion, amount in line_discounts(line))
    return sales


def record_discounts(order, partner_id, discounts):
    """The DISCOUNT (and, for the programme's, CAMPAIGN) entries of one business's lines; returns what it carries."""
    carried = Decimal("0")
    for promotion, amount, by_maker in discounts:
        name = promotion.title if promotion else _("Programme offer")
        LedgerEntry.objects.create(partner_id=partner_id, order=order, kind=LedgerEntry.Kind.DISCOUNT, amount=-amount,
                                   note=name[:255], reference=f"offer {promotion.offer_id}" if promotion else "")
        if by_maker:
            carried += amount
        else:
            LedgerEntry.objects.create(partner_id=partner_id, order=order, kind=LedgerEntry.Kind.CAMPAIGN, amount=amount,
                                       note=name[:255], reference=f"offer {promotion.offer_id}" if promotion else "")
    return carried


def programme_shares(line, quantity):
    """[(Promotion or None, amount)]: the part of ``quantity`` units' discount the programme paid, per campaign
    (given back to it on a refund, each to its own campaign so the campaign's cost nets the refund)."""
    if not line.quantity:
        return []
    shares = []
    for promotion, amount in line_discounts(line):
        if not paid_by_maker(promotion, line):
            share = (amount / line.quantity * quantity).quantize(Decimal("1"))
            if share:
                shares.append((promotion, share))
    return shares


def record_campaign_refund(order, partner, shares, user=None):
    """The CAMPAIGN entries giving a refund's ``shares`` ([(Promotion or None, amount)]) back to the programme,
    one per campaign and named as its discount entries are (``record_discounts``)."""
    for promotion, amount in shares:
        name = promotion.title if promotion else _("Programme offer")
        LedgerEntry.objects.create(partner=partner, order=order, kind=LedgerEntry.Kind.CAMPAIGN, amount=-amount,
                                   note=f"{name} ({_('Refund')})"[:255],
                                   reference=f"offer {promotion.offer_id}" if promotion else "", created_by=user)


def entry_label(entry):
    """The kind of a ledger entry, naming the promotion or campaign for discounts."""
    if entry.kind in (LedgerEntry.Kind.DISCOUNT, LedgerEntry.Kind.CAMPAIGN) and entry.note:
        return f"{entry.get_kind_display()}: {entry.note}"
    return entry.get_kind_display()


def discount_totals(entries):
    """What a statement's shoppers got off, and who paid it: (discounts, paid by the programme, paid by the business)."""
    off = -sum((e.amount for e in entries if e.kind == LedgerEntry.Kind.DISCOUNT), Decimal("0"))
    programme = sum((e.amount for e in entries if e.kind == LedgerEntry.Kind.CAMPAIGN), Decimal("0"))
    return off, programme, off - programme
# --- end of promotions and campaigns -------------------------------------------------------------
