import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    name = 'catalogue'

    def ready(self):
        super().ready()
        from django.db.models.signals import post_delete, post_save
        from oscar.apps.analytics import receivers as analytics
        from oscar.apps.catalogue.signals import product_viewed
        from wagtail.signals import page_published, page_unpublished

        from catalogue import viewcounts
        from catalogue.versions import category_menu_changed, story_changed

        # A product page view writes nothing: counted in the cache, flushed in batches.
        product_viewed.disconnect(analytics.receive_product_view)
        product_viewed.connect(viewcounts.receive_product_view, dispatch_uid="okoce-product-view-count")

        # Cached fragments that are not about one product (catalogue/versions.py).
        Category = self.get_model("Category")
        post_save.connect(category_menu_changed, sender=Category, dispatch_uid="okoce-category-menu")
        post_delete.connect(category_menu_changed, sender=Category, dispatch_uid="okoce-category-menu")
        page_published.connect(story_changed, dispatch_uid="okoce-maker-story")
        page_unpublished.connect(story_changed, dispatch_uid="okoce-maker-story")

