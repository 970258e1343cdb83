"""Search's small views: suggestions as you type, "Dekat saya", and the staff synonym list."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.core.validators import slug_re
from django.views import View
from django.views.generic import FormView

from partner.seller.access import StaffRequiredMixin
from places.models import Kecamatan
from search import synonyms
from search.backends import get_backend
from search.forms import clean_words
from search.models import SynonymGroup
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
            messages.success(request, _("Showing what is made near %(kecamatan)s first.") % {"kecamatan": kecamatan.name})
        else:
            request.session.pop(NEAR_SESSION_KEY, None)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            target = "/"
        return HttpResponseRedirect(target if target.startswith("/") else "/")


class SynonymsForm(forms.Form):
    groups = forms.CharField(
        label=_("Synonym groups"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "form-control"}),
        help_text=_("One group per line, words separated by commas, e.g. “kerudung, hijab, jilbab”. "
                    "A search for any word finds products with any other word of its group."),
    )

    def clean_groups(self):
        groups = []
        for n, line in enumerate(self.cleaned_data["groups"].splitlines(), start=1):
            words = [w.strip() for w in line.split(",") if w.strip()]
            if not words:
                continue
            if len(words) < 2:
                raise forms.ValidationError(_("Line %(n)s has only one word; a group needs two or more.") % {"n": n})
            if len(line) > 500:
                raise forms.ValidationError(_("Line %(n)s is longer than 500 characters.") % {"n": n})
            groups.append(", ".join(words))
        return groups


class SynonymsView(StaffRequiredMixin, FormView):
    """Programme staff edit the search synonyms; the next search uses them (no deploy, no reindex)."""

    template_name = "search/synonyms.html"
    form_class = SynonymsForm

    def get_initial(self):
        return {"groups": "\n".join(g.words for g in SynonymGroup.objects.all())}

    def form_valid(self, form):
        with transaction.atomic():
            SynonymGroup.objects.all().delete()
            SynonymGroup.objects.bulk_create([SynonymGroup(words=w) for w in form.cleaned_data["groups"]])
        synonyms.invalidate()
        messages.success(self.request, _("Saved %(n)s synonym groups; searches use them now.") % {"n": len(form.cleaned_data["groups"])})
        return redirect("search:synonyms")
