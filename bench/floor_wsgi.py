"""The shop's WSGI application plus one bench-only page, ``/__floor__``, for bench/web.py.

    gunicorn bench.floor_wsgi -c storefront/gunicorn.conf.py

``/__floor__`` is a bare Django view (a plain ``HttpResponse``) called the way
Django calls any view, through the same handler and the same middleware stack
as the shop's pages, by the same gunicorn workers. It is the floor the shop's
pages are compared with: what a request costs before any app code runs. The
shop's URLs are left alone: the page is added here by prepending a pattern to
a bench-only URLconf (``bench.floor_wsgi``) that includes ``storefront.urls``.
Everything else goes to ``storefront.wsgi.application`` unchanged.
"""

import os

from django.http import HttpResponse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "storefront.settings")

from storefront.wsgi import application  # noqa: E402  (sets Django up; the shop's URLs import models)

from django.conf import settings  # noqa: E402
from django.urls import include, path  # noqa: E402

FLOOR_PATH = "/__floor__"


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(FLOOR_PATH.lstrip("/"), floor, name="bench-floor"), path("", include(settings.ROOT_URLCONF))]

# Every request resolves against this module: /__floor__ first, then exactly what storefront.urls says.
settings.ROOT_URLCONF = __name__
