from wagtail import hooks

from .choosers import business_chooser_viewset, product_chooser_viewset


@hooks.register("register_admin_viewset")
def register_choosers():
    return [product_chooser_viewset, business_chooser_viewset]
