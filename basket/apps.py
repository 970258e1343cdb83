import oscar.apps.basket.apps as apps


class BasketConfig(apps.BasketConfig):
    """Oscar's basket app, forked: a basket's lines, its offers and a new shopper's first add read less."""

    name = "basket"

    def ready(self):
        super().ready()
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from oscar.core.loading import get_model

        from catalogue.versions import bump_site

        from . import additions, versions

        # Oscar's analytics write per add is replaced by a counter flushed in batches (basket.additions).
        additions.connect()

        # Every write to a basket moves its version: its cached basket page is stale (storefront/pagecache.py).
        Basket, Line, LineAttribute = (get_model("basket", name) for name in ("Basket", "Line", "LineAttribute"))
        for signal in (post_save, post_delete):
            signal.connect(versions.basket_saved, sender=Basket, dispatch_uid="basket-version-basket")
            signal.connect(versions.line_saved, sender=Line, dispatch_uid="basket-version-line")
            signal.connect(versions.line_attribute_saved, sender=LineAttribute, dispatch_uid="basket-version-attr")
        # A voucher's dates and offers decide a basket's discounts as an offer's do (promotions.receivers).
        Voucher = get_model("voucher", "Voucher")
        for signal in (post_save, post_delete):
            signal.connect(bump_site, sender=Voucher, dispatch_uid="basket-version-voucher")
        m2m_changed.connect(versions.vouchers_changed, sender=Basket.vouchers.through, dispatch_uid="basket-version-vouchers")
