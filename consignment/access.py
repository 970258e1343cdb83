"""Who may use the Mart operator's pages: a user staff assigned to a Mart (``MartOperator``), for that Mart only.

Views take the Mart from the signed-in operator, never from the URL or a form,
and look shelf rows and orders up inside it (another Mart's row is a 404).
"""

from django.contrib.auth.mixins import AccessMixin
from django.template.response import TemplateResponse

from consignment.models import MartOperator


def mart_of(user):
    if not user.is_authenticated:
        return None
    operator = MartOperator.objects.filter(user=user).select_related("mart").first()
    return operator.mart if operator else None


class MartOperatorRequiredMixin(AccessMixin):
    mart = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.mart = mart_of(request.user)
        if self.mart is None:
            return TemplateResponse(request, "consignment/not_an_operator.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["mart"] = self.mart
        return context
