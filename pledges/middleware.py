"""Request checks that apply to every URL, before any view or database query sees the request."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from pledges.text import has_forbidden, markup_safe

logger = logging.getLogger(__name__)

NUL = "\x00"
NUL_MESSAGE = gettext_lazy(
    "The request contains a NUL character (%00), which no address or parameter may hold."
)


class RejectNulBytesMiddleware:
    """Answer 400 to a request whose path, query string or cookies hold a NUL character.

    PostgreSQL cannot store or compare text containing NUL: psycopg raises ValueError as soon as
    such a value reaches a query (a filter slug, a search word, a session key), which would turn
    into a 500. No legitimate link or form ever sends one, so the request is refused up front.
    Reading `request.GET` here also applies DATA_UPLOAD_MAX_NUMBER_FIELDS to the query string,
    so a flood of parameters is refused (400) before any view runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.has_nul(request):
            # Bad input, not a fault: Django logs the 400 as one warning line ("Bad Request: <path>"),
            # this says why. Raising BadRequest instead would log a traceback with it.
            logger.info("Bad request (a NUL character): %s", request.path_info.replace(NUL, "%00"))
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(NUL_MESSAGE), "status": 400}, status=400)
            return render(request, "400.html", {"message": NUL_MESSAGE}, status=400)
        return self.get_response(request)

    @staticmethod
    def has_nul(request: HttpRequest) -> bool:
        if NUL in request.path_info:
            return True
        # Cookies are checked once parsed: a quoted value may spell NUL as an escape ("\\000").
        if any(NUL in key or NUL in value for key, value in request.COOKIES.items()):
            return True
        return any(NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists())


# Content types that are XML or HTML, where a character XML 1.0 forbids makes the document invalid.
MARKUP_TYPES = ("text/html", "image/svg+xml", "application/atom+xml", "application/xml", "text/xml")


class MarkupTextMiddleware:
    """Removes from HTML and XML answers any character XML 1.0 forbids (see pledges.text).

    Editors' input is cleaned when saved, but a row written another way (a raw SQL fix, an old backup)
    must not make a page, a feed or the SVG card invalid for everyone. Streaming answers (exports) are
    left alone: CSV and JSON carry such characters safely.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.streaming or not response.get("Content-Type", "").startswith(MARKUP_TYPES):
            return response
        charset = response.charset or "utf-8"
        text = response.content.decode(charset, errors="replace")
        if has_forbidden(text):
            response.content = markup_safe(text).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
