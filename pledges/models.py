"""The tracker's data: who promised Ukraine what, and the documents that say so.

Every fact shown to the public (a pledge, a member's role in the coalition, a meeting, a headline
count) carries citations: a verbatim quote from an archived source document. The database enforces
what must always hold; the rest is checked by `manage.py validate_data`.
"""

import hashlib
import re

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown"


def format_partial_date(value, precision: str) -> str:
    """A date as precisely as the source gives it: '4 September 2025', 'September 2025', '2025'."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return "Date unknown"
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


def normalise_whitespace(text: str) -> str:
    """Collapse runs of white space so a quote can be found across line breaks."""
    return re.sub(r"\s+", " ", text).strip()


def partial_date_constraint(field: str, precision_field: str, name: str) -> models.CheckConstraint:
    """A date and its precision agree: no date means 'unknown', and 'unknown' means no date."""
    known = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR]
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True, precision_field: DatePrecision.UNKNOWN})
        | Q(**{f"{field}__isnull": False, f"{precision_field}__in": known}),
        name=name,
    )


class SlugManager(models.Manager):
    """Looks objects up by their slug, their natural key in fixtures."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SourceQuerySet(models.QuerySet):
    def cited_publicly(self):
        """Sources quoted by at least one published fact.

        Uncorrelated IN subqueries, each computed once: a correlated EXISTS through the pledge join
        let SQLite's planner scan pledges once per source.
        """
        cited = Q()
        for fact in ("pledge", "membership", "meeting", "headline_count"):
            quoted = Citation.objects.filter(**{f"{fact}__is_published": True}).values("source_id")
            cited |= Q(pk__in=quoted)
        return self.filter(cited)

    def with_citation_counts(self):
        """Without the archived text, each with `citation_count`: its quotes that support published facts."""
        published = (
            Q(citations__pledge__is_published=True)
            | Q(citations__membership__is_published=True)
            | Q(citations__meeting__is_published=True)
            | Q(citations__headline_count__is_published=True)
        )
        return self.defer("text").annotate(
            citation_count=models.Count("citations", filter=published, distinct=True)
        )


class SourceManager(SlugManager.from_queryset(SourceQuerySet)):
    pass


class SourceKind(models.TextChoices):
    STATEMENT_THREAD = "statement-thread", "Statement thread"
    LIVE_BLOG = "live-blog", "Live blog"
    NEWS_ARTICLE = "news-article", "News article"
    TIMELINE = "timeline", "Timeline"
    OFFICIAL_STATEMENT = "official-statement", "Official statement"


class Source(models.Model):
    """A document the tracker cites: a statement thread, a live blog, a news article, a timeline."""

    Kind = SourceKind

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    publisher = models.CharField(
        max_length=200, blank=True, help_text="Left empty when the document does not say."
    )
    kind = models.CharField(max_length=30, choices=Kind)
    url = models.URLField("URL", max_length=500, blank=True, help_text="Never invented: empty when unknown.")
    published_on = models.DateField(null=True, blank=True, help_text="Empty when the document does not say.")
    covers_from = models.DateField(null=True, blank=True, help_text="Earliest date of a passage it dates.")
    covers_to = models.DateField(null=True, blank=True, help_text="Latest date of a passage it dates.")
    accessed_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    text = models.TextField(
        "archived text", blank=True, help_text="The document's text, so quotes can be checked."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SourceManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SourceKind.values), name="source_kind_allowed"),
            models.CheckConstraint(
                condition=Q(covers_from__isnull=True)
                | Q(covers_to__isnull=True)
                | Q(covers_from__lte=models.F("covers_to")),
                name="source_covers_in_order",
            ),
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="source_url_unique"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pledges:source_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def contains_quote(self, quote: str) -> bool:
        """Whether the quote is in the archived text, white space normalised; True when there is no text."""
        if not self.text:
            return True
        return normalise_whitespace(quote) in normalise_whitespace(self.text)

    def date_in_range(self, value) -> bool:
        """Whether a date falls within the dates the document covers (or its publication date)."""
        if value is None:
            return True
        latest = self.covers_to or self.published_on
        if self.covers_from and value < self.covers_from:
            return False
        return not (latest and value > latest)


class Region(models.TextChoices):
    NORTHERN_EUROPE = "northern-europe", "Northern Europe"
    WESTERN_EUROPE = "western-europe", "Western Europe"
    CENTRAL_EASTERN_EUROPE = "central-eastern-europe", "Central and Eastern Europe"
    SOUTHERN_EUROPE = "southern-europe", "Southern Europe"
    NORTH_AMERICA = "north-america", "North America"
    ASIA_PACIFIC = "asia-pacific", "Asia-Pacific"
    EURASIA = "eurasia", "Eurasia"
    INTERNATIONAL = "international", "International"


class MemberKind(models.TextChoices):
    COUNTRY = "country", "Country"
    ORGANISATION = "organisation", "Organisation"
    GROUP = "group", "Unnamed group"


class MemberQuerySet(models.QuerySet):
    def with_public_facts(self, with_counts: bool = True):
        """Members with a published pledge or a published, cited role; their roles with citations and
        sources in `published_memberships` (three queries), and unless told otherwise `pledge_count`,
        their number of published pledges."""
        has_pledge = models.Exists(Pledge.objects.published().filter(member=models.OuterRef("pk")))
        has_role = models.Exists(Membership.objects.public().filter(member=models.OuterRef("pk")))
        members = self.filter(has_pledge | has_role)
        if with_counts:
            members = members.annotate(
                pledge_count=models.Count("pledges", filter=Q(pledges__is_published=True), distinct=True)
            )
        return members.prefetch_related(published_memberships()).order_by("name", "pk")


def published_memberships() -> models.Prefetch:
    """A member's public roles with their citations and sources, in `published_memberships`."""
    citations = Citation.objects.select_related("source").defer("source__text")
    roles = Membership.objects.public().prefetch_related(models.Prefetch("citations", queryset=citations))
    return models.Prefetch("memberships", queryset=roles, to_attr="published_memberships")


class MemberManager(SlugManager.from_queryset(MemberQuerySet)):
    pass


class Member(models.Model):
    """A coalition participant or another actor: a country, an organisation, or an unnamed group.

    An unnamed group ("about 10 European countries") is recorded as it is reported, as one actor of
    kind GROUP, so that its pledges are shown without pretending to know who is in it.
    """

    Kind = MemberKind

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.COUNTRY)
    country = CountryField(blank=True, help_text="ISO 3166-1 code, for countries.")
    region = models.CharField(max_length=30, choices=Region, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MemberKind.values), name="member_kind_allowed"),
            models.CheckConstraint(condition=~Q(name=""), name="member_name_not_empty"),
            models.CheckConstraint(
                condition=~Q(kind="country") | ~Q(country=""), name="member_country_has_code"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("pledges:member_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def is_named(self) -> bool:
        return self.kind != self.Kind.GROUP

    @property
    def flag(self) -> str:
        """The country's flag as an emoji, or an empty string."""
        return self.country.unicode_flag if self.country else ""


class PublicFactQuerySet(models.QuerySet):
    def public(self):
        """Published and cited: a fact without a source is never shown, whatever its flag says."""
        field = next(
            name for name in Citation.TARGETS if Citation._meta.get_field(name).related_model is self.model
        )
        cited = models.Exists(Citation.objects.filter(**{field: models.OuterRef("pk")}))
        return self.filter(cited, is_published=True)


class PublicSlugManager(SlugManager.from_queryset(PublicFactQuerySet)):
    pass


class MembershipManager(models.Manager.from_queryset(PublicFactQuerySet)):
    def get_by_natural_key(self, member_slug, role):
        return self.get(member__slug=member_slug, role=role)


class MembershipRole(models.TextChoices):
    COALITION_MEMBER = "coalition-member", "Member of the coalition"
    GUARANTOR = "guarantor", "Guarantor"
    CO_CHAIR = "co-chair", "Co-chair"
    HOST = "host", "Host"


class Membership(models.Model):
    """A sourced fact about a member's place in the coalition: member, guarantor, co-chair, host."""

    Role = MembershipRole

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role)
    since = models.DateField(null=True, blank=True)
    since_precision = models.CharField(max_length=10, choices=DatePrecision, default=DatePrecision.UNKNOWN)
    note = models.TextField(blank=True)
    is_published = models.BooleanField(default=True)

    objects = MembershipManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["member", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_allowed"
            ),
            partial_date_constraint("since", "since_precision", "membership_since_precision"),
        ]

    def __str__(self):
        return f"{self.member}: {self.get_role_display()}"

    def natural_key(self):
        return (*self.member.natural_key(), self.role)

    natural_key.dependencies = ["pledges.member"]

    @property
    def since_display(self) -> str:
        return format_partial_date(self.since, self.since_precision)


class PledgeType(models.Model):
    """A kind of help: troops, air policing, funding... Editable data, in the order pages show it."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("pledges:type_detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Status(models.TextChoices):
    """The ladder of a pledge, weakest first; 'ruled out' stands apart from it."""

    PROPOSED = "proposed", "Proposed"
    WILLING = "willing", "Willing"
    COMMITTED = "committed", "Committed"
    DELIVERED = "delivered", "Delivered"
    RULED_OUT = "ruled-out", "Ruled out"


# Higher is stronger; ruled out ranks below every positive status when picking the strongest.
STATUS_RANK = {
    Status.RULED_OUT: 0,
    Status.PROPOSED: 1,
    Status.WILLING: 2,
    Status.COMMITTED: 3,
    Status.DELIVERED: 4,
}

STATUS_DESCRIPTIONS = {
    Status.PROPOSED: "Put forward as an idea or proposal, without an offer to carry it out.",
    Status.WILLING: "Offered, ready or open to it, often on conditions.",
    Status.COMMITTED: "Decided or agreed: a firm commitment, which may still be conditional.",
    Status.DELIVERED: "Done: signed, paid, sent or in place.",
    Status.RULED_OUT: "Said it will not do this.",
}

# Text symbols shown next to each status, so it never depends on colour alone.
STATUS_ICONS = {
    Status.PROPOSED: "○",
    Status.WILLING: "◐",
    Status.COMMITTED: "●",
    Status.DELIVERED: "✔",
    Status.RULED_OUT: "✕",
}


def strongest_status(statuses) -> str | None:
    """The strongest of several statuses: delivered > committed > willing > proposed > ruled out."""
    statuses = list(statuses)
    if not statuses:
        return None
    return max(statuses, key=lambda status: STATUS_RANK[Status(status)])


class Currency(models.TextChoices):
    EUR = "EUR", "Euro"
    USD = "USD", "US dollar"
    GBP = "GBP", "Pound sterling"
    NOK = "NOK", "Norwegian krone"
    SEK = "SEK", "Swedish krona"
    DKK = "DKK", "Danish krone"
    CAD = "CAD", "Canadian dollar"
    AUD = "AUD", "Australian dollar"
    JPY = "JPY", "Japanese yen"
    CHF = "CHF", "Swiss franc"
    PLN = "PLN", "Polish złoty"
    CZK = "CZK", "Czech koruna"


class PledgeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_listing(self):
        """Member, type and citations with their sources: a fixed number of queries however many rows."""
        return self.select_related("member", "pledge_type").prefetch_related(
            models.Prefetch(
                "citations", queryset=Citation.objects.select_related("source").defer("source__text")
            )
        )

    def by_strength(self):
        """Ordered strongest first, then most recent."""
        rank = models.Case(
            *[models.When(status=status, then=models.Value(rank)) for status, rank in STATUS_RANK.items()],
            output_field=models.IntegerField(),
        )
        return self.alias(strength=rank).order_by("-strength", models.F("announced_on").desc(nulls_last=True))


# The words a reader can search for, indexed with GIN on PostgreSQL.
PLEDGE_SEARCH_VECTOR = SearchVector("summary", "conditions", "note", "quantity_unit", config="english")


class PledgeManager(models.Manager.from_queryset(PledgeQuerySet)):
    def get_by_natural_key(self, ref):
        return self.get(ref=ref)


class Pledge(models.Model):
    """One actor's promise, offer, proposal, delivery or refusal of one kind of help to Ukraine."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="pledges")
    pledge_type = models.ForeignKey(PledgeType, on_delete=models.PROTECT, related_name="pledges")
    ref = models.SlugField(
        max_length=150, unique=True, blank=True, help_text="Stable reference used by fixtures and exports."
    )
    status = models.CharField(max_length=20, choices=Status)
    summary = models.TextField()
    conditions = models.TextField(blank=True, help_text="For example: after a ceasefire.")
    announced_on = models.DateField(null=True, blank=True)
    announced_precision = models.CharField(
        max_length=10, choices=DatePrecision, default=DatePrecision.UNKNOWN
    )
    quantity = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    quantity_unit = models.CharField(max_length=100, blank=True, help_text="For example: Patriot systems.")
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, choices=Currency, blank=True)
    note = models.TextField(blank=True, help_text="How the text was read: ambiguity, dates, status.")
    is_published = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PledgeManager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["member__name", "pledge_type__order", "-announced_on"]
        indexes = [
            models.Index(fields=["is_published", "status"], name="pledge_published_status"),
            models.Index(fields=["is_published", "announced_on"], name="pledge_published_announced"),
            models.Index(fields=["updated_at"], name="pledge_updated_at"),
            # Covering indexes for the facet counts: type counts under a status filter, and status
            # counts under a type filter, read from the index alone.
            models.Index(fields=["is_published", "status", "pledge_type"], name="pledge_pub_status_type"),
            models.Index(fields=["pledge_type", "is_published", "status"], name="pledge_type_pub_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="pledge_status_allowed"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0), name="pledge_quantity_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="pledge_amount_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | ~Q(currency=""), name="pledge_amount_has_currency"
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="pledge_summary_not_empty"),
            partial_date_constraint("announced_on", "announced_precision", "pledge_announced_precision"),
        ]

    def __str__(self):
        return f"{self.member} – {self.pledge_type}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if not self.ref:
            self.ref = self.make_ref()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pledges:pledge_detail", args=[self.pk])

    def natural_key(self):
        return (self.ref,)

    def make_ref(self) -> str:
        base = slugify(f"{self.member.slug}-{self.pledge_type.slug}")[:120]
        digest = hashlib.sha1(f"{self.summary}{self.announced_on}".encode()).hexdigest()[:8]
        return f"{base}-{digest}"

    @property
    def announced_display(self) -> str:
        return format_partial_date(self.announced_on, self.announced_precision)

    @property
    def status_icon(self) -> str:
        return STATUS_ICONS[Status(self.status)]

    @property
    def quantity_display(self) -> str:
        if self.quantity is None:
            return ""
        number = self.quantity.normalize()
        return f"{number:,f} {self.quantity_unit}".strip()

    @property
    def amount_display(self) -> str:
        if self.amount is None:
            return ""
        return f"{self.amount.normalize():,f} {self.currency}".strip()


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in-person", "In person"
    VIRTUAL = "virtual", "Virtual"
    HYBRID = "hybrid", "In person and online"
    UNKNOWN = "unknown", "Unknown"


class Meeting(models.Model):
    """A summit or meeting about Ukraine's security, with what was agreed there."""

    Format = MeetingFormat

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    held_on = models.DateField(null=True, blank=True)
    held_precision = models.CharField(max_length=10, choices=DatePrecision, default=DatePrecision.UNKNOWN)
    place = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=20, choices=Format, default=Format.UNKNOWN)
    hosts = models.ManyToManyField(Member, blank=True, related_name="hosted_meetings")
    agreed = models.TextField("what was agreed", blank=True)
    is_published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicSlugManager()
    history = HistoricalRecords(m2m_fields=[hosts])

    class Meta:
        ordering = [models.F("held_on").desc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=MeetingFormat.values), name="meeting_format_allowed"
            ),
            partial_date_constraint("held_on", "held_precision", "meeting_held_precision"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pledges:meeting_list") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)

    @property
    def held_display(self) -> str:
        return format_partial_date(self.held_on, self.held_precision)


class CountQualifier(models.TextChoices):
    EXACT = "exact", ""
    ABOUT = "about", "about"
    OVER = "over", "over"
    AT_LEAST = "at-least", "at least"


class CountKind(models.TextChoices):
    COALITION_MEMBERS = "coalition-members", "Members of the coalition"
    GUARANTORS = "guarantors", "Guarantors"
    SUMMIT_PARTICIPANTS = "summit-participants", "Participants at a meeting"
    TROOP_CONTRIBUTORS = "troop-contributors", "Willing to contribute troops"
    OTHER = "other", "Other"


class HeadlineCount(models.Model):
    """An aggregate claim a source makes: "35 countries in the coalition", "26 ready to give guarantees"."""

    Qualifier = CountQualifier

    Kind = CountKind

    slug = models.SlugField(max_length=100, unique=True)
    number = models.PositiveIntegerField()
    qualifier = models.CharField(max_length=10, choices=Qualifier, default=Qualifier.EXACT, blank=True)
    counts = models.CharField("what it counts", max_length=300)
    kind = models.CharField(max_length=30, choices=Kind, default=Kind.OTHER)
    as_of = models.DateField(null=True, blank=True)
    as_of_precision = models.CharField(max_length=10, choices=DatePrecision, default=DatePrecision.UNKNOWN)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="counts"
    )
    note = models.TextField(blank=True)
    is_published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicSlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", models.F("as_of").desc(nulls_last=True)]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CountKind.values), name="count_kind_allowed"),
            models.CheckConstraint(
                condition=Q(qualifier__in=CountQualifier.values), name="count_qualifier_allowed"
            ),
            partial_date_constraint("as_of", "as_of_precision", "count_as_of_precision"),
        ]

    def __str__(self):
        return f"{self.number_display} {self.counts}"

    def natural_key(self):
        return (self.slug,)

    @property
    def number_display(self) -> str:
        label = self.Qualifier(self.qualifier).label if self.qualifier else ""
        return f"{label} {self.number}".strip()

    @property
    def as_of_display(self) -> str:
        return format_partial_date(self.as_of, self.as_of_precision)


class CitationQuerySet(models.QuerySet):
    def published(self):
        """Citations of facts the public may see."""
        return self.filter(
            Q(pledge__is_published=True)
            | Q(membership__is_published=True)
            | Q(meeting__is_published=True)
            | Q(headline_count__is_published=True)
        )


class CitationManager(models.Manager.from_queryset(CitationQuerySet)):
    def get_by_natural_key(self, ref):
        return self.get(ref=ref)


class Citation(models.Model):
    """A verbatim quote from a source that supports exactly one fact."""

    TARGETS = ("pledge", "membership", "meeting", "headline_count")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    ref = models.CharField(max_length=64, unique=True, blank=True, editable=False)
    quote = models.TextField(help_text="Copied character for character from the source.")
    locator = models.CharField(max_length=300, blank=True, help_text="Where in the source: entry, paragraph.")
    note = models.TextField(blank=True)
    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    headline_count = models.ForeignKey(
        HeadlineCount, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CitationManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quote=""), name="citation_quote_not_empty"),
            models.CheckConstraint(
                condition=(
                    Q(
                        pledge__isnull=False,
                        membership__isnull=True,
                        meeting__isnull=True,
                        headline_count__isnull=True,
                    )
                    | Q(
                        pledge__isnull=True,
                        membership__isnull=False,
                        meeting__isnull=True,
                        headline_count__isnull=True,
                    )
                    | Q(
                        pledge__isnull=True,
                        membership__isnull=True,
                        meeting__isnull=False,
                        headline_count__isnull=True,
                    )
                    | Q(
                        pledge__isnull=True,
                        membership__isnull=True,
                        meeting__isnull=True,
                        headline_count__isnull=False,
                    )
                ),
                name="citation_supports_one_fact",
            ),
        ]

    def __str__(self):
        return f"{self.source}: “{self.quote[:60]}”"

    def save(self, *args, **kwargs):
        if not self.ref:
            self.ref = self.make_ref()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.source.get_absolute_url()}#citation-{self.pk}"

    def natural_key(self):
        return (self.ref,)

    def clean(self):
        super().clean()
        if self.source_id and self.quote and not self.source.contains_quote(self.quote):
            raise ValidationError(
                {
                    "quote": "This quote is not found in the source’s archived text. "
                    "Copy it character for character."
                },
                code="quote_not_in_source",
            )

    def make_ref(self) -> str:
        """A stable key from the source, the fact and the quote, so fixtures reload without duplicates."""
        target = self.target
        if target is None:  # the database refuses a citation that supports nothing
            return hashlib.sha256(f"{self.source.slug}|{self.quote}".encode()).hexdigest()[:32]
        return citation_ref(self.source.slug, target, self.quote)

    @classmethod
    def target_field_for(cls, fact: models.Model) -> str:
        """The name of the field that points at this kind of fact ("pledge", "headline_count", ...)."""
        for name in cls.TARGETS:
            if isinstance(fact, cls._meta.get_field(name).related_model):
                return name
        raise TypeError(f"A citation cannot support a {type(fact).__name__}.")

    @property
    def target(self):
        """The fact this citation supports."""
        return next((getattr(self, name) for name in self.TARGETS if getattr(self, name + "_id")), None)


def citation_ref(source_slug: str, target: models.Model, quote: str) -> str:
    """A stable key for a citation: its source, the natural key of the fact and the quote."""
    fact = f"{target._meta.model_name}:{'/'.join(target.natural_key())}"
    payload = f"{source_slug}|{fact}|{normalise_whitespace(quote)}"
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def data_as_of():
    """When the published data last changed: the latest update of a published pledge, or None."""
    return Pledge.objects.published().aggregate(latest=models.Max("updated_at"))["latest"]


def editors_group_name() -> str:
    return getattr(settings, "EDITORS_GROUP", "Editors")
