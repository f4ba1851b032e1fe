"""Absolute links for one request: to API objects, to pages on the site."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from pledges import negotiation


class Links:
    """Absolute URLs for one request, on the scheme and host the request came in on.

    A list of 500 pledges holds thousands of links, so each route is reversed once per request with a
    placeholder argument and filled in by substitution, and each object's page is looked up once.

    Links into the API stay at the address the request came to (/api/v1/…), and carry its `lang=` when
    it gave one, so a client following them keeps its language; links to pages lead to the pages in
    the answer's language (/uk/members/… in Ukrainian). At a release (pledges.releases.at_release) the
    script prefix is /releases/<n>/, so every link, into the API or to a page, stays at the release.
    """

    SLUG_PLACEHOLDER = "api-link-argument"
    INT_PLACEHOLDER = 987654321987654321

    def __init__(self, request: HttpRequest) -> None:
        self.root = request.build_absolute_uri("/").rstrip("/")
        self.templates: dict[str, tuple[str, str]] = {}
        self.pages: dict[tuple[type, object], str] = {}
        self.address_language = (
            translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        )
        asked = request.GET.get(negotiation.PARAMETER, "")
        self.carried = f"{negotiation.PARAMETER}={asked}" if asked in negotiation.languages() else ""

    def api(self, name: str, *args, query: str = "") -> str:
        if args:
            (arg,) = args
            template, placeholder = self.templates.get(name) or self.template(name)
            url = template.replace(placeholder, str(arg))
        else:
            with translation.override(self.address_language):
                url = self.root + reverse(f"pledges:api:{name}")
        if name not in negotiation.LANGUAGE_FREE_ROUTES:
            query = "&".join(part for part in (query, self.carried) if part)
        return f"{url}?{query}" if query else url

    def template(self, name: str) -> tuple[str, str]:
        for placeholder in (self.SLUG_PLACEHOLDER, self.INT_PLACEHOLDER):  # <slug:slug> or <int:pk>
            try:
                with translation.override(self.address_language):
                    path = reverse(f"pledges:api:{name}", args=[placeholder])
            except NoReverseMatch:
                continue
            self.templates[name] = (self.root + path, str(placeholder))
            return self.templates[name]
        raise NoReverseMatch(f"The API route {name!r} takes no slug or id.")

    def web(self, obj) -> str:
        key = (type(obj), obj.pk)
        if key not in self.pages:
            self.pages[key] = self.root + obj.get_absolute_url()
        return self.pages[key]

    def page(self, name: str) -> str:
        return self.root + reverse(f"pledges:{name}")
