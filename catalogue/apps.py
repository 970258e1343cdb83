import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    name = 'catalogue'

    def ready(self):
        super().ready()
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
        from oscar.apps.analytics import receivers as analytics
        from oscar.apps.catalogue.signals import product_viewed
        from wagtail.signals import page_published, page_unpublished

        from catalogue import viewcounts
        from catalogue.versions import category_menu_changed, option_deleted, option_deleting, options_changed, story_changed

        # A product page view writes nothing: counted in the cache, flushed in batches.
        product_viewed.disconnect(analytics.receive_product_view)
        product_viewed.connect(viewcounts.receive_product_view, dispatch_uid="okoce-product-view-count")

        # Cached fragments that are not about one product (catalogue/versions.py).
        Category = self.get_model("Category")
        post_save.connect(category_menu_changed, sender=Category, dispatch_uid="okoce-category-menu")
        post_delete.connect(category_menu_changed, sender=Category, dispatch_uid="okoce-category-menu")
        page_published.connect(story_changed, dispatch_uid="okoce-maker-story")
        page_unpublished.connect(story_changed, dispatch_uid="okoce-maker-story")
        # The options a product asks for (the add to the basket and the buy box are cached per product).
        ProductClass, Product, Option = self.get_model("ProductClass"), self.get_model("Product"), self.get_model("Option")
        m2m_changed.connect(options_changed, sender=ProductClass.options.through, dispatch_uid="okoce-class-options")
        m2m_changed.connect(options_changed, sender=Product.product_options.through, dispatch_uid="okoce-product-options")
        post_save.connect(options_changed, sender=Option, dispatch_uid="okoce-option")
        pre_delete.connect(option_deleting, sender=Option, dispatch_uid="okoce-option")
        post_delete.connect(option_deleted, sender=Option, dispatch_uid="okoce-option")

