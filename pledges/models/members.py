"""Who acts: countries, organisations, the coalition itself, Europe as a bloc, unnamed groups; their roles."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from pledges.translations import by_name

from .common import DatePrecision, SlugManager, format_partial_date, partial_date_constraint


class Region(models.TextChoices):
    NORTHERN_EUROPE = "northern-europe", _("Northern Europe")
    WESTERN_EUROPE = "western-europe", _("Western Europe")
    CENTRAL_EASTERN_EUROPE = "central-eastern-europe", _("Central and Eastern Europe")
    SOUTHERN_EUROPE = "southern-europe", _("Southern Europe")
    NORTH_AMERICA = "north-america", _("North America")
    ASIA_PACIFIC = "asia-pacific", _("Asia-Pacific")
    EURASIA = "eurasia", _("Eurasia")
    INTERNATIONAL = "international", _("International")


class MemberKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    ORGANISATION = "organisation", _("Organisation")
    COALITION = "coalition", _("The coalition itself")
    BLOC = "bloc", _("Bloc (as a whole)")
    UNNAMED_GROUP = "unnamed-group", _("Unnamed group")


class MemberQuerySet(models.QuerySet):
    def with_public_facts(self, with_counts: bool = True):
        """Members with a published pledge or a published, cited role; their roles with citations and
        sources in `published_memberships` (three queries), and unless told otherwise `pledge_count`,
        their number of published pledges (as any party), read from the tallies kept ready."""
        from .tallies import PartyTally

        tallies = PartyTally.objects.filter(member=models.OuterRef("pk"))
        has_role = models.Exists(Membership.objects.public().filter(member=models.OuterRef("pk")))
        members = self.filter(models.Exists(tallies) | has_role)
        if with_counts:
            total = tallies.order_by().values("member").annotate(n=models.Sum("pledges")).values("n")
            members = members.annotate(
                pledge_count=Coalesce(models.Subquery(total, output_field=models.IntegerField()), 0)
            )
        return (
            members.select_related("part_of")
            .prefetch_related(published_memberships())
            .order_by(by_name(), "pk")
        )


def published_memberships() -> models.Prefetch:
    """A member's public roles with their citations and sources, in `published_memberships`."""
    from .citations import Citation

    citations = Citation.objects.select_related("source", "part").defer("source__text")
    roles = (
        Membership.objects.public()
        .select_related("meeting")
        .prefetch_related(models.Prefetch("citations", queryset=citations))
    )
    return models.Prefetch("memberships", queryset=roles, to_attr="published_memberships")


class MemberManager(SlugManager.from_queryset(MemberQuerySet)):
    pass


class Member(models.Model):
    """An actor in the coalition or beside it: a country, an organisation, the coalition itself, Europe
    as a bloc, or an unnamed group.

    An unnamed group ("about 10 European countries") is recorded as it is reported, as one actor, so that
    its pledges are shown without pretending to know who is in it; `part_of` names the larger group it
    belongs to ("26 ready to provide guarantees" within the coalition of 35).
    """

    Kind = MemberKind

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    name_uk = models.CharField(
        "name (Ukrainian)", max_length=200, blank=True, default="", help_text="As Ukrainian media write it."
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.COUNTRY)
    country = CountryField(blank=True, help_text="ISO 3166-1 code, for countries.")
    region = models.CharField(max_length=30, choices=Region, blank=True)
    part_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subgroups",
        help_text="For an unnamed group: the larger group it is part of.",
    )
    description = models.TextField(blank=True)
    description_uk = models.TextField("description (Ukrainian)", blank=True, default="")
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
            models.CheckConstraint(
                condition=Q(part_of__isnull=True) | ~Q(part_of=models.F("pk")),
                name="member_not_part_of_itself",
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
        return self.kind != self.Kind.UNNAMED_GROUP

    @property
    def flag(self) -> str:
        """The country's flag as an emoji, or an empty string."""
        return self.country.unicode_flag if self.country else ""


class PublicFactQuerySet(models.QuerySet):
    def public(self):
        """Published and cited: a fact without a source is never shown, whatever its flag says."""
        from .citations import Citation

        field = next(
            name for name in Citation.TARGETS if Citation._meta.get_field(name).related_model is self.model
        )
        cited = models.Exists(Citation.objects.filter(**{field: models.OuterRef("pk")}))
        return self.filter(cited, is_published=True)


class PublicSlugManager(SlugManager.from_queryset(PublicFactQuerySet)):
    pass


class MembershipManager(models.Manager.from_queryset(PublicFactQuerySet)):
    def get_by_natural_key(self, ref):
        return self.get(ref=ref)


class MembershipRole(models.TextChoices):
    COALITION_MEMBER = "coalition-member", _("Member of the coalition")
    GUARANTOR = "guarantor", _("Guarantor")
    CO_CHAIR = "co-chair", _("Co-chair")
    HOST = "host", _("Host")
    LEAD = "lead", _("Leads an initiative")
    PARTICIPANT = "participant", _("Took part in a meeting")


class Membership(models.Model):
    """A sourced fact about a member's place in the coalition: member, guarantor, co-chair, host of a
    meeting or of the headquarters, leader of an initiative, participant in a meeting."""

    Role = MembershipRole

    ref = models.SlugField(
        max_length=150, unique=True, blank=True, help_text="Stable reference: member, role and key."
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role)
    detail = models.CharField(
        max_length=300,
        blank=True,
        help_text="What exactly: “the coalition’s headquarters, Paris, first 12 months”.",
    )
    detail_uk = models.CharField("detail (Ukrainian)", max_length=300, blank=True, default="")
    meeting = models.ForeignKey(
        "pledges.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="roles"
    )
    since = models.DateField(null=True, blank=True, help_text="Only when a text dates the start of the role.")
    since_precision = models.CharField(max_length=10, choices=DatePrecision, default=DatePrecision.UNKNOWN)
    note = models.TextField(blank=True)
    note_uk = models.TextField("note (Ukrainian)", blank=True, default="")
    is_published = models.BooleanField(default=True)

    objects = MembershipManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "ref"]
        verbose_name = "role"
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_allowed"
            ),
            partial_date_constraint("since", "since_precision", "membership_since_precision"),
        ]

    def __str__(self):
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.member}: {self.get_role_display()}{detail}"

    def save(self, *args, **kwargs):
        if not self.ref:
            self.ref = self.make_ref()
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.ref,)

    def make_ref(self) -> str:
        """member-role, or member-role-detail when the member has that role already; unique."""
        base = membership_ref(self.member.slug, self.role)
        taken = set(
            Membership.objects.filter(ref__startswith=base).exclude(pk=self.pk).values_list("ref", flat=True)
        )
        if base not in taken:
            return base
        base = membership_ref(self.member.slug, self.role, slugify(self.detail)[:40])
        ref, n = base, 2
        while ref in taken:
            ref, n = f"{base}-{n}", n + 1
        return ref

    @property
    def since_display(self) -> str:
        return format_partial_date(self.since, self.since_precision)


def membership_ref(member_slug: str, role: str, key: str = "") -> str:
    return "-".join(part for part in (member_slug, role, key) if part)
