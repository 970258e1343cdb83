from django.urls import path

from partner.seller import finance, views

app_name = "seller"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("daftar/", views.ApplyView.as_view(), name="apply"),
    path("profil/", views.ProfileView.as_view(), name="profile"),
    path("produk/", views.ProductListView.as_view(), name="products"),
    path("produk/baru/", views.ProductTypeView.as_view(), name="product-type"),
    path("produk/baru/<slug:class_slug>/", views.ProductCreateView.as_view(), name="product-create"),
    path("produk/<int:pk>/", views.ProductUpdateView.as_view(), name="product-edit"),
    path("produk/<int:pk>/tayang/", views.ProductPublishView.as_view(), name="product-publish"),
    path("produk/<int:pk>/hapus/", views.ProductDeleteView.as_view(), name="product-delete"),
    path("pesanan/", views.OrderListView.as_view(), name="orders"),
    path("pesanan/<str:number>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("saldo/", finance.SellerBalanceView.as_view(), name="balance"),
    path("saldo/<str:month>/", finance.SellerStatementView.as_view(), name="statement"),
    path("tim/", views.TeamView.as_view(), name="team"),
    path("tim/<int:user_pk>/hapus/", views.TeamRemoveView.as_view(), name="team-remove"),
    path("undangan/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation"),
    path("staf/anggota/", views.MemberListView.as_view(), name="staff-members"),
    path("staf/anggota/<int:pk>/", views.MemberReviewView.as_view(), name="staff-member"),
    path("staf/moderasi/", views.ModerationListView.as_view(), name="staff-moderation"),
    path("staf/moderasi/<int:pk>/", views.ModerationDecisionView.as_view(), name="staff-moderation-decide"),
    path("staf/sertifikat/", views.ComplianceListView.as_view(), name="staff-compliance"),
    path("staf/sertifikat/<int:pk>/", views.ComplianceDecisionView.as_view(), name="staff-compliance-decide"),
    path("staf/riwayat/", views.ChangeLogView.as_view(), name="staff-changes"),
    path("staf/saldo/", finance.StaffBalancesView.as_view(), name="staff-balances"),
    path("staf/saldo/<int:pk>/<str:month>/", finance.StaffStatementView.as_view(), name="staff-statement"),
    path("staf/pesanan/", finance.StaffOrderListView.as_view(), name="staff-orders"),
    path("staf/pesanan/<str:number>/", finance.StaffOrderView.as_view(), name="staff-order"),
]
