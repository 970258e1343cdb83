import oscar.apps.order.apps as apps


class OrderConfig(apps.OrderConfig):
    name = 'order'

    def ready(self):
        super().ready()
        from django.contrib.auth.signals import user_logged_in

        from order import analytics
        from order.views import offer_claim

        # Oscar's analytics for a placed order, with a savepoint around its first INSERT (order.analytics).
        analytics.connect()

        # A shopper signing in (or registering) with an email that has guest orders is offered them.
        user_logged_in.connect(offer_claim, dispatch_uid="order.offer_claim")
