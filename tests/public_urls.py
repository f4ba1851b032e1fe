"""Every public URL of the site, built from the URL map, for tests that must visit all of them.

`public_urls()` walks pledges/urls.py and the API's URL map, so a route added there is visited by the
security and bad-input tests without anyone remembering to list it; a route whose arguments cannot be
filled in here fails `test_every_public_route_is_visited` with its name.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.urls import URLPattern, URLResolver, reverse

from pledges import urls as pledge_urls
from pledges.models import (
    Citation,
    HeadlineCount,
    Meeting,
    Member,
    Membership,
    Pledge,
    PledgeType,
    Release,
    Source,
)
from pledges.releases import cut_release
from tests.conftest import make_count, make_meeting, make_membership, make_pledge


@dataclass
class Sample:
    """One published object of each kind, to fill in the URLs that name one."""

    member: Member
    pledge: Pledge
    pledge_type: PledgeType
    source: Source
    meeting: Meeting
    count: HeadlineCount
    membership: Membership
    citation: Citation
    release: Release

    @classmethod
    def build(cls, **pledge_fields) -> "Sample":
        pledge = make_pledge(**pledge_fields)
        citation = pledge.citations.get()
        membership = make_membership(member=pledge.member, role=Membership.Role.GUARANTOR)
        meeting = make_meeting()
        meeting.hosts.add(pledge.member)
        count = make_count(meeting=meeting)
        return cls(
            member=pledge.member,
            pledge=pledge,
            pledge_type=pledge.pledge_type,
            source=citation.source,
            meeting=meeting,
            count=count,
            membership=membership,
            citation=citation,
            # Cut last, so that the release holds every sample object.
            release=cut_release("The sample release."),
        )

    def for_segment(self, segment: str):
        """The object a path segment such as "members" or "pledge-types" is about, or None."""
        name = API_SEGMENTS.get(segment)
        return getattr(self, name) if name else None


# The API's path segments and the sample object each is about.
API_SEGMENTS = {
    "members": "member",
    "pledges": "pledge",
    "types": "pledge_type",
    "pledge-types": "pledge_type",
    "sources": "source",
    "meetings": "meeting",
    "counts": "count",
    "headline-counts": "count",
    "citations": "citation",
    "memberships": "membership",
    "roles": "membership",
}

# Public pages by route name, with how to fill in their arguments.
PAGE_ARGUMENTS = {
    "overview": lambda s: [],
    "health": lambda s: [],
    "member_list": lambda s: [],
    "member_detail": lambda s: [s.member.slug],
    "member_embed": lambda s: [s.member.slug],
    "member_card": lambda s: [s.member.slug],
    "member_card_png": lambda s: [s.member.slug],
    "pledge_list": lambda s: [],
    "pledge_detail": lambda s: [s.pledge.pk],
    "type_detail": lambda s: [s.pledge_type.slug],
    "source_list": lambda s: [],
    "source_detail": lambda s: [s.source.slug],
    "meeting_list": lambda s: [],
    "change_list": lambda s: [],
    "about": lambda s: [],
    "api_docs": lambda s: [],
    "api_reference": lambda s: [],
    "download": lambda s: [],
    "download_json": lambda s: [],
    "download_csv": lambda s: [],
    "download_datapackage": lambda s: [],
    "download_table": lambda s: ["pledges"],
    "feed_pledges": lambda s: [],
    "feed_member": lambda s: [s.member.slug],
    "feed_type": lambda s: [s.pledge_type.slug],
    "oembed": lambda s: [],
    "robots": lambda s: [],
    "sitemap": lambda s: [],
    "sitemap_section": lambda s: ["pledges"],
    "favicon": lambda s: [],
    "release_list": lambda s: [],
    "release_feed": lambda s: [],
    "release_detail": lambda s: [s.release.number],
}
# Pages also visited as they are at the sample's release (/releases/<n>/<page>).
AT_RELEASE = (
    "overview", "member_list", "member_detail", "member_embed", "member_card", "pledge_list", "pledge_detail",
    "type_detail", "source_list", "source_detail", "meeting_list", "about", "download", "download_json",
    "download_datapackage", "download_table",
)  # fmt: skip

# Pages answered with HTML meant for people (the others are data, feeds, images or plain text).
HTML_PAGES = {
    "overview",
    "member_list",
    "member_detail",
    "member_embed",
    "pledge_list",
    "pledge_detail",
    "type_detail",
    "source_list",
    "source_detail",
    "meeting_list",
    "change_list",
    "about",
    "api_docs",
    "api_reference",
    "download",
    "release_list",
    "release_detail",
}

LIST_PAGES = ("pledge_list", "member_list", "source_list", "meeting_list")

CONVERTER = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>[^>]+)>")


def route_names() -> list[str]:
    """The name of every route in pledges/urls.py itself (the API's are walked apart)."""
    return [entry.name for entry in pledge_urls.urlpatterns if isinstance(entry, URLPattern)]


def api_routes(prefix: str = "/api/v1/") -> list[tuple[str, str]]:
    """(name, route) for every route of the API, routes as written, e.g. "members/<slug:slug>/"."""
    api = next(
        entry
        for entry in pledge_urls.urlpatterns
        if isinstance(entry, URLResolver) and str(entry.pattern) == prefix.lstrip("/")
    )
    found = []

    def walk(resolver: URLResolver, route: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, route + str(entry.pattern))
            else:
                found.append((entry.name or "", route + str(entry.pattern).lstrip("^").rstrip("$")))

    walk(api, prefix)
    return found


def api_list_urls() -> list[str]:
    """The API routes that take no argument: its lists (and its index, if it has one)."""
    return [route for _name, route in api_routes() if not CONVERTER.search(route)]


def fill_route(route: str, sample: Sample) -> str:
    """An API route with its arguments filled in from the sample, by the segment before each."""

    def value(match: re.Match) -> str:
        segment = route[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        target = sample.for_segment(segment)
        if target is None:
            raise LookupError(f"No sample object for the API route {route!r}.")
        if match["kind"] == "int" or match["name"] in ("pk", "id"):
            return str(target.pk)
        return str(getattr(target, "slug", None) or target.ref)

    return CONVERTER.sub(value, route)


def public_urls(sample: Sample) -> dict[str, str]:
    """Every public URL, by route name ("api:<route>" for the API's), filled in from the sample."""
    urls = {}
    for name in route_names():
        if name not in PAGE_ARGUMENTS:
            raise LookupError(f"tests/public_urls.py does not know how to visit the route {name!r}.")
        urls[name] = reverse(f"pledges:{name}", args=PAGE_ARGUMENTS[name](sample))
    for _name, route in api_routes():
        urls[f"api:{route}"] = fill_route(route, sample)
    for name in AT_RELEASE:
        urls[f"release:{name}"] = f"/releases/{sample.release.number}" + urls[name]
    return urls


DATA_BLOCK_TYPES = ("application/ld+json", "application/json")


class InlineCodeFinder(HTMLParser):
    """Collects what a strict Content-Security-Policy would block: inline scripts, inline styles and
    event-handler attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower() for name, _value in attrs}
        # A data block (JSON-LD) is never run, so the policy allows it; its escaping is tested apart.
        data_block = dict(attrs).get("type") in DATA_BLOCK_TYPES
        if tag == "script" and "src" not in names and not data_block:
            self.problems.append(f"<script> without src: {self.get_starttag_text()}")
        if tag == "style":
            self.problems.append("<style> element")
        if "style" in names:
            self.problems.append(f"style= attribute: {self.get_starttag_text()}")
        for name in sorted(names):
            if name.startswith("on"):
                self.problems.append(f"{name}= handler: {self.get_starttag_text()}")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems
