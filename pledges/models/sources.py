"""The documents the tracker cites, the pieces they join, and what our review made of each passage."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .common import (
    DatePrecision,
    SlugManager,
    format_partial_date,
    normalise_whitespace,
    partial_date_constraint,
)


class SourceQuerySet(models.QuerySet):
    def cited_publicly(self):
        """Sources quoted by at least one published fact (read from the tallies kept ready)."""
        return self.filter(tally__isnull=False)

    def with_citation_counts(self):
        """Without the archived text, each with `citation_count`: its quotes that support published facts."""
        return self.defer("text").annotate(citation_count=Coalesce(models.F("tally__citations"), 0))


class SourceManager(SlugManager.from_queryset(SourceQuerySet)):
    pass


class SourceKind(models.TextChoices):
    STATEMENT_THREAD = "statement-thread", _("Statement thread")
    LIVE_BLOG = "live-blog", _("Live blog")
    NEWS_ARTICLE = "news-article", _("News article")
    TIMELINE = "timeline", _("Timeline")
    OFFICIAL_STATEMENT = "official-statement", _("Official statement")
    AGGREGATOR = "aggregator", _("Aggregator page")


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
    published_on = models.DateField(
        null=True, blank=True, help_text="Only a publication date the document states; otherwise empty."
    )
    covers_from = models.DateField(null=True, blank=True, help_text="Earliest date of a passage it dates.")
    covers_to = models.DateField(null=True, blank=True, help_text="Latest date of a passage it dates.")
    seen_on = models.DateField(
        "seen on",
        null=True,
        blank=True,
        help_text="A date the page showed when it was seen (a masthead's date line), not a publication date.",
    )
    language = models.CharField(
        max_length=12,
        default="en",
        help_text="The language the document is written in (a BCP 47 code such as “en” or “uk”): its "
        "title and quotes are shown marked with it, never translated.",
    )
    description = models.TextField(blank=True)
    description_uk = models.TextField("description (Ukrainian)", blank=True, default="")
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
        """Whether the quote is in the archived text, white space normalised; never for a source without
        text: a quote nobody can check must not back a fact."""
        if not self.text:
            return False
        return normalise_whitespace(quote) in normalise_whitespace(self.text)

    def date_in_range(self, value) -> bool:
        """Whether a date falls within the dates the document covers (or its publication date)."""
        if value is None:
            return True
        latest = self.covers_to or self.published_on
        if self.covers_from and value < self.covers_from:
            return False
        return not (latest and value > latest)

    def part_for_quote(self, quote: str, parts=None):
        """The part in which the quote first occurs, or None (no parts, no text, or before the first)."""
        parts = list(self.parts.all()) if parts is None else list(parts)
        if not parts or not self.text:
            return None
        text = normalise_whitespace(self.text)
        at = text.find(normalise_whitespace(quote))
        if at < 0:
            return None
        found = None
        for part, start in part_starts(text, parts):
            if start <= at:
                found = part
        return found


def part_starts(normalised_text: str, parts) -> list[tuple["SourcePart", int]]:
    """Each part with the offset in the normalised text where it begins, each after the one before."""
    result, offset = [], 0
    for part in sorted(parts, key=lambda p: p.position):
        start = normalised_text.find(normalise_whitespace(part.starts_with), offset)
        if start < 0:
            continue
        result.append((part, start))
        offset = start + 1
    return result


class SourcePositionManager(models.Manager):
    """Rows numbered within their source (its parts, its ledger's entries): the natural key is both."""

    def get_by_natural_key(self, source_slug, position):
        return self.get(source__slug=source_slug, position=position)


class SourcePart(models.Model):
    """One piece of a document that joins several: a live blog within an aggregator page, a dated thread.

    Each part has its own title and date, so a quote from it carries the date of its piece, not of the
    page that collected it.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveSmallIntegerField(help_text="1 for the first part, in the order of the text.")
    title = models.CharField(max_length=300)
    title_uk = models.CharField("title (Ukrainian)", max_length=300, blank=True, default="")
    starts_with = models.CharField(
        max_length=300, help_text="The part's opening words, copied from the archived text."
    )
    dated_on = models.DateField(null=True, blank=True)
    dated_precision = models.CharField(max_length=10, choices=DatePrecision, default=DatePrecision.UNKNOWN)
    note = models.TextField(blank=True, help_text="What the part's date rests on.")
    note_uk = models.TextField("note (Ukrainian)", blank=True, default="")

    objects = SourcePositionManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "position"]
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="source_part_unique_position"),
            models.CheckConstraint(condition=~Q(starts_with=""), name="source_part_starts_with_not_empty"),
            partial_date_constraint("dated_on", "dated_precision", "source_part_dated_precision"),
        ]

    def __str__(self):
        return f"{self.source}: part {self.position}, {self.title}"

    def natural_key(self):
        return (*self.source.natural_key(), self.position)

    natural_key.dependencies = ["pledges.source"]

    @property
    def dated_display(self) -> str:
        return format_partial_date(self.dated_on, self.dated_precision)


class ReviewReason(models.TextChoices):
    UKRAINE_REQUEST = "ukraine-request", _("A request by Ukraine, not a pledge to it")
    NOT_SECURITY_HELP = "not-security-help", _("Not security help to Ukraine")
    OUT_OF_SCOPE = "out-of-scope", _("Outside the tracker’s scope")
    SAME_FACT = "same-fact", _("The same fact as another passage")
    TOO_VAGUE = "too-vague", _("Too vague to record")


class ReviewEntry(models.Model):
    """One line of a source's review ledger: a passage about security help and what became of it.

    Either it supports facts (`facts`, keys such as "pledge:<ref>") or it was not recorded, for one of
    a fixed list of reasons, explained in `why`. Source pages publish the passages not recorded.
    """

    Reason = ReviewReason

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="review_entries")
    position = models.PositiveIntegerField()
    part = models.ForeignKey(
        SourcePart, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_entries"
    )
    passage = models.TextField()
    facts = models.JSONField(
        default=list, blank=True, help_text='Keys of the facts it supports: "pledge:<ref>".'
    )
    reason = models.CharField(max_length=30, choices=Reason, blank=True)
    why = models.TextField(blank=True)
    why_uk = models.TextField("why (Ukrainian)", blank=True, default="")

    objects = SourcePositionManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "position"]
        verbose_name_plural = "review entries"
        constraints = [
            models.UniqueConstraint(fields=["source", "position"], name="review_entry_unique_position"),
            models.CheckConstraint(condition=~Q(passage=""), name="review_entry_passage_not_empty"),
            models.CheckConstraint(
                condition=Q(reason="") | Q(reason__in=ReviewReason.values), name="review_entry_reason_allowed"
            ),
            # Not recorded means a reason and its explanation.
            models.CheckConstraint(condition=Q(facts=[]) | Q(reason=""), name="review_entry_facts_or_reason"),
        ]

    def __str__(self):
        return f"{self.source.slug} #{self.position}: {self.passage[:60]}"

    def natural_key(self):
        return (*self.source.natural_key(), self.position)

    natural_key.dependencies = ["pledges.source", "pledges.sourcepart"]

    @property
    def recorded(self) -> bool:
        return bool(self.facts)
