from django.urls import path

from favourites import views

app_name = "favourites"

urlpatterns = [
    path("", views.FavouritesView.as_view(), name="list"),
    path("baru/", views.FeedView.as_view(), name="feed"),
    path("produk/<int:pk>/", views.FavouriteToggleView.as_view(), name="toggle"),
    path("toko/<int:pk>/", views.FollowToggleView.as_view(), name="follow"),
]
