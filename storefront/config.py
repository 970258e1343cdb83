"""Oscar's root app, minus its "/" redirect, so Wagtail serves the home page."""

from oscar.config import Shop as OscarShop


class Shop(OscarShop):
    def get_urls(self):
        return [url for url in super().get_urls() if getattr(url, "name", None) != "home"]
