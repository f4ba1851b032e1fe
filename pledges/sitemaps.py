"""sitemap.xml: every public page, in sections, each page with the date its data last changed.

A page's `lastmod` is the newest history record (django-simple-history) of what the page is about:
a pledge and its parties and citations; a member, its roles and the pledges it is a party to; a source,
its parts, its review ledger and the quotes cited from it; a type and its pledges. Where an object has
no history record (rows loaded raw) its own `updated_at` stands in, and a type without either has no
lastmod: no date is guessed. The list pages and the overview show all the data, so theirs is the data's
version (pledges.caching.data_version), the same date their Last-Modified header gives.

Only what the public may see is listed: published pledges, members with a published pledge or cited
role, sources a published fact cites. Each section is paged (`?p=2`) at SECTION_LIMIT addresses, far
below the protocol's 50,000, so that one page stays small enough for the page cache; the index at
/sitemap.xml names every page of every section. One query per section for its pages' count, one for
its latest date, one per page of addresses.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import DateTimeField, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse

from pledges.caching import data_version
from pledges.models import (
    Citation,
    Member,
    Membership,
    Pledge,
    PledgeParty,
    PledgeType,
    Release,
    ReviewEntry,
    Source,
    SourcePart,
)

SECTION_LIMIT = 5000


def latest_change(model, **match) -> Subquery:
    """When the newest history record of `model` rows matching `match` (OuterRef expressions) was
    made: a subquery, null when there is none."""
    history = model.history.model.objects.filter(**match).order_by("-history_date").values("history_date")
    return Subquery(history[:1], output_field=DateTimeField())


def newest(own, *others):
    """The newest of `own` and the others, each of which falls back to `own` when null: GREATEST ignores
    nulls on PostgreSQL but returns null on SQLite, so only a null `own` can make it null."""
    if not others:
        return own
    return Greatest(own, *(Coalesce(other, own) for other in others))


class SiteSitemap(Sitemap):
    """A section of the sitemap, with addresses on the site's public host (SITE_URL)."""

    limit = SECTION_LIMIT

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        # SITE_URL's host and any path it is served under, without the trailing slash.
        return settings.SITE_URL.split("://", 1)[1]

    def lastmod(self, item):
        return item.lastmod

    def get_latest_lastmod(self):
        """The newest page date of the section: one aggregate query rather than every row in Python."""
        return self.items().order_by().aggregate(latest=Max("lastmod"))["latest"]


class PageSitemap(SiteSitemap):
    """The overview, the list pages and the pages about the site."""

    # The API's documentation describes code, not data: it has no date to give.
    UNDATED = {"api_docs"}
    NAMES = (
        "overview",
        "member_list",
        "pledge_list",
        "source_list",
        "meeting_list",
        "change_list",
        "about",
        "download",
        "api_docs",
    )

    def items(self) -> list[str]:
        return list(self.NAMES)

    def location(self, item: str) -> str:
        return reverse(f"pledges:{item}")

    def lastmod(self, item: str):
        return None if item in self.UNDATED else self.version

    def get_latest_lastmod(self):
        return self.version

    @property
    def version(self):
        if not hasattr(self, "_version"):
            self._version = data_version()
        return self._version


class PledgeSitemap(SiteSitemap):
    def items(self) -> QuerySet:
        own = Coalesce(latest_change(Pledge, id=OuterRef("pk")), F("updated_at"))
        return (
            Pledge.objects.published()
            .annotate(
                lastmod=newest(
                    own,
                    latest_change(PledgeParty, pledge_id=OuterRef("pk")),
                    latest_change(Citation, pledge_id=OuterRef("pk")),
                )
            )
            .only("pk")
            .order_by("pk")
        )


class MemberSitemap(SiteSitemap):
    def items(self) -> QuerySet:
        own = Coalesce(latest_change(Member, id=OuterRef("pk")), F("updated_at"))
        their_pledges = PledgeParty.objects.filter(member_id=OuterRef(OuterRef("pk"))).values("pledge_id")
        pledges_changed = latest_change(Pledge, id__in=their_pledges)
        return (
            Member.objects.with_public_facts(with_counts=False)
            .select_related(None)
            .prefetch_related(None)
            .annotate(
                lastmod=newest(
                    own,
                    latest_change(Membership, member_id=OuterRef("pk")),
                    latest_change(PledgeParty, member_id=OuterRef("pk")),
                    pledges_changed,
                )
            )
            .only("slug")
            .order_by("slug")
        )


class TypeSitemap(SiteSitemap):
    def items(self) -> QuerySet:
        # A type has no updated_at to fall back on: without any history record it has no date.
        own = latest_change(PledgeType, id=OuterRef("pk"))
        pledges = latest_change(Pledge, pledge_type_id=OuterRef("pk"))
        return (
            PledgeType.objects.annotate(lastmod=Coalesce(newest(own, pledges), pledges))
            .only("slug")
            .order_by("slug")
        )


class SourceSitemap(SiteSitemap):
    def items(self) -> QuerySet:
        own = Coalesce(latest_change(Source, id=OuterRef("pk")), F("updated_at"))
        return (
            Source.objects.cited_publicly()
            .annotate(
                lastmod=newest(
                    own,
                    latest_change(SourcePart, source_id=OuterRef("pk")),
                    latest_change(ReviewEntry, source_id=OuterRef("pk")),
                    latest_change(Citation, source_id=OuterRef("pk")),
                )
            )
            .only("slug")
            .order_by("slug")
        )


class ReleaseSitemap(SiteSitemap):
    """Each release's page, dated when it was cut (it never changes after)."""

    def items(self) -> QuerySet:
        return Release.objects.only("number", "cut_at").order_by("number")

    def location(self, item: Release) -> str:
        return reverse("pledges:release_detail", args=[item.number])

    def lastmod(self, item: Release):
        return item.cut_at

    def get_latest_lastmod(self):
        return Release.objects.aggregate(latest=Max("cut_at"))["latest"]


SITEMAPS = {
    "pages": PageSitemap,
    "members": MemberSitemap,
    "pledges": PledgeSitemap,
    "types": TypeSitemap,
    "sources": SourceSitemap,
    "releases": ReleaseSitemap,
}
