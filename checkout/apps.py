import oscar.apps.checkout.apps as apps
from django.urls import path


class CheckoutConfig(apps.CheckoutConfig):
    """Oscar's checkout replaced by one page, a payment page per gateway, and a thank-you page."""

    name = "checkout"

    def ready(self):
        super().ready()
        from checkout.placement import CheckoutPlacement
        from payments import placement

        # Checkout depends on payments; payments reaches order placement only through this callback.
        placement.register(CheckoutPlacement())

    def get_urls(self):
        from checkout import views

        urls = [
            path("", views.CheckoutView.as_view(), name="index"),
            path("ongkir/", views.ShippingEstimateView.as_view(), name="shipping-estimate"),
            path("bayar/<str:number>/", views.PaymentView.as_view(), name="payment"),
            path("bayar/<str:number>/uji/", views.TestPayView.as_view(), name="test-pay"),
            path("bayar/<str:number>/batal/", views.CancelPaymentView.as_view(), name="cancel"),
            path("bayar/<str:number>/status/", views.PaymentStatusView.as_view(), name="payment-return"),
            path("terima-kasih/<str:number>/", views.ThankYouView.as_view(), name="thank-you"),
        ]
        return self.post_process_urls(urls)
