"""Search's small views: suggestions as you type and "Dekat saya" (staff edit synonyms in the back office)."""

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.core.validators import slug_re
from django.views import View

from places.models import Kecamatan
from search.backends import get_backend
from search.forms import clean_words
from search.views.listing import NEAR_SESSION_KEY


class SuggestView(View):
    """Suggestions for the search box: product names, member businesses and kecamatan."""

    def get(self, request):
        found = get_backend().suggest(clean_words(request.GET.get("q", ""), limit=50))
        return JsonResponse(
            {
                "products": found["products"],
                "businesses": [{"name": n, "url": u} for n, u in found["businesses"]],
                "kecamatan": [{"name": n, "url": u} for n, u in found["kecamatan"]],
            }
        )


class NearView(View):
    """The shopper picks (or forgets) their own kecamatan; listings can then sort by distance."""

    def post(self, request):
        slug = request.POST.get("kecamatan", "")
        kecamatan = Kecamatan.objects.filter(slug=slug).first() if slug_re.fullmatch(slug) else None
        if kecamatan:
            request.session[NEAR_SESSION_KEY] = kecamatan.slug
            if request.POST.get("purpose") == "shipping":  # the product page's or basket's shipping estimate
                messages.success(request, _("Shipping is estimated to %(kecamatan)s.") % {"kecamatan": kecamatan.name})
            else:
                messages.success(request, _("Showing what is made near %(kecamatan)s first.") % {"kecamatan": kecamatan.name})
        else:
            request.session.pop(NEAR_SESSION_KEY, None)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            target = "/"
        # A plain redirect: shortcuts.redirect() would try ``next`` as a URL name and fail on one it is not.
        return HttpResponseRedirect(target)
