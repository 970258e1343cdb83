"""Request-wide middleware: language choice, refusal of control characters, CSP and cookie flags."""

import re

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _


def chosen_language(request):
    """The shopper's language: the language cookie if it names one of ours, else Indonesian."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language.

    Many phones in Jakarta are set to English while their owners shop in
    Indonesian, and the programme is Indonesian first: the shop speaks
    Indonesian until the shopper chooses English with the language switch
    (stored in the language cookie).
    """

    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()


# C0 control characters and DEL. Tab, newline and carriage return are ordinary in
# form values (a textarea sends CR LF), never in a URL path.
PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
VALUE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _has_control(querydict):
    for key, values in querydict.lists():
        if VALUE_CONTROL.search(key) or any(isinstance(v, str) and VALUE_CONTROL.search(v) for v in values):
            return True
    return False


class RejectControlCharactersMiddleware:
    """Answer 400 to a request whose path, query or form values hold control characters.

    No page expects them, and PostgreSQL cannot store or even compare a string
    holding NUL (psycopg raises, and the shopper would see a server error), so
    they are refused once here instead of in every view. Cookies holding them
    are dropped, as if the browser had not sent them, so a damaged cookie never
    locks anyone out. Runs before the session is read; renders without the
    database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [n for n, v in request.COOKIES.items() if PATH_CONTROL.search(n) or PATH_CONTROL.search(v)]:
            del request.COOKIES[name]
        if PATH_CONTROL.search(request.path) or _has_control(request.GET) or (
            request.method == "POST" and _has_control(request.POST)
        ):
            return self.bad_request(request)
        return self.get_response(request)

    def bad_request(self, request):
        with translation.override(chosen_language(request)):
            html = render_to_string(
                "400.html",
                {
                    "message": _(
                        "The address or the form you sent contains characters we cannot read "
                        "(control characters such as NUL). Remove them and try again."
                    ),
                    "LANGUAGE_CODE": translation.get_language(),
                },
            )
        return HttpResponseBadRequest(html)


def external_scripts():
    """The external script sources of the shop's policy (settings.CONTENT_SECURITY_POLICY)."""
    return [source for source in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] if str(source).startswith("https://")]


def media_sources():
    """The origins the shop's policy allows pictures from (the media bucket's, settings.MEDIA_S3)."""
    return [source for source in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] if "://" in str(source)]


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with inline scripts allowed only in the staff tools.

    Oscar's dashboard, Wagtail's admin and Django's admin ship templates with inline
    scripts we do not own; their pages get 'unsafe-inline' (and no nonce, which
    would switch it off). Everything shoppers and sellers see keeps the strict
    policy. External scripts are the same everywhere: those settings allow (the payment widget's).
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(settings.CSP_STAFF_URL_PREFIXES):
            parts.nonce = None
            parts.replace = {
                **(parts.replace or {}),
                "script-src": [SELF, UNSAFE_INLINE, *external_scripts()],
                # Wagtail's previews are blobs; pictures may come from the media bucket (settings: img-src).
                "img-src": [SELF, "data:", "blob:", *media_sources()],
            }
        return parts


class SameSiteCookiesMiddleware:
    """Every cookie the shop sets is SameSite=Lax unless it says otherwise.

    Django's own cookies have settings for it; Oscar's basket and recently-viewed
    cookies do not. Lax still sends them when a shopper follows a link to the shop.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for morsel in response.cookies.values():
            if not morsel["samesite"]:
                morsel["samesite"] = "Lax"
        return response
