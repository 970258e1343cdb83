"""Programme impact per kecamatan: active members, orders and rupiah earned by members."""

from django.db.models import Count, Q, Sum
from oscar.core.loading import get_model

from places.models import Kecamatan


def impact_by_kecamatan(limit=10):
    """The kecamatan with the most active members, with their orders and sales.

    "Rupiah to members" is the value of order lines sold by the kecamatan's
    members. Until the payout ledger exists (checkout issue) this is gross
    sales before the programme's commission.
    """
    Partner = get_model("partner", "Partner")
    Line = get_model("order", "Line")
    places = list(
        Kecamatan.objects.annotate(
            members=Count("businesses", filter=Q(businesses__status=Partner.Status.ACTIVE))
        ).filter(members__gt=0).order_by("-members", "name")[:limit]
    )
    sales = {
        row["partner__kecamatan"]: row
        for row in Line.objects.filter(partner__kecamatan__in=places)
        .values("partner__kecamatan")
        .annotate(orders=Count("order", distinct=True), rupiah=Sum("line_price_incl_tax"))
    }
    for place in places:
        row = sales.get(place.pk, {})
        place.orders = row.get("orders", 0)
        place.rupiah = row.get("rupiah") or 0
    return places
