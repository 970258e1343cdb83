import oscar.apps.search.apps as apps
from django.urls import path


class SearchConfig(apps.SearchConfig):
    name = "search"

    def ready(self):
        super().ready()
        from search import signals  # noqa: F401  (keeps both engines' copies current)

        from search.views import extra

        self.suggest_view = extra.SuggestView
        self.near_view = extra.NearView

    def get_urls(self):
        urls = super().get_urls()
        urls += self.post_process_urls([
            path("saran/", self.suggest_view.as_view(), name="suggest"),
            path("dekat-saya/", self.near_view.as_view(), name="near"),
        ])
        return urls
