"""Public pages, exports and API answers: ETag / Last-Modified from the data's last change, 304 answers
to conditional requests, and a shared page cache that a published change invalidates at once.

The data's version is one row (`DataVersion`) that every save and delete of an editable model moves,
in the same transaction, through signals: the version moves with every change that can alter a public
page, in every server process, whatever cache backend is configured. Reading it is one small query; a
cached page is then served without touching anything else.

Why a reader never sees an older state after a newer one: the version is part of every cache key, and
it is read afresh for each request from the database, where it only ever moves forward in commit order
(the row is locked by the saving transaction until it commits). A page rendered under version v shows
everything committed up to v; once any reader has seen v, later requests read v or later.
"""

import hashlib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from pledges.compression import preferred_encoding
from pledges.models import (
    Citation,
    DataVersion,
    HeadlineCount,
    Meeting,
    Member,
    Membership,
    Pledge,
    PledgeParty,
    PledgeType,
    ReviewEntry,
    Source,
    SourcePart,
)
from pledges.negotiation import cache_language

VERSIONED_MODELS = (
    Pledge,
    PledgeParty,
    Citation,
    Source,
    SourcePart,
    ReviewEntry,
    Member,
    Membership,
    PledgeType,
    Meeting,
    HeadlineCount,
)
# A reader who finds a page being rendered waits this long for it, then renders it itself.
RENDER_LOCK_SECONDS = 30
RENDER_WAIT_SECONDS = 10
RENDER_POLL_SECONDS = 0.02

# The query parameters each public route reads; any other parameter changes nothing on the page, so
# it makes no cache entry of its own. A route not listed keeps its whole query string.
PLEDGE_PARAMETERS = (
    "type", "status", "member", "region", "announced_after", "announced_before", "source",
    "has_quantity", "has_money", "q", "ordering", "page", "format", "page_size",
)  # fmt: skip
ROUTE_PARAMETERS = {
    "overview": (),
    "about": (),
    "api_docs": (),
    "api_reference": (),
    "download": (),
    "download_json": (),
    "download_csv": (),
    "download_datapackage": (),
    "download_table": (),
    "change_list": ("format",),
    "member_detail": (),
    "pledge_detail": (),
    "type_detail": (),
    "source_detail": (),
    "pledge_list": PLEDGE_PARAMETERS,
    "member_list": (
        "kind",
        "region",
        "type",
        "status",
        "guarantor",
        "ordering",
        "page",
        "format",
        "page_size",
    ),
    "source_list": ("kind", "q", "ordering", "page", "format", "page_size"),
    "meeting_list": ("host", "held_after", "held_before", "page", "format", "page_size"),
    "member_embed": ("types", "theme"),
    "member_card": (),
    "member_card_png": (),
    "robots": (),
    "sitemap": (),
    "sitemap_section": ("p",),
    "feed_pledges": ("page",),
    "release_list": ("page",),
    "release_detail": ("page",),
    "release_feed": (),
    "feed_member": ("page",),
    "feed_type": ("page",),
}


def cache_query(request: HttpRequest) -> str | None:
    """The query string as far as the page can depend on it: only the route's own parameters, sorted;
    None for a route that is not listed (its whole query string counts)."""
    if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
        return None  # left whole, so the NUL check refuses it (pledges.middleware)
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.namespace != "pledges":
        return None
    allowed = ROUTE_PARAMETERS.get(match.url_name or "")
    if allowed is None:
        return None
    pairs = sorted((key, value) for key, value in request.GET.lists() if key in allowed for value in value)
    return urlencode(pairs)


UNCACHED_PREFIXES = ("/healthz/", "/static/", "/favicon.ico")  # the favicon keeps a day's max-age


def data_version() -> datetime | None:
    """When any editable data last changed, or None before the first change. One small query."""
    return DataVersion.objects.values_list("changed_at", flat=True).first()


def bump_data_version(**kwargs) -> None:
    """Move the data's version, inside the saving transaction (a signal handler for every versioned
    model). The row is locked before it is read, so a change that commits later always leaves a later
    time, however the two transactions' clocks ran."""
    now = timezone.now()
    with transaction.atomic():
        locked = DataVersion.objects.filter(pk=1).update(changed_at=F("changed_at"))
        if not locked:
            DataVersion.objects.get_or_create(pk=1, defaults={"changed_at": now})
            return
        previous = DataVersion.objects.values_list("changed_at", flat=True).get(pk=1)
        changed_at = max(now, previous + timedelta(microseconds=1))
        DataVersion.objects.filter(pk=1).update(changed_at=changed_at)


def connect_data_version() -> None:
    for model in VERSIONED_MODELS:
        for signal in (post_save, post_delete):
            signal.connect(
                bump_data_version, sender=model, dispatch_uid=f"data-version-{model.__name__}-{signal}"
            )
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                m2m_changed.connect(
                    bump_data_version, sender=through, dispatch_uid=f"data-version-{through.__name__}"
                )


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
        # The date is part of the tag: pages print today's date in their "cite this" text. Each
        # encoding (brotli, gzip, none) is its own representation, with its own entry and tag.
        token = f"{version.isoformat() if version else 'empty'}|{timezone.localdate().isoformat()}"
        # A page at a release is the same whatever is cut later, except a pinned embed's "updated since"
        # line: the latest release is part of its key (pledges.releases).
        token += f"|{getattr(request, 'latest_release', '')}"
        encoding = preferred_encoding(request)
        query = cache_query(request)
        if query is not None:
            # The view sees only the parameters its page reads, exactly as the cache key does.
            request.GET = QueryDict(query)
        shown_query = query if query is not None else request.META.get("QUERY_STRING", "")
        # The API answers one address in the language asked for (?lang= or Accept-Language): each
        # language is its own representation too. Pages take theirs from the path alone.
        language = cache_language(request)
        address = f"{request.get_host()}|{request.path}?{shown_query}|{encoding}|{language}"
        key = hashlib.sha256(f"{token}|{address}".encode()).hexdigest()
        etag = quote_etag(key[:32])

        if self.not_modified(request, etag, version):
            response = HttpResponseNotModified()
            self.stamp(response, etag, version)
            if language:  # as the full answer would say
                patch_vary_headers(response, ["Accept-Language"])
            return response

        seconds = settings.PAGE_CACHE_SECONDS
        cache_key = f"tracker:page:{key}"
        lock_key = f"tracker:rendering:{key}"
        if seconds and request.method == "GET":
            cached = cache.get(cache_key)
            if cached is None and not cache.add(lock_key, 1, RENDER_LOCK_SECONDS):
                # Another reader is rendering this page for this data version: wait for it rather than
                # render it again, so a publish costs one render, not one per reader.
                cached = self.wait_for(cache_key)
            if cached is not None:
                cached["X-Cache"] = "hit"
                return cached

        try:
            response = self.get_response(request)
            if self.is_public(response):
                self.stamp(response, etag, version)
                if seconds and request.method == "GET" and not response.streaming:
                    response["X-Cache"] = "miss"
                    if hasattr(response, "render") and callable(response.render):
                        response.add_post_render_callback(lambda r: self.keep(cache_key, r, seconds))
                    else:
                        self.keep(cache_key, response, seconds)
        finally:
            if seconds and request.method == "GET":
                cache.delete(lock_key)
        return response

    @staticmethod
    def keep(cache_key: str, response: HttpResponse, seconds: int) -> None:
        """Keep a page unless it is too big to hold in a cache (exports and downloads never are kept)."""
        if len(response.content) <= settings.PAGE_CACHE_MAX_BYTES:
            cache.set(cache_key, response, seconds)

    @staticmethod
    def wait_for(cache_key: str) -> HttpResponse | None:
        # Give the database connection back while waiting: with a connection pool, readers waiting for
        # one render must not hold every connection the render (or anyone else) needs.
        connection.close()
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(RENDER_POLL_SECONDS)
            cached = cache.get(cache_key)
            if cached is not None:
                return cached
        return None  # the renderer is slow or gone: render it here

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
        # Browsers may keep a copy but must ask again (a cheap 304) before showing it. A CDN in front
        # may keep it SHARED_CACHE_SECONDS, if set: a publish then shows through the CDN that late.
        shared = settings.SHARED_CACHE_SECONDS
        if "immutable" not in response.get("Cache-Control", ""):  # an API answer at a release never changes
            response["Cache-Control"] = (
                f"public, max-age=0, s-maxage={shared}" if shared else "public, no-cache"
            )
        patch_vary_headers(response, ["Accept-Encoding"])
