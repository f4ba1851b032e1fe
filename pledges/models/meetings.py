"""Meetings and summits about Ukraine's security, and the headline counts the sources state."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .common import DatePrecision, Qualifier, format_partial_date, partial_date_constraint, qualified
from .members import Member, PublicSlugManager


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in-person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    HYBRID = "hybrid", _("In person and online")
    UNKNOWN = "unknown", _("Unknown")


class Meeting(models.Model):
    """A summit or meeting about Ukraine's security, with what was agreed there."""

    Format = MeetingFormat

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    title_uk = models.CharField("title (Ukrainian)", max_length=300, blank=True, default="")
    held_on = models.DateField(null=True, blank=True)
    held_precision = models.CharField(max_length=10, choices=DatePrecision, default=DatePrecision.UNKNOWN)
    place = models.CharField(max_length=200, blank=True)
    place_uk = models.CharField("place (Ukrainian)", max_length=200, blank=True, default="")
    format = models.CharField(max_length=20, choices=Format, default=Format.UNKNOWN)
    hosts = models.ManyToManyField(Member, blank=True, related_name="hosted_meetings")
    agreed = models.TextField("what was agreed", blank=True)
    agreed_uk = models.TextField("what was agreed (Ukrainian)", blank=True, default="")
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


class CountKind(models.TextChoices):
    COALITION_MEMBERS = "coalition-members", _("Members of the coalition")
    GUARANTORS = "guarantors", _("Guarantors")
    SUMMIT_PARTICIPANTS = "summit-participants", _("Participants at a meeting")
    TROOP_CONTRIBUTORS = "troop-contributors", _("Willing to contribute troops")
    OTHER = "other", _("Other")


class HeadlineCount(models.Model):
    """An aggregate claim a source makes: "35 countries in the coalition", "26 ready to give guarantees"."""

    Qualifier = Qualifier

    Kind = CountKind

    slug = models.SlugField(max_length=100, unique=True)
    number = models.PositiveIntegerField()
    qualifier = models.CharField(max_length=10, choices=Qualifier, default=Qualifier.EXACT, blank=True)
    counts = models.CharField("what it counts", max_length=300)
    counts_uk = models.CharField("what it counts (Ukrainian)", max_length=300, blank=True, default="")
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
                condition=Q(qualifier__in=Qualifier.values), name="count_qualifier_allowed"
            ),
            partial_date_constraint("as_of", "as_of_precision", "count_as_of_precision"),
        ]

    def __str__(self):
        return f"{self.number_display} {self.counts}"

    def natural_key(self):
        return (self.slug,)

    @property
    def number_display(self) -> str:
        return qualified(f"{self.number:,}", self.qualifier)

    @property
    def as_of_display(self) -> str:
        return format_partial_date(self.as_of, self.as_of_precision)
