"""Public pages, exports and API answers: ETag / Last-Modified from the data's last change, 304 answers
to conditional requests, and a shared page cache that a published change invalidates at once.

The data's version is the time of the newest history record of any editable model: every save,
publish and delete through the admin or the services writes one (django-simple-history), so the
version moves with every change that can alter a public page, in every server process, whatever
cache backend is configured. Reading it is one small query of indexed maxima; a cached page is
then served without touching anything else.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from pledges.models import Citation, HeadlineCount, Meeting, Member, Membership, Pledge, PledgeType, Source

VERSIONED_MODELS = (Pledge, Citation, Source, Member, Membership, PledgeType, Meeting, HeadlineCount)
UNCACHED_PREFIXES = ("/healthz/", "/static/")


def data_version() -> datetime | None:
    """When any editable data last changed (the newest history record), or None for an empty database."""
    tables = [model.history.model._meta.db_table for model in VERSIONED_MODELS]
    quote = connection.ops.quote_name
    maxima = ", ".join(f"(SELECT MAX(history_date) FROM {quote(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {maxima}")
        values = [value for value in cursor.fetchone() if value is not None]
    if not values:
        return None
    latest = max(values)
    if isinstance(latest, str):  # SQLite returns the text it stored
        latest = datetime.fromisoformat(latest)
    if timezone.is_naive(latest):
        latest = timezone.make_aware(latest, timezone.UTC)
    return latest


class PublicCacheMiddleware:
    """Conditional GET and a page cache for the public site (never the admin).

    A GET or HEAD of a public URL gets `ETag` and `Last-Modified` from the data version; a request
    that already holds them gets 304 without the view running. A 200 answer that sets no cookie
    and does not vary by cookie is kept in the cache under the version, so a change makes every
    old entry unreachable at once. `PAGE_CACHE_SECONDS=0` turns the page cache off (the 304
    answers stay).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_PATH

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.path.startswith(
            (self.admin_prefix, *UNCACHED_PREFIXES)
        ):
            return self.get_response(request)

        version = data_version()
        # The date is part of the tag: pages print today's date in their "cite this" text.
        token = f"{version.isoformat() if version else 'empty'}|{timezone.localdate().isoformat()}"
        key = hashlib.sha256(f"{token}|{request.get_host()}|{request.get_full_path()}".encode()).hexdigest()
        etag = quote_etag(key[:32])

        if self.not_modified(request, etag, version):
            response = HttpResponseNotModified()
            self.stamp(response, etag, version)
            return response

        seconds = settings.PAGE_CACHE_SECONDS
        cache_key = f"tracker:page:{key}"
        if seconds and request.method == "GET":
            cached = cache.get(cache_key)
            if cached is not None:
                cached["X-Cache"] = "hit"
                return cached

        response = self.get_response(request)
        if not self.is_public(response):
            return response
        self.stamp(response, etag, version)
        if seconds and request.method == "GET" and response.status_code == 200 and not response.streaming:
            response["X-Cache"] = "miss"
            if hasattr(response, "render") and callable(response.render):
                response.add_post_render_callback(lambda r: cache.set(cache_key, r, seconds))
            else:
                cache.set(cache_key, response, seconds)
        return response

    @staticmethod
    def not_modified(request: HttpRequest, etag: str, version: datetime | None) -> bool:
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return etag in tags or "*" in tags
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        return bool(since and version and int(version.timestamp()) <= since)

    @staticmethod
    def is_public(response: HttpResponse) -> bool:
        if response.status_code != 200 or response.cookies:
            return False
        vary = response.get("Vary", "").lower()
        cache_control = response.get("Cache-Control", "").lower()
        return "cookie" not in vary and "private" not in cache_control and "no-store" not in cache_control

    @staticmethod
    def stamp(response: HttpResponse, etag: str, version: datetime | None) -> None:
        response["ETag"] = etag
        if version:
            response["Last-Modified"] = http_date(version.timestamp())
        # Browsers may keep a copy but must ask again (a cheap 304) before showing it.
        response["Cache-Control"] = "public, no-cache"
        patch_vary_headers(response, ["Accept-Encoding"])
