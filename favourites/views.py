"""The heart on products, the "Favorit" page, following shops and their feed of new products."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from favourites import services
from favourites.models import ShopFollow

Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")


def back_to(request, fallback):
    """Where the shopper was (``next``), if it is a page of this shop; otherwise ``fallback``."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


class FavouriteToggleView(LoginRequiredMixin, View):
    """POST: the heart. A shopper asked to sign in first comes back (GET) to the same product."""

    def get(self, request, pk):
        return HttpResponseRedirect(get_object_or_404(Product.objects.browsable(), pk=pk).get_absolute_url())

    def post(self, request, pk):
        product = get_object_or_404(Product.objects.browsable(), pk=pk)
        if services.toggle_favourite(request.user, product):
            messages.success(request, _("%(title)s is in your favourites.") % {"title": product.get_title()})
        else:
            messages.info(request, _("%(title)s is no longer in your favourites.") % {"title": product.get_title()})
        return HttpResponseRedirect(back_to(request, product.get_absolute_url()))


class FollowToggleView(LoginRequiredMixin, View):
    """POST: follow a shop, or stop following it. GET (after signing in) goes back to the shop."""

    def get(self, request, pk):
        return HttpResponseRedirect(get_object_or_404(Partner, pk=pk, status=Partner.Status.ACTIVE).get_absolute_url())

    def post(self, request, pk):
        partner = get_object_or_404(Partner, pk=pk, status=Partner.Status.ACTIVE)
        if services.toggle_follow(request.user, partner):
            messages.success(request, _("You follow %(shop)s: its new products appear in your feed.") % {"shop": partner.name})
        else:
            messages.info(request, _("You no longer follow %(shop)s.") % {"shop": partner.name})
        return HttpResponseRedirect(back_to(request, partner.get_absolute_url()))


class FavouritesView(LoginRequiredMixin, TemplateView):
    """The "Favorit" page: favourite products and followed shops."""

    template_name = "favourites/favourites.html"

    def get_context_data(self, **kwargs):
        shops = [f.partner for f in ShopFollow.objects.filter(user=self.request.user, partner__status=Partner.Status.ACTIVE)
                 .select_related("partner__kecamatan").order_by("partner__name")]
        return super().get_context_data(products=services.favourite_products(self.request.user), shops=shops, **kwargs)


class FeedView(LoginRequiredMixin, TemplateView):
    """New products from the shops the shopper follows."""

    template_name = "favourites/feed.html"

    def get_context_data(self, **kwargs):
        page = Paginator(services.followed_feed(self.request.user), 24).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            products=page.object_list, page_obj=page, paginator=page.paginator, is_paginated=page.has_other_pages(),
            follows_any=ShopFollow.objects.filter(user=self.request.user).exists(), **kwargs,
        )
