import oscar.apps.order.apps as apps


class OrderConfig(apps.OrderConfig):
    name = 'order'

    def ready(self):
        super().ready()
        from django.contrib.auth.signals import user_logged_in

        from order.views import offer_claim

        # A shopper signing in (or registering) with an email that has guest orders is offered them.
        user_logged_in.connect(offer_claim, dispatch_uid="order.offer_claim")
