from django.utils.functional import SimpleLazyObject

from catalogue import versions


def site_version(request):
    """The site version (``catalogue.versions.site_version``) as ``site_version``, for fragments cached with
    ``{% cache shared_fragment_seconds … site_version LANGUAGE_CODE %}`` that show what any catalogue,
    category, promotion or CMS change may alter (the site menu, the footer). Read from the cache only if a
    template uses it. ``shared_fragment_seconds``: an hour, less while reading from the read replica."""
    return {
        "site_version": SimpleLazyObject(versions.site_version),
        "shared_fragment_seconds": _SharedFragmentSeconds(),
    }


class _SharedFragmentSeconds:
    """``int()`` of it is the timeout, worked out only when a ``{% cache %}`` tag asks."""

    def __int__(self):
        return versions.store_seconds(3600)
