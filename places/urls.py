from django.urls import path
from oscar.core.loading import get_class

from . import views

KecamatanView = get_class("search.views", "KecamatanView")

app_name = "places"
urlpatterns = [
    path("kecamatan/", views.KecamatanListView.as_view(), name="kecamatan-list"),
    path("kecamatan/<slug:slug>/", KecamatanView.as_view(), name="kecamatan"),
    path("mart/", views.MartListView.as_view(), name="mart-list"),
]
