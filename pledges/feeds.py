"""Atom feeds of new and changed pledges: all of them, one member's, one pledge type's.

Each feed is paged as RFC 5005 describes: `?page=2` and on, 50 entries a page, the latest changed
first, each page linking to the first, previous, next and last (and to itself), so a reader walking the
pages gets every published pledge once. A page number that is not a page is a 404. Every page costs the
same few queries: the member or type named in the address, a count of its pledges, the page's pledges
with their type, their parties, and their history.

Entries are dated by each pledge's own history (pledges.services.public_dates): `published` when it
first became public, `updated` its last change the public could see; the feed's `updated` is its newest
entry's. The shipped dataset's pledges get their history when `load_dataset` loads them: they became
public on this site then.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext

from pledges.context_processors import SITE_NAME
from pledges.models import Member, Pledge, PledgeType, parties_prefetch
from pledges.services import public_dates
from pledges.templatetags.tracker import parties_text
from pledges.text import xml_safe
from pledges.translations import translated

PAGE_SIZE = 50
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


def _xml_safe_values(mapping: dict) -> dict:
    return {key: xml_safe(value) if isinstance(value, str) else value for key, value in mapping.items()}


class SafeAtom1Feed(Atom1Feed):
    """Atom whose text never holds a character XML 1.0 forbids, whatever the database holds: Django's
    XML writer refuses such characters, which would turn the whole feed into an error. It also writes
    the paging links (RFC 5005) given as `paging`: relation → address."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *[xml_safe(a) if isinstance(a, str) else a for a in args], **_xml_safe_values(kwargs)
        )

    def add_item(self, *args, categories=(), **kwargs):
        categories = [xml_safe(c) for c in categories or ()]
        args = [xml_safe(a) if isinstance(a, str) else a for a in args]
        super().add_item(*args, categories=categories, **_xml_safe_values(kwargs))

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        for rel, href in self.feed.get("paging", {}).items():
            handler.addQuickElement("link", "", {"rel": rel, "href": href, "type": "application/atom+xml"})


def paragraph(label: str, value: str) -> tuple[str]:
    """One paragraph of an entry's summary; a text that stands in for a missing translation says that
    it is in English (`translated` marks it), so a reader's software reads it as English."""
    if getattr(value, "fallback", False):
        return (format_html('<p>{}<span lang="{}">{}</span></p>', label, value.lang, value),)
    return (format_html("<p>{}{}</p>", label, value),)


@dataclass(frozen=True)
class FeedPage:
    """One page of a feed: whose pledges (None: everyone's), which page, how many pages there are."""

    subject: Model | None
    number: int
    last: int
    path: str
    asked: str  # the address asked for, which the feed's self link names (`?page=1` too)

    def address(self, number: int) -> str:
        """The path of page `number`: the first page has no `?page=`, so it has one address."""
        return self.path if number == 1 else f"{self.path}?page={number}"


class PledgeFeed(Feed):
    """/feeds/pledges.atom: every published pledge, the latest published or changed first.

    Each feed has an English and a Ukrainian version (/uk/feeds/…), its language the address's: the
    feed's `xml:lang`, its titles and the tracker's own words in its entries, which link to the pages
    in that language. A text not translated yet is given in English, marked `lang="en"`."""

    feed_type = SafeAtom1Feed

    def title(self, obj: FeedPage) -> str:
        return gettext("New and changed pledges · %(site)s") % {"site": gettext(SITE_NAME)}

    def subtitle(self, obj: FeedPage) -> str:
        return gettext("Pledges to Ukraine’s security, each with a verbatim quote from its source.")

    def get_subject(self, request: HttpRequest, **kwargs) -> Model | None:
        return None

    def pledges(self, subject: Model | None) -> QuerySet:
        return Pledge.objects.published()

    def get_object(self, request: HttpRequest, **kwargs) -> FeedPage:
        """The page asked for, or 404: a number from 1 to the last page (an empty feed has page 1)."""
        subject = self.get_subject(request, **kwargs)
        given = request.GET.get("page", "1")
        if not PAGE_NUMBER.fullmatch(given):
            raise Http404("No such page of this feed.")
        count = self.pledges(subject).count()
        last = max(1, -(-count // PAGE_SIZE))
        number = int(given)
        if number > last:
            raise Http404("No such page of this feed.")
        asked = f"{request.path}?page={given}" if "page" in request.GET else request.path
        return FeedPage(subject=subject, number=number, last=last, path=request.path, asked=asked)

    def get_feed(self, obj: FeedPage, request: HttpRequest):
        feed = super().get_feed(obj, request)
        paging = {"first": 1, "last": obj.last}
        if obj.number > 1:
            paging["previous"] = obj.number - 1
        if obj.number < obj.last:
            paging["next"] = obj.number + 1
        feed.feed["paging"] = {
            rel: request.build_absolute_uri(obj.address(number)) for rel, number in paging.items()
        }
        return feed

    def feed_url(self, obj: FeedPage) -> str:
        return obj.asked

    def feed_guid(self, obj: FeedPage) -> str:
        # One id for every page of the feed, on the public address: the same whatever host was asked.
        return settings.SITE_URL + obj.path

    def link(self, obj: FeedPage) -> str:
        return reverse("pledges:pledge_list")

    def items(self, obj: FeedPage) -> list[Pledge]:
        start = (obj.number - 1) * PAGE_SIZE
        # Ordered by the last save: for a published pledge, the save that left it as the public sees
        # it, so no later than its last public change (except the dataset's, whose rows keep the
        # curated files' date and whose history starts when they are loaded).
        pledges = list(
            self.pledges(obj.subject)
            .select_related("pledge_type")
            .prefetch_related(parties_prefetch())
            .order_by("-updated_at", "-pk")[start : start + PAGE_SIZE]
        )
        dates = public_dates(pledge.pk for pledge in pledges)
        for pledge in pledges:
            known = dates.get(pledge.pk)
            # Without a published record in its history (rows written around the models, or history
            # removed), the pledge's last save stands in for both dates: it has been public as it is
            # since then. Its creation is no publication date, and the dataset's as-of date would be
            # no closer to the truth than that save.
            pledge.feed_published = known.published if known else pledge.updated_at
            pledge.feed_updated = known.updated if known else pledge.updated_at
        return pledges

    def item_title(self, item: Pledge) -> str:
        type_name = translated(item.pledge_type, "name")
        return gettext("%(parties)s: %(type)s — %(status)s") % {
            "parties": parties_text(item),
            "type": type_name,
            "status": item.get_status_display().lower(),
        }

    def item_description(self, item: Pledge) -> str:
        """HTML in the feed: every value is escaped, so a summary's markup shows as text."""
        status = item.get_status_display()
        stance = gettext("%(status)s (a stance, not an offer)") % {"status": status}
        parts = [
            ("", translated(item, "summary")),
            (gettext("Parties: ") if item.is_joint else gettext("Party: "), parties_text(item)),
            (gettext("Status: "), stance if item.is_stance else status),
            (gettext("Conditions: "), translated(item, "conditions")),
            (gettext("Quantity: "), item.quantity_display),
            (gettext("Amount: "), item.amount_display),
            (gettext("Announced: "), item.announced_display if item.announced_on else ""),
            (
                gettext("First reported: "),
                item.reported_display if item.reported_on else pgettext("first reported", "date unknown"),
            ),
        ]
        return format_html_join("", "{}", (paragraph(label, value) for label, value in parts if value))

    def item_link(self, item: Pledge) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Pledge) -> str:
        # The pledge's public address as its id: stable, and the same in every feed it appears in.
        return settings.SITE_URL + item.get_absolute_url()

    def item_updateddate(self, item: Pledge):
        return item.feed_updated

    def item_pubdate(self, item: Pledge):
        return item.feed_published

    def item_author_name(self, item: Pledge) -> str:
        return gettext(SITE_NAME)

    def item_categories(self, item: Pledge) -> list[str]:
        return [translated(item.pledge_type, "name"), item.get_status_display()]


class MemberPledgeFeed(PledgeFeed):
    """/feeds/members/<slug>.atom: one member's published pledges."""

    def get_subject(self, request: HttpRequest, slug: str) -> Member:
        return get_object_or_404(Member, slug=slug)

    def title(self, obj: FeedPage) -> str:
        return gettext("%(name)s: new and changed pledges · %(site)s") % {
            "name": translated(obj.subject, "name"),
            "site": gettext(SITE_NAME),
        }

    def subtitle(self, obj: FeedPage) -> str:
        return gettext("Pledges by %(name)s to Ukraine’s security.") % {
            "name": translated(obj.subject, "name")
        }

    def link(self, obj: FeedPage) -> str:
        return obj.subject.get_absolute_url()

    def pledges(self, subject: Member) -> QuerySet:
        return Pledge.objects.published().by_party(subject)


class TypePledgeFeed(PledgeFeed):
    """/feeds/types/<slug>.atom: published pledges of one pledge type."""

    def get_subject(self, request: HttpRequest, slug: str) -> PledgeType:
        return get_object_or_404(PledgeType, slug=slug)

    def title(self, obj: FeedPage) -> str:
        return gettext("%(name)s: new and changed pledges · %(site)s") % {
            "name": translated(obj.subject, "name"),
            "site": gettext(SITE_NAME),
        }

    def subtitle(self, obj: FeedPage) -> str:
        return gettext("Pledges of this type to Ukraine’s security: %(name)s.") % {
            "name": translated(obj.subject, "name")
        }

    def link(self, obj: FeedPage) -> str:
        return obj.subject.get_absolute_url()

    def pledges(self, subject: PledgeType) -> QuerySet:
        return Pledge.objects.published().filter(pledge_type=subject)
