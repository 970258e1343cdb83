from django.db.models import Prefetch
from django.views.generic import ListView

from .models import Mart, OpeningHours


class MartListView(ListView):
    """The programme's physical shops, each with today's hours and whether it is open now."""

    template_name = "places/mart_list.html"
    context_object_name = "marts"

    def get_queryset(self):
        return Mart.objects.select_related("kecamatan").prefetch_related(
            Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at"))
        )
