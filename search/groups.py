"""Result groups shown above the products on the search results page ("Businesses", "Stories").

Search knows only that a group is a context name and a function from the
shopper's words to a short list. Apps that own other content register theirs
in their ``AppConfig.ready`` (cms registers founder stories), so search needs
no import of them:

    from search import groups
    groups.register("matching_stories", matching_stories)
"""

_providers = {}


def register(name, provider):
    """``provider(words)`` returns a list for the template variable ``name``; registering a name again replaces it."""
    _providers[name] = provider


def providers():
    return dict(_providers)


def find(words):
    """{name: list} for every registered group."""
    return {name: provider(words) for name, provider in _providers.items()}
