from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .choosers import business_chooser_viewset, product_chooser_viewset
from .models import SizeGuide


@hooks.register("register_admin_viewset")
def register_choosers():
    return [product_chooser_viewset, business_chooser_viewset]


class SizeGuideViewSet(SnippetViewSet):
    """Staff edit size guides at /cms/snippets/ ("Size guides")."""

    model = SizeGuide
    icon = "table"
    menu_label = _("Size guides")
    add_to_admin_menu = True
    list_display = ["product_class", "kind"]


register_snippet(SizeGuideViewSet)
