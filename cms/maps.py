"""A dot map of mainland Jakarta's kecamatan, drawn as inline SVG from their centroids.

Map tiles cannot load here, and a dot per kecamatan sized by its number of
makers says "what is made near me" at a glance.
"""

import math
from dataclasses import dataclass

from django.db.models import Count, Q
from oscar.core.loading import get_model

from places.models import Kecamatan

ISLANDS = "Kepulauan Seribu"


@dataclass
class Dot:
    kecamatan: Kecamatan
    x: float
    y: float
    r: float


def dot_map(width=320, height=300, margin=14):
    """Dots for the mainland kecamatan, scaled into a ``width`` × ``height`` box."""
    Partner = get_model("partner", "Partner")

    places = list(
        Kecamatan.objects.exclude(kota=ISLANDS).annotate(
            maker_count=Count("businesses", filter=Q(businesses__status=Partner.Status.ACTIVE))
        )
    )
    lats = [float(k.lat) for k in places]
    lons = [float(k.lon) for k in places]
    # Degrees of longitude are shorter than degrees of latitude by cos(latitude).
    x_scale = math.cos(math.radians(sum(lats) / len(lats)))
    span = max((max(lons) - min(lons)) * x_scale, max(lats) - min(lats))
    unit = min(width, height) - 2 * margin
    most = max([k.maker_count for k in places] + [1])
    return [
        Dot(
            kecamatan=k,
            x=round(margin + (float(k.lon) - min(lons)) * x_scale / span * unit, 1),
            y=round(margin + (max(lats) - float(k.lat)) / span * unit, 1),
            r=round(4 + 9 * math.sqrt(k.maker_count / most), 1),
        )
        for k in places
    ]
