from django.db.models import Count, Prefetch, Q
from django.views.generic import ListView
from oscar.core.loading import get_model

from .models import Kecamatan, Mart, OpeningHours

Partner = get_model("partner", "Partner")


class KecamatanListView(ListView):
    """All 44 kecamatan grouped by kota, with how many active makers each has."""

    template_name = "places/kecamatan_list.html"

    def get_queryset(self):
        return Kecamatan.objects.annotate(
            maker_count=Count("businesses", filter=Q(businesses__status=Partner.Status.ACTIVE))
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["groups"] = self.object_list.by_kota()
        return ctx


class MartListView(ListView):
    """The programme's physical shops, each with today's hours and whether it is open now."""

    template_name = "places/mart_list.html"
    context_object_name = "marts"

    def get_queryset(self):
        return Mart.objects.select_related("kecamatan").prefetch_related(
            Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at"))
        )
