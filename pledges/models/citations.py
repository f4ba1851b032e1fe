"""Citations: the verbatim quotes that back every public fact."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .common import normalise_whitespace
from .meetings import HeadlineCount, Meeting
from .members import Membership
from .pledges import Pledge
from .sources import Source, SourcePart


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
    part = models.ForeignKey(
        SourcePart,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citations",
        help_text="The piece of the source the quote is from; found from the quote when left empty.",
    )
    locator = models.CharField(max_length=300, blank=True, help_text="Where in the source: entry, paragraph.")
    note = models.TextField(
        "public note",
        blank=True,
        help_text="Shown on the site beside the quote: who speaks, what “we” means.",
    )
    note_uk = models.TextField("public note (Ukrainian)", blank=True, default="")
    editor_note = models.TextField(
        "editors’ note", blank=True, help_text="Never shown publicly: for other editors only."
    )
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
        if self.part_id is None and self.source_id and self.quote:
            self.part = self.source.part_for_quote(self.quote)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.source.get_absolute_url()}#citation-{self.pk}"

    @property
    def dated_display(self) -> str:
        """The date of the quote's piece, or of the source when it states one."""
        from .common import format_partial_date

        if self.part_id and self.part.dated_on:
            return self.part.dated_display
        if self.source.published_on:
            return format_partial_date(self.source.published_on, "day")
        return "Date unknown"

    def natural_key(self):
        return (self.ref,)

    def clean(self):
        super().clean()
        if self.part_id and self.source_id and self.part.source_id != self.source_id:
            raise ValidationError(
                {"part": "This part belongs to another source."}, code="part_of_other_source"
            )
        if self.source_id and self.quote and not self.source.text:
            raise ValidationError(
                {
                    "source": f"“{self.source}” has no archived text, so no quote can be checked against it. "
                    "Paste the document’s text into the source first."
                },
                code="source_without_text",
            )
        if self.source_id and self.quote and not self.source.contains_quote(self.quote):
            from pledges.quotes import explain_mismatch

            mismatch = explain_mismatch(self.quote, self.source.text)
            message = (
                mismatch.html()
                if mismatch
                else "This quote is not found in the source’s archived text. Copy it character for character."
            )
            raise ValidationError({"quote": message}, code="quote_not_in_source")

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
