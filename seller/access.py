"""Who may use the seller centre (staff pages check ``backoffice.access.StaffRequiredMixin``).

Every seller view reads the business from the signed-in user's membership,
never from the URL or the form, and looks objects up within that business
(another business's object is a 404, so its existence cannot be inferred).
"""

from django.contrib.auth.mixins import AccessMixin
from django.shortcuts import redirect
from django.template.response import TemplateResponse


def business_of(user):
    if not user.is_authenticated:
        return None
    return user.partners.order_by("pk").first()


class SellerRequiredMixin(AccessMixin):
    """An active member business's user; ``allow_inactive`` lets applicants and suspended members in."""

    allow_inactive = False
    partner = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partner = business_of(request.user)
        if self.partner is None:
            if self.allow_inactive and request.method == "GET":
                # Programme staff run the back office; they are not offered the application form.
                return redirect("backoffice:home" if request.user.is_staff else "seller:apply")
            return TemplateResponse(request, "seller/not_a_member.html", status=403)
        if not self.partner.is_active and not self.allow_inactive:
            return TemplateResponse(request, "seller/not_active.html", {"partner": self.partner}, status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["partner"] = self.partner
        return context

