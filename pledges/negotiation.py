"""The language an API client asked for: `?lang=`, else an address under /uk/, else Accept-Language.

Unlike the pages, whose language is their address's alone (pledges.languages), the API answers at one
address in either language: a client names it with `?lang=uk` or with its Accept-Language header. The
parameter wins; anything the API does not speak is English. The page cache keys each API answer on
the language chosen here (pledges.caching), and the answer says `Vary: Accept-Language`.
"""

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

PARAMETER = "lang"
# The API's namespace, and its one route that is the same in every language (the schema is code).
API_NAMESPACE = "pledges:api"
LANGUAGE_FREE_ROUTES = ("openapi",)


def languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


class LanguageForm(forms.Form):
    """`?lang=`: one of the site's languages; empty is the same as not given."""

    lang = forms.ChoiceField(required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lang"].choices = [(code, code) for code in languages()]


def from_header(header: str) -> str | None:
    """The first language of an Accept-Language header the API speaks ("uk-UA,uk;q=0.9" → "uk")."""
    spoken = languages()
    for tag, _quality in parse_accept_lang_header(header or ""):
        primary = tag.split("-")[0]
        if primary in spoken:
            return primary
    return None


def requested_language(request: HttpRequest) -> tuple[str, dict[str, list[str]]]:
    """The language to answer in and the errors of a bad `lang` (then the answer's other sources
    decide the language its 400 is written in)."""
    form = LanguageForm(request.GET)
    asked = form.cleaned_data["lang"] if form.is_valid() else ""
    language = (
        asked
        or translation.get_language_from_path(request.path_info)
        or from_header(request.headers.get("Accept-Language", ""))
        or settings.LANGUAGE_CODE
    )
    if form.is_valid():
        return language, {}
    with translation.override(language):
        return language, {
            name: [str(message) for message in messages] for name, messages in form.errors.items()
        }


def is_multilingual(request: HttpRequest) -> bool:
    """Whether the address is an API answer that comes in the language asked for."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.namespace == API_NAMESPACE and match.url_name not in LANGUAGE_FREE_ROUTES


def cache_language(request: HttpRequest) -> str:
    """What the page cache adds to an address's key: the API's chosen language, or nothing."""
    return requested_language(request)[0] if is_multilingual(request) else ""
