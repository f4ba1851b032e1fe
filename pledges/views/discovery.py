"""How crawlers and browsers find the site: /robots.txt, /sitemap.xml (an index of paged sections) and
/favicon.ico."""

import hashlib
from functools import cache

from django.conf import settings
from django.contrib.sitemaps.views import SitemapIndexItem
from django.contrib.sitemaps.views import sitemap as sitemap_section
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import condition, require_safe

from pledges.sitemaps import SITEMAPS

FAVICON = "img/favicon.ico"
# Browsers ask for the favicon on every visit; it changes with a release, not with the data.
FAVICON_MAX_AGE = 24 * 60 * 60


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read every public page; not the editors' admin, the API's JSON, oEmbed answers or
    the CSV/JSON exports of list pages (the same rows as the page; /download/ has the whole dataset)."""
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        "Disallow: /api/v1/",
        "Disallow: /oembed/",
        # The same answers under the Ukrainian prefix (the pages there are for crawlers, as in English).
        "Disallow: /uk/api/v1/",
        "Disallow: /uk/oembed/",
        "Disallow: /*?format=",
        "Disallow: /*&format=",
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('pledges:sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def sitemap_index(request: HttpRequest) -> TemplateResponse:
    """/sitemap.xml: every page of every section, each with its newest page's date.

    Django's own index names the host of the request; this one names SITE_URL, as the sections do.
    Queries: per section, its count and its newest date (the pages section: the data's version).
    """
    entries = []
    for name, section_class in SITEMAPS.items():
        section = section_class()
        location = settings.SITE_URL + reverse("pledges:sitemap_section", kwargs={"section": name})
        latest = section.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, latest))
        entries += [
            SitemapIndexItem(f"{location}?p={page}", latest) for page in section.paginator.page_range[1:]
        ]
    response = TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def sitemap(request: HttpRequest, section: str) -> TemplateResponse:
    """/sitemap-<section>.xml (`?p=` for its further pages): the addresses of one section with their dates.

    Queries: the section's count and one page of its addresses with their dates.
    """
    if section not in SITEMAPS:
        raise Http404("No such section of the sitemap.")
    return sitemap_section(request, sitemaps=SITEMAPS, section=section)


@cache
def favicon_bytes() -> bytes:
    path = finders.find(FAVICON)
    if path is None:
        raise Http404("No favicon.")
    with open(path, "rb") as icon:
        return icon.read()


def favicon_etag(request: HttpRequest) -> str:
    return hashlib.sha256(favicon_bytes()).hexdigest()[:32]


@require_safe
@condition(etag_func=favicon_etag)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, where browsers and feed readers look for it, with a day's cache."""
    response = HttpResponse(favicon_bytes(), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    return response
