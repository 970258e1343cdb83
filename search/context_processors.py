from oscar.core.loading import get_class

SearchForm = get_class("search.forms", "SearchForm")


def search_form(request):
    """The search box on every page, filled with the current query."""
    return {"search_form": SearchForm(request.GET)}
