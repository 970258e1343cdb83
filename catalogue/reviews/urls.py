from django.urls import path

from catalogue.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.MyReviewsView.as_view(), name="mine"),
    path("tulis/<int:line_pk>/", views.WriteReviewView.as_view(), name="write"),
]
