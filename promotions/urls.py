from django.urls import path

from promotions import views

app_name = "promotions"

urlpatterns = [
    path("promo/<slug:slug>/", views.CampaignView.as_view(), name="campaign"),
]
