from django.urls import path

from consignment import views

app_name = "consignment"

urlpatterns = [
    path("", views.MartHomeView.as_view(), name="home"),
    path("terima/", views.DeliveryView.as_view(), name="delivery"),
    path("rak/<int:pk>/", views.ShelfItemView.as_view(), name="shelf-item"),
    path("serahkan/", views.HandoverView.as_view(), name="handover"),
]
