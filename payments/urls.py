from django.urls import path

from payments import views

# One notification URL per configured gateway, /<its code>/webhook/ (404 for any other code).
urlpatterns = [path("<slug:code>/webhook/", views.webhook, name="gateway-webhook")]
