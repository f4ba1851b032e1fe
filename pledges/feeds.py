"""Atom feeds of new and changed pledges: all of them, one member's, one pledge type's.

Each feed holds the 50 most recently updated published pledges, newest first, in two queries at most
(the member or type named in the address, then the pledges with their member and type).
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join

from pledges.context_processors import SITE_NAME
from pledges.models import Member, Pledge, PledgeType, parties_prefetch
from pledges.templatetags.tracker import parties_text
from pledges.text import xml_safe

FEED_LENGTH = 50


def _xml_safe_values(mapping: dict) -> dict:
    return {key: xml_safe(value) if isinstance(value, str) else value for key, value in mapping.items()}


class SafeAtom1Feed(Atom1Feed):
    """Atom whose text never holds a character XML 1.0 forbids, whatever the database holds: Django's
    XML writer refuses such characters, which would turn the whole feed into an error."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *[xml_safe(a) if isinstance(a, str) else a for a in args], **_xml_safe_values(kwargs)
        )

    def add_item(self, *args, categories=(), **kwargs):
        categories = [xml_safe(c) for c in categories or ()]
        args = [xml_safe(a) if isinstance(a, str) else a for a in args]
        super().add_item(*args, categories=categories, **_xml_safe_values(kwargs))


class PledgeFeed(Feed):
    """/feeds/pledges.atom: every published pledge, the latest published or changed first."""

    feed_type = SafeAtom1Feed
    title = f"New and changed pledges · {SITE_NAME}"
    subtitle = "Pledges to Ukraine’s security, each with a verbatim quote from its source."

    def link(self, obj=None) -> str:
        return reverse("pledges:pledge_list")

    def pledges(self, obj=None):
        return Pledge.objects.published()

    def items(self, obj=None):
        return (
            self.pledges(obj)
            .select_related("pledge_type")
            .prefetch_related(parties_prefetch())
            .order_by("-updated_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item: Pledge) -> str:
        return f"{parties_text(item)}: {item.pledge_type.name} — {item.get_status_display().lower()}"

    def item_description(self, item: Pledge) -> str:
        """HTML in the feed: every value is escaped, so a summary's markup shows as text."""
        status = item.get_status_display()
        parts = [
            ("", item.summary),
            ("Parties: " if item.is_joint else "Party: ", parties_text(item)),
            ("Status: ", f"{status} (a stance, not an offer)" if item.is_stance else status),
            ("Conditions: ", item.conditions),
            ("Quantity: ", item.quantity_display),
            ("Amount: ", item.amount_display),
            ("Announced: ", item.announced_display if item.announced_on else ""),
            ("First reported: ", item.reported_display if item.reported_on else "date unknown"),
        ]
        return format_html_join("", "<p>{}{}</p>", ((label, value) for label, value in parts if value))

    def item_link(self, item: Pledge) -> str:
        return item.get_absolute_url()

    def item_updateddate(self, item: Pledge):
        return item.updated_at

    def item_pubdate(self, item: Pledge):
        return item.created_at

    def item_author_name(self, item: Pledge) -> str:
        return SITE_NAME

    def item_categories(self, item: Pledge) -> list[str]:
        return [item.pledge_type.name, item.get_status_display()]


class MemberPledgeFeed(PledgeFeed):
    """/feeds/members/<slug>.atom: one member's published pledges."""

    def get_object(self, request, slug: str) -> Member:
        return get_object_or_404(Member, slug=slug)

    def title(self, obj: Member) -> str:
        return f"{obj.name}: new and changed pledges · {SITE_NAME}"

    def subtitle(self, obj: Member) -> str:
        return f"Pledges by {obj.name} to Ukraine’s security."

    def link(self, obj: Member) -> str:
        return obj.get_absolute_url()

    def pledges(self, obj: Member):
        return Pledge.objects.published().by_party(obj)


class TypePledgeFeed(PledgeFeed):
    """/feeds/types/<slug>.atom: published pledges of one pledge type."""

    def get_object(self, request, slug: str) -> PledgeType:
        return get_object_or_404(PledgeType, slug=slug)

    def title(self, obj: PledgeType) -> str:
        return f"{obj.name}: new and changed pledges · {SITE_NAME}"

    def subtitle(self, obj: PledgeType) -> str:
        return f"Pledges of this type to Ukraine’s security: {obj.name}."

    def link(self, obj: PledgeType) -> str:
        return obj.get_absolute_url()

    def pledges(self, obj: PledgeType):
        return Pledge.objects.published().filter(pledge_type=obj)
