from django.urls import path

from seller import consignment, finance, promotions, reviews, views

app_name = "seller"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("daftar/", views.ApplyView.as_view(), name="apply"),
    path("profil/", views.ProfileView.as_view(), name="profile"),
    path("produk/", views.ProductListView.as_view(), name="products"),
    path("produk/stok/", views.ProductStockView.as_view(), name="product-stock"),
    path("produk/baru/", views.ProductTypeView.as_view(), name="product-type"),
    path("produk/baru/<slug:class_slug>/", views.ProductCreateView.as_view(), name="product-create"),
    path("produk/<int:pk>/", views.ProductUpdateView.as_view(), name="product-edit"),
    path("produk/<int:pk>/tayang/", views.ProductPublishView.as_view(), name="product-publish"),
    path("produk/<int:pk>/hapus/", views.ProductDeleteView.as_view(), name="product-delete"),
    path("pesanan/", views.OrderListView.as_view(), name="orders"),
    path("pesanan/<str:number>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("saldo/", finance.SellerBalanceView.as_view(), name="balance"),
    path("saldo/<str:month>/", finance.SellerStatementView.as_view(), name="statement"),
    path("promosi/", promotions.PromotionListView.as_view(), name="promotions"),
    path("promosi/baru/", promotions.PromotionCreateView.as_view(), name="promotion-create"),
    path("promosi/<int:pk>/", promotions.PromotionEditView.as_view(), name="promotion-edit"),
    path("promosi/<int:pk>/akhiri/", promotions.PromotionEndView.as_view(), name="promotion-end"),
    path("ulasan/", reviews.ReviewListView.as_view(), name="reviews"),
    path("konsinyasi/", consignment.SellerConsignmentView.as_view(), name="consignment"),
    path("tim/", views.TeamView.as_view(), name="team"),
    path("tim/<int:user_pk>/hapus/", views.TeamRemoveView.as_view(), name="team-remove"),
    path("undangan/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation"),
]
