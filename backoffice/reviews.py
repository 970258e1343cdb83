"""Staff's view of shoppers' reviews: read them, hide one with a reason (it leaves the averages), show it again."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from backoffice.access import StaffRequiredMixin
from catalogue.reviews import services
from catalogue.reviews.forms import HideForm

ProductReview = services.ProductReview


class ReviewListView(StaffRequiredMixin, ListView):
    template_name = "backoffice/reviews.html"
    context_object_name = "reviews"
    paginate_by = 50

    def get_queryset(self):
        self.show = "hidden" if self.request.GET.get("show") == "hidden" else "visible"
        status = ProductReview.REJECTED if self.show == "hidden" else ProductReview.APPROVED
        return (ProductReview.objects.filter(status=status).select_related("product", "user", "line__partner", "hidden_by")
                .prefetch_related("photos").order_by("-date_created", "-pk"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(show=self.show, form=HideForm(), **kwargs)


class ReviewHideView(StaffRequiredMixin, View):
    def post(self, request, pk):
        review = get_object_or_404(ProductReview, pk=pk)
        form = HideForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("backoffice:reviews")
        if form.cleaned_data["action"] == "hide":
            services.hide(review, request.user, form.cleaned_data["reason"])
            messages.success(request, _("The review is hidden from shoppers and left out of the averages."))
            return redirect("backoffice:reviews")
        services.restore(review)
        messages.success(request, _("The review is shown again."))
        return redirect("backoffice:reviews")
