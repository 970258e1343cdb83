from django.urls import path, re_path
from django.views.generic import RedirectView

from backoffice import background, campaigns, finance, impact, reviews, views

app_name = "backoffice"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("anggota/", views.MemberListView.as_view(), name="members"),
    path("anggota/<int:pk>/", views.MemberReviewView.as_view(), name="member"),
    path("moderasi/", views.ModerationListView.as_view(), name="moderation"),
    path("moderasi/<int:pk>/", views.ModerationDecisionView.as_view(), name="moderation-decide"),
    path("sertifikat/", views.ComplianceListView.as_view(), name="compliance"),
    path("sertifikat/<int:pk>/", views.ComplianceDecisionView.as_view(), name="compliance-decide"),
    path("riwayat/", views.ChangeLogView.as_view(), name="changes"),
    path("saldo/", finance.BalancesView.as_view(), name="balances"),
    path("saldo/<int:pk>/<str:month>/", finance.StatementView.as_view(), name="statement"),
    path("pesanan/", finance.OrderListView.as_view(), name="orders"),
    path("pesanan/<str:number>/", finance.OrderView.as_view(), name="order"),
    path("sinonim/", views.SynonymsView.as_view(), name="synonyms"),
    path("kampanye/", campaigns.CampaignListView.as_view(), name="campaigns"),
    path("kampanye/baru/", campaigns.CampaignFormView.as_view(), name="campaign-create"),
    path("kampanye/<int:pk>/", campaigns.CampaignFormView.as_view(), name="campaign-edit"),
    path("kampanye/<int:pk>/akhiri/", campaigns.CampaignEndView.as_view(), name="campaign-end"),
    path("dampak/", impact.ImpactView.as_view(), name="impact"),
    path("dampak/csv/", impact.ImpactCsvView.as_view(), name="impact-csv"),
    path("ulasan/", reviews.ReviewListView.as_view(), name="reviews"),
    path("ulasan/<int:pk>/", reviews.ReviewHideView.as_view(), name="review-hide"),
    path("tugas/", background.TaskListView.as_view(), name="tasks"),
    path("tugas/<int:pk>/ulang/", background.TaskRetryView.as_view(), name="task-retry"),
]

# The staff pages' old addresses (/penjual/staf/…, /search/staf/sinonim/) redirect permanently
# to the back office, so bookmarks and links in old emails keep working. Mounted by storefront.urls.
legacy_urlpatterns = [
    re_path(r"^penjual/staf/(?P<rest>.*)$", RedirectView.as_view(url="/staf/%(rest)s", permanent=True, query_string=True)),
    path("search/staf/sinonim/", RedirectView.as_view(url="/staf/sinonim/", permanent=True, query_string=True)),
]
