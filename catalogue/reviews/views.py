"""The buyer's review pages: what they can review (and confirm as received), and the review form."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from catalogue.reviews import services
from catalogue.reviews.forms import ReviewForm


class MyReviewsView(LoginRequiredMixin, TemplateView):
    """Items waiting for a review, items on their way, and the reviews already written."""

    template_name = "oscar/catalogue/reviews/mine.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            to_review=services.reviewable_lines(user)[:50],
            on_the_way=services.awaiting_receipt(user)[:50],
            written=services.ProductReview.objects.filter(user=user).select_related("product").prefetch_related("photos")[:50],
            **kwargs,
        )

    def post(self, request):
        """"It arrived": the buyer confirms a shipped line, which can then be reviewed."""
        try:
            line_pk = int(request.POST.get("line", ""))
        except ValueError:
            raise Http404
        try:
            services.confirm_received(request.user, line_pk)
        except services.ReviewError as error:
            messages.error(request, str(error))
            return redirect("reviews:mine")
        messages.success(request, _("Thank you! You can now rate what you received."))
        return redirect("reviews:write", line_pk=line_pk)


class WriteReviewView(LoginRequiredMixin, FormView):
    template_name = "oscar/catalogue/reviews/write.html"
    form_class = ReviewForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.line = services.reviewable_lines(request.user).filter(pk=kwargs["line_pk"]).first()
            if self.line is None:
                messages.info(request, _("You can review an item once, after it has reached you."))
                return redirect("reviews:mine")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(line=self.line, product=services.reviewed_product(self.line), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.submit(self.request.user, self.line.pk, data["score"], data["body"], data["photos"])
        except services.ReviewError as error:
            messages.error(self.request, str(error))
            return redirect("reviews:mine")
        messages.success(self.request, _("Thank you for your review!"))
        return redirect(services.reviewed_product(self.line).get_absolute_url() + "#ulasan")

    def form_invalid(self, form):
        messages.error(self.request, _("Some fields need your attention; what you typed is kept below."))
        return super().form_invalid(form)
