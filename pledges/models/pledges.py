"""Pledges: who offered, committed, delivered or refused which kind of help, and on what terms."""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .common import (
    DatePrecision,
    Qualifier,
    SlugManager,
    format_money,
    format_number,
    format_partial_date,
    partial_date_constraint,
    qualified,
)
from .members import Member


class PledgeType(models.Model):
    """A kind of help: troops, air policing, funding... Editable data, in the order pages show it."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100)
    name_uk = models.CharField("name (Ukrainian)", max_length=100, blank=True, default="")
    description = models.TextField(blank=True)
    description_uk = models.TextField("description (Ukrainian)", blank=True, default="")
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
    """The ladder of an offer, weakest first, then the stances that stand apart from it."""

    PROPOSED = "proposed", _("Proposed")
    WILLING = "willing", _("Willing")
    COMMITTED = "committed", _("Committed")
    DELIVERED = "delivered", _("Delivered")
    RULED_OUT = "ruled-out", _("Ruled out")
    RESERVATIONS = "reservations", _("Reservations")
    NOT_OFFERED = "not-offered", _("Not offered")


# The ladder: an offer of help, weakest first. Only these count as commitments anywhere.
LADDER = (Status.PROPOSED, Status.WILLING, Status.COMMITTED, Status.DELIVERED)
# Stances outside the ladder: data, shown apart, never counted as an offer.
STANCES = (Status.RULED_OUT, Status.RESERVATIONS, Status.NOT_OFFERED)

# Higher is stronger. Any offer outranks every stance when picking a member's strongest status for a
# type; among stances a refusal is the clearest statement, then reservations, then "not offered".
STATUS_RANK = {
    Status.NOT_OFFERED: 0,
    Status.RESERVATIONS: 1,
    Status.RULED_OUT: 2,
    Status.PROPOSED: 3,
    Status.WILLING: 4,
    Status.COMMITTED: 5,
    Status.DELIVERED: 6,
}

STATUS_DESCRIPTIONS = {
    Status.PROPOSED: _("Put forward as an idea or plan, without an offer to carry it out."),
    Status.WILLING: _(
        "Offered, ready or open to it, often on conditions; also any general undertaking "
        "that names no kind of help."
    ),
    Status.COMMITTED: _("Decided or agreed for a named kind of help, which may still be conditional."),
    Status.DELIVERED: _("Done: in force, paid, sent or in place, as the text says."),
    Status.RULED_OUT: _("Said it will not do this, or is reported as refusing or keeping from it."),
    Status.RESERVATIONS: _("Expressed doubts or said it is too early, without refusing."),
    Status.NOT_OFFERED: _("Reported as not having offered it, without a refusal of its own."),
}

# Text symbols shown next to each status, so it never depends on colour alone.
STATUS_ICONS = {
    Status.PROPOSED: "○",
    Status.WILLING: "◐",
    Status.COMMITTED: "●",
    Status.DELIVERED: "✔",
    Status.RULED_OUT: "✕",
    Status.RESERVATIONS: "?",
    Status.NOT_OFFERED: "–",
}


def is_stance(status: str) -> bool:
    return status in STANCES


def strongest_status(statuses) -> str | None:
    """The strongest of several statuses: any offer above any stance (see STATUS_RANK)."""
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


def parties_prefetch() -> models.Prefetch:
    """A pledge's parties with their members, lead first, in `party_list`."""
    return models.Prefetch(
        "parties",
        queryset=PledgeParty.objects.select_related("member").order_by("position", "pk"),
        to_attr="party_list",
    )


class PledgeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_listing(self):
        """Parties, type and citations with their sources and parts: a fixed number of queries."""
        from .citations import Citation

        return self.select_related("pledge_type").prefetch_related(
            parties_prefetch(),
            models.Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source", "part").defer("source__text"),
            ),
        )

    def by_party(self, member):
        """Pledges in which `member` (an instance or a pk) is one of the parties."""
        return self.filter(
            models.Exists(PledgeParty.objects.filter(pledge=models.OuterRef("pk"), member=member))
        )

    def by_strength(self):
        """Ordered strongest first, then most recent."""
        rank = models.Case(
            *[models.When(status=status, then=models.Value(rank)) for status, rank in STATUS_RANK.items()],
            output_field=models.IntegerField(),
        )
        return self.alias(strength=rank).order_by(
            "-strength", models.F("announced_on").desc(nulls_last=True), "pk"
        )


# The words a reader can search for, indexed with GIN on PostgreSQL: the English texts stemmed as
# English, the Ukrainian ones with the 'simple' configuration (PostgreSQL has no Ukrainian stemmer by
# default), so a Ukrainian word is found as it is written.
PLEDGE_SEARCH_VECTOR = SearchVector(
    "summary", "conditions", "note", "quantity_unit", config="english"
) + SearchVector("summary_uk", "conditions_uk", "note_uk", config="simple")


class PledgeManager(models.Manager.from_queryset(PledgeQuerySet)):
    def get_by_natural_key(self, ref):
        return self.get(ref=ref)


class Pledge(models.Model):
    """One act: an offer, commitment, delivery, proposal, refusal or other stance of one or more
    parties on one kind of help to Ukraine."""

    members = models.ManyToManyField(Member, through="PledgeParty", related_name="pledges")
    pledge_type = models.ForeignKey("PledgeType", on_delete=models.PROTECT, related_name="pledges")
    ref = models.SlugField(
        max_length=150, unique=True, blank=True, help_text="Stable reference used by fixtures and exports."
    )
    status = models.CharField(max_length=20, choices=Status)
    summary = models.TextField()
    summary_uk = models.TextField(
        "summary (Ukrainian)",
        blank=True,
        default="",
        help_text="In Ukrainian; quotes stay in their language.",
    )
    conditions = models.TextField(blank=True, help_text="For example: after a ceasefire.")
    conditions_uk = models.TextField("conditions (Ukrainian)", blank=True, default="")
    announced_on = models.DateField(
        null=True, blank=True, help_text="Only when a text dates the actor’s own statement or decision."
    )
    announced_precision = models.CharField(
        max_length=10, choices=DatePrecision, default=DatePrecision.UNKNOWN
    )
    reported_on = models.DateField(
        null=True, blank=True, help_text="The date of the earliest passage in our sources that reports it."
    )
    reported_precision = models.CharField(max_length=10, choices=DatePrecision, default=DatePrecision.UNKNOWN)
    quantity = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    quantity_qualifier = models.CharField(
        max_length=10, choices=Qualifier, default=Qualifier.EXACT, help_text="As the text words it."
    )
    quantity_unit = models.CharField(max_length=100, blank=True, help_text="For example: Patriot systems.")
    quantity_unit_uk = models.CharField(
        "quantity unit (Ukrainian)",
        max_length=100,
        blank=True,
        default="",
        help_text="In the form the number takes: 1 система Patriot, 2 системи Patriot, 5 систем Patriot.",
    )
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    amount_qualifier = models.CharField(
        max_length=10, choices=Qualifier, default=Qualifier.EXACT, help_text="As the text words it."
    )
    currency = models.CharField(max_length=3, choices=Currency, blank=True)
    note = models.TextField(
        "public note",
        blank=True,
        help_text="Shown on the site: how the text was read (ambiguity, dates, status), quoting its words.",
    )
    note_uk = models.TextField("public note (Ukrainian)", blank=True, default="")
    editor_note = models.TextField(
        "editors’ note", blank=True, help_text="Never shown publicly: for other editors only."
    )
    is_published = models.BooleanField(default=False)
    ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who marked the draft ready for review (when review before publishing is on).",
    )
    ready_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PledgeManager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["pledge_type__order", models.F("announced_on").desc(nulls_last=True), "ref"]
        indexes = [
            models.Index(fields=["is_published", "status"], name="pledge_published_status"),
            models.Index(fields=["is_published", "announced_on"], name="pledge_published_announced"),
            # The latest published pledges (overview, feeds). On PostgreSQL migration 0014 writes it
            # with NULLS LAST, as the query orders; SQLite puts NULLs last in a descending order already.
            models.Index(
                fields=["is_published", "-announced_on", "-reported_on", "-id"],
                name="pledge_published_recent",
            ),
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
            models.CheckConstraint(
                condition=Q(quantity_qualifier__in=Qualifier.values), name="pledge_quantity_qualifier_allowed"
            ),
            models.CheckConstraint(
                condition=Q(amount_qualifier__in=Qualifier.values), name="pledge_amount_qualifier_allowed"
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="pledge_summary_not_empty"),
            partial_date_constraint("announced_on", "announced_precision", "pledge_announced_precision"),
            partial_date_constraint("reported_on", "reported_precision", "pledge_reported_precision"),
        ]

    def __str__(self):
        return f"{self.parties_display or 'No party yet'} – {self.pledge_type}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if not self.ref:
            self.ref = self.make_ref()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pledges:pledge_detail", args=[self.pk])

    def natural_key(self):
        return (self.ref,)

    def make_ref(self, lead: Member | None = None) -> str:
        """<lead>-<type>-<8 random hex digits>: unique even for two pledges that read the same (the
        parties of a new pledge are saved after it, so the lead is often not known yet)."""
        lead = lead or self.lead
        base = slugify(f"{lead.slug}-{self.pledge_type.slug}" if lead else self.pledge_type.slug)[:120]
        return f"{base}-{uuid.uuid4().hex[:8]}"

    @property
    def party_members(self) -> list[Member]:
        """The parties, lead first: from the `for_listing()` prefetch when there is one, else one query."""
        if not self.pk:
            return []
        parties = getattr(self, "party_list", None)
        if parties is None:
            parties = list(self.parties.select_related("member").order_by("position", "pk"))
        return [party.member for party in parties]

    @property
    def lead(self) -> Member | None:
        members = self.party_members
        return members[0] if members else None

    # Kept for templates and code written when a pledge had one member: the lead party.
    member = lead

    @property
    def is_joint(self) -> bool:
        return len(self.party_members) > 1

    @property
    def parties_display(self) -> str:
        from pledges.translations import translated

        return ", ".join(translated(member, "name") for member in self.party_members)

    def partners_of(self, member: Member) -> list[Member]:
        """The other parties, for "jointly with …" on `member`'s page."""
        return [other for other in self.party_members if other.pk != member.pk]

    @property
    def is_stance(self) -> bool:
        return is_stance(self.status)

    @property
    def announced_display(self) -> str:
        return format_partial_date(self.announced_on, self.announced_precision)

    @property
    def reported_display(self) -> str:
        return format_partial_date(self.reported_on, self.reported_precision)

    @property
    def status_icon(self) -> str:
        return STATUS_ICONS[Status(self.status)]

    @property
    def quantity_display(self) -> str:
        if self.quantity is None:
            return ""
        return f"{qualified(format_number(self.quantity), self.quantity_qualifier)} {self._unit()}".strip()

    def _unit(self) -> str:
        from pledges.translations import translated

        return translated(self, "quantity_unit")

    @property
    def amount_display(self) -> str:
        if self.amount is None:
            return ""
        return format_money(self.amount, self.amount_qualifier, self.currency)


class PledgePartyManager(models.Manager):
    def get_by_natural_key(self, pledge_ref, member_slug):
        return self.get(pledge__ref=pledge_ref, member__slug=member_slug)


class PledgeParty(models.Model):
    """One party to a pledge; position 0 is the lead where the text names one."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="parties")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="pledge_parties")
    position = models.PositiveSmallIntegerField(default=0)

    objects = PledgePartyManager()
    history = HistoricalRecords()

    class Meta:
        # Positions order the parties (the lowest is the lead); ties keep the order they were added in.
        ordering = ["pledge", "position", "pk"]
        verbose_name = "party"
        verbose_name_plural = "parties"
        indexes = [models.Index(fields=["member", "pledge"], name="pledge_party_member")]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "member"], name="pledge_party_unique_member"),
        ]

    def __str__(self):
        return f"{self.member} in {self.pledge.ref}"

    def natural_key(self):
        return (*self.pledge.natural_key(), *self.member.natural_key())

    natural_key.dependencies = ["pledges.pledge", "pledges.member"]
