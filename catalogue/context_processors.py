from django.utils.functional import SimpleLazyObject

from catalogue import versions


def site_version(request):
    """The site version (``catalogue.versions.site_version``) as ``site_version``, for fragments cached with
    ``{% cache … site_version LANGUAGE_CODE %}`` that show what any catalogue, category, promotion or CMS
    change may alter (the site menu, the footer). Read from the cache only if a template uses it."""
    return {"site_version": SimpleLazyObject(versions.site_version)}
