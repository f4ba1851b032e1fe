"""The site's two languages: English at the original addresses, Ukrainian under /uk/.

The language of a public page is its URL's and nothing else: neither a cookie nor the browser's
Accept-Language changes what an address shows. A page is therefore the same for every reader, which
keeps it cacheable by the page cache and by any shared cache in front.
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers

# How Open Graph names each language's locale.
OG_LOCALES = {"en": "en_GB", "uk": "uk_UA"}


class UrlLanguageMiddleware:
    """Activates the language named by the path's prefix ("/uk/…"), or English without one.

    Unlike Django's LocaleMiddleware it reads no cookie and no Accept-Language, so it adds no
    `Vary: Accept-Language`: an answer does not vary by it, and a shared cache keyed on it would keep
    a copy per browser language of the very same page. The admin alone, which no cache keeps, follows
    the editor's browser language (or Django's language cookie) instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        in_admin = request.path_info.startswith("/" + settings.ADMIN_PATH)
        if in_admin:
            # The admin is no public page: it follows the editor's browser (or the language cookie),
            # as Django's LocaleMiddleware would, and says that its answers vary by it.
            language = translation.get_language_from_request(request)
        else:
            language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if in_admin:
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


def other_languages(language: str | None = None) -> list[tuple[str, str]]:
    """The site's languages other than `language` (the active one by default), as (code, name)."""
    language = language or translation.get_language()
    return [(code, name) for code, name in settings.LANGUAGES if code != language]


RELEASE_OVERVIEW = re.compile(r"^(?:/[a-z]{2})?/overview/(?P<query>\?.*)?$")


def in_language(path: str, language: str) -> str:
    """The same address in another language: "/members/france/?a=1" → "/uk/members/france/?a=1".

    An address that names no page of the site comes back as it was."""
    # Inside a release (/releases/<n>/…) the path resolves without its prefix; the answer gets it back.
    prefix = get_script_prefix()
    if prefix != "/" and path.startswith(prefix):
        path = path[len(prefix) - 1 :]
        # The overview at a release lives at /releases/<n>/overview/ (/releases/<n>/ is the release's page).
        if (overview := RELEASE_OVERVIEW.match(path)) is not None:
            own = "" if language == settings.LANGUAGE_CODE else f"{language}/"
            return f"{prefix}{own}overview/{overview['query'] or ''}"
    # The path resolves only in its own language ("/uk/…" matches nothing while English is active).
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        return translate_url(path, language)


def alternates(path: str) -> list[tuple[str, str]]:
    """(hreflang, absolute address) of a page in every language, and "x-default" for the English."""
    links = [(code, settings.SITE_URL + in_language(path, code)) for code, _name in settings.LANGUAGES]
    default = next(url for code, url in links if code == settings.LANGUAGE_CODE)
    return [*links, ("x-default", default)]
