"""Sales figures by month and server-rendered SVG bar charts (no scripts: readable on a phone, allowed by the CSP).

A chart is computed here as geometry (``bar_chart``/``ranking_chart``) and drawn by
``includes/chart_bars.html`` / ``includes/chart_ranking.html`` as inline SVG.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from oscar.core.loading import get_model

Line = get_model("order", "Line")

PAID_STATUSES = ["Paid", "Partly refunded"]  # order/processing.py: PAID, PARTLY_REFUNDED


def last_months(n=12, today=None):
    """The first days of the last ``n`` months, oldest first (this month last)."""
    today = today or timezone.localdate()
    y, m = today.year, today.month
    months = []
    for _i in range(n):
        months.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months[::-1]


def month_start(months):
    tz = timezone.get_current_timezone()
    first = months[0]
    return timezone.make_aware(timezone.datetime(first.year, first.month, 1), tz)


def as_month(value):
    """A TruncMonth value (date or aware datetime) as the first day of its month."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return date(value.year, value.month, 1)


def monthly_sales(partner, months):
    """[(month, revenue, units)] of ``partner``'s paid lines, one row per month (zeros included)."""
    rows = (Line.objects.filter(partner=partner, order__status__in=PAID_STATUSES, order__date_placed__gte=month_start(months))
            .annotate(month=TruncMonth("order__date_placed")).values("month")
            .annotate(revenue=Sum("line_price_incl_tax"), units=Sum("quantity")))
    found = {as_month(r["month"]): (r["revenue"] or Decimal("0"), r["units"] or 0) for r in rows}
    return [(m, *found.get(m, (Decimal("0"), 0))) for m in months]


def best_sellers(partner, months, limit=5):
    return list(Line.objects.filter(partner=partner, order__status__in=PAID_STATUSES, order__date_placed__gte=month_start(months))
                .values("title").annotate(units=Sum("quantity"), revenue=Sum("line_price_incl_tax"), orders=Count("order", distinct=True))
                .order_by("-units", "title")[:limit])


def short_number(value):
    """1.250.000 → "1,3 jt", 45.000 → "45 rb" (Indonesian abbreviations, the way prices are said)."""
    value = Decimal(value or 0)
    if value >= 1_000_000_000:
        return f"{formats.number_format(value / 1_000_000_000, 1)} M"
    if value >= 1_000_000:
        return f"{formats.number_format(value / 1_000_000, 1)} jt"
    if value >= 1_000:
        return f"{formats.number_format(value / 1_000, 0)} rb"
    return formats.number_format(value, 0)


def _n(value):
    """A coordinate as SVG wants it: a dot for decimals whatever the language (templates localise floats)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(points, money=False, width=360, height=180):
    """Vertical bars for [(label, value)]: {"width", "height", "bars": [{x, y, w, h, label, text, value}], "baseline"}."""
    top, bottom, side = 18, 22, 14  # room for the value above the tallest bar and for labels at both ends
    n = max(len(points), 1)
    biggest = max((Decimal(v) for _l, v in points), default=Decimal("0")) or Decimal("1")
    slot = (width - 2 * side) / n
    bars = []
    for i, (label, value) in enumerate(points):
        h = float(Decimal(value) / biggest) * (height - top - bottom)
        bars.append({"x": _n(side + i * slot + slot * 0.15), "w": _n(slot * 0.7), "y": _n(height - bottom - h),
                     "h": _n(h), "vy": _n(height - bottom - h - 4), "cx": _n(side + i * slot + slot / 2), "label": label, "value": value,
                     "text": short_number(value) if money else formats.number_format(value, 0)})
    return {"width": width, "height": height, "bars": bars, "baseline": height - bottom, "label_y": height - 6}


def ranking_chart(rows, money=False, width=360, row_height=34):
    """Horizontal bars for [(name, value)], the name above each bar: readable on a narrow screen."""
    biggest = max((Decimal(v) for _n, v in rows), default=Decimal("0")) or Decimal("1")
    bars = []
    for i, (name, value) in enumerate(rows):
        w = float(Decimal(value) / biggest) * (width - 70)
        bars.append({"y": i * row_height, "text_y": i * row_height + 12, "bar_y": i * row_height + 16, "w": _n(max(w, 1)),
                     "name": name, "value": value, "value_x": _n(max(w, 1) + 6), "value_y": i * row_height + 27,
                     "text": short_number(value) if money else formats.number_format(value, 0)})
    return {"width": width, "height": max(len(rows), 1) * row_height, "bars": bars}
