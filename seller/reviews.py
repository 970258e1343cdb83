"""The seller centre's reviews tab: what buyers said about this business's lines, and the one reply."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from catalogue.reviews.forms import ReplyForm
from catalogue.reviews.services import ReviewError, reviews_for_seller, shop_rating
from catalogue.reviews.services import reply as reply_to_review
from seller.access import SellerRequiredMixin


class ReviewListView(SellerRequiredMixin, TemplateView):
    template_name = "seller/reviews.html"

    def get_context_data(self, **kwargs):
        page = Paginator(reviews_for_seller(self.partner), 20).get_page(self.request.GET.get("page"))
        forms = kwargs.pop("forms", {})
        for review in page.object_list:
            review.form = forms.get(review.pk) or ReplyForm(prefix=f"r{review.pk}")
        average, count = shop_rating(self.partner)
        return super().get_context_data(
            reviews=page.object_list, page_obj=page, paginator=page.paginator, is_paginated=page.has_other_pages(),
            average=average, count=count, **kwargs,
        )

    def post(self, request):
        """Reply once to a review of one of this business's lines (looked up inside the business)."""
        try:
            review_pk = int(request.POST.get("review", ""))
        except ValueError:
            raise Http404
        if not reviews_for_seller(self.partner).filter(pk=review_pk).exists():
            raise Http404
        form = ReplyForm(request.POST, prefix=f"r{review_pk}")
        if form.is_valid():
            try:
                reply_to_review(self.partner, request.user, review_pk, form.cleaned_data["reply"])
            except ReviewError as error:
                messages.error(request, str(error))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Your reply is shown under the review."))
            return redirect("seller:reviews")
        messages.error(request, _("Some fields need your attention; what you typed is kept below."))
        return self.render_to_response(self.get_context_data(forms={review_pk: form}))
