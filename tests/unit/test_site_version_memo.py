"""The site version is read from the cache once per request (catalogue.versions.RequestVersionMiddleware):
the menu, the banner, the routing and the listings all ask for it, and with Redis each ask is a round
trip. A change made by the request itself is still seen by the rest of it, and the next request reads
the version afresh."""

from django.core.cache import cache
from django.http import HttpResponse

from catalogue import versions


class Spy:
    def __init__(self, monkeypatch):
        self.reads = 0
        real_get = cache.get

        def get(key, *args, **kwargs):
            if key == versions.SITE_KEY:
                self.reads += 1
            return real_get(key, *args, **kwargs)

        monkeypatch.setattr(cache, "get", get)


def in_request(view):
    return versions.RequestVersionMiddleware(view)(object())


def test_one_read_per_request_and_a_fresh_read_for_the_next(monkeypatch):
    spy = Spy(monkeypatch)
    seen = []

    def view(request):
        seen.extend(versions.site_version() for _ in range(4))
        return HttpResponse()

    in_request(view)
    assert spy.reads == 1 and len(set(seen)) == 1
    cache.set(versions.SITE_KEY, "from-another-process")  # another worker's change, between requests
    seen.clear()
    in_request(view)
    assert spy.reads == 2 and set(seen) == {"from-another-process"}


def test_a_change_made_by_the_request_is_seen_by_the_rest_of_it():
    seen = []

    def view(request):
        seen.append(versions.site_version())
        versions.bump_site()
        seen.append(versions.site_version())
        versions.bump([42])
        seen.append(versions.site_version())
        return HttpResponse()

    in_request(view)
    assert len(set(seen)) == 3
    assert seen[-1] == cache.get(versions.SITE_KEY)


def test_outside_a_request_every_call_reads_the_cache():
    first = versions.site_version()
    cache.set(versions.SITE_KEY, "changed")
    assert versions.site_version() == "changed" != first
