from django.urls import path

from . import views

# Mounted by storefront.urls inside the "places" namespace, together with the kecamatan
# pages (list and detail), which search serves: they list what is made there.
urlpatterns = [
    path("mart/", views.MartListView.as_view(), name="mart-list"),
]
