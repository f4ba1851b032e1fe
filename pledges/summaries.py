"""A member's pledges summed up by type, so a country page and its embed stay short however many there are.

For each type of help: how many pledges the member is a party to, by status, and the strongest and
the latest few of them in full; "all N" links lead to the filtered list. Offers and stances are summed
up apart. A fixed number of queries whatever the data size; the counts come from the tallies kept
ready (`pledges.models.tallies`).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Case, F, IntegerField, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse

from pledges.matrix import strength
from pledges.models import STANCES, STATUS_RANK, Member, PartyTally, Pledge, PledgeType, Status

STRENGTH = strength()
IS_STANCE = Case(When(status__in=STANCES, then=Value(1)), default=Value(0), output_field=IntegerField())
LATEST = Coalesce("announced_on", "reported_on")


@dataclass
class TypeSummary:
    pledge_type: PledgeType
    member: Member
    stance: bool
    counts: list[tuple[str, int]] = field(default_factory=list)  # (status, n), strongest first
    shown: list[Pledge] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    @property
    def more(self) -> int:
        return self.total - len(self.shown)

    @property
    def list_url(self) -> str:
        statuses = [status for status, _ in self.counts]
        query = [("member", self.member.slug), ("type", self.pledge_type.slug)] + [
            ("status", s) for s in statuses
        ]
        return f"{reverse('pledges:pledge_list')}?{urlencode(query)}"


@dataclass
class MemberSummary:
    offers: list[TypeSummary]
    stances: list[TypeSummary]
    timeline: list[Pledge]
    offer_total: int
    stance_total: int
    timeline_total: int

    @property
    def pledges(self) -> list[Pledge]:
        seen, result = set(), []
        for group in (*self.offers, *self.stances):
            for pledge in group.shown:
                if pledge.pk not in seen:
                    seen.add(pledge.pk)
                    result.append(pledge)
        return result


def member_summary(
    member: Member, types: list[PledgeType], few: int = 3, timeline: int = 0, only_types=None
) -> MemberSummary:
    """The member's published pledges (as any party) summed up by type: six queries, plus two with a
    timeline of the latest `timeline` pledges."""
    pledges = Pledge.objects.published().by_party(member)
    if only_types:
        pledges = pledges.filter(pledge_type__in=only_types)
    tallies = PartyTally.objects.filter(member=member)
    if only_types:
        tallies = tallies.filter(pledge_type__in=only_types)
    counts = list(tallies.values_list("pledge_type_id", "status", "pledges"))
    partition = [F("pledge_type_id"), IS_STANCE]
    strongest = pledges.annotate(
        rank=Window(
            RowNumber(),
            partition_by=partition,
            order_by=[STRENGTH.desc(), LATEST.desc(nulls_last=True), F("pk").desc()],
        )
    ).filter(rank__lte=few)
    latest = pledges.annotate(
        rank=Window(
            RowNumber(), partition_by=partition, order_by=[LATEST.desc(nulls_last=True), F("pk").desc()]
        )
    ).filter(rank__lte=few)
    ids = set(strongest.values_list("pk", flat=True)) | set(latest.values_list("pk", flat=True))
    timeline_ids = []
    if timeline:
        timeline_ids = list(
            pledges.order_by(LATEST.desc(nulls_last=True), "-pk").values_list("pk", flat=True)[:timeline]
        )
    loaded = {p.pk: p for p in Pledge.objects.filter(pk__in=ids | set(timeline_ids)).for_listing()}

    by_key: dict[tuple[int, bool], TypeSummary] = {}
    type_by_id = {t.pk: t for t in types}
    for type_id, status, n in counts:
        key = (type_id, status in STANCES)
        if key not in by_key:
            by_key[key] = TypeSummary(type_by_id[type_id], member, stance=key[1])
        by_key[key].counts.append((status, n))
    for summary in by_key.values():
        summary.counts.sort(key=lambda pair: -STATUS_RANK[Status(pair[0])])
    for pledge in sorted(loaded.values(), key=shown_order):
        if pledge.pk in ids:
            by_key[(pledge.pledge_type_id, pledge.is_stance)].shown.append(pledge)
    ordered = sorted(by_key.values(), key=lambda s: (s.pledge_type.order, s.pledge_type.name))
    offers = [s for s in ordered if not s.stance]
    stances = [s for s in ordered if s.stance]
    return MemberSummary(
        offers=offers,
        stances=stances,
        timeline=[loaded[pk] for pk in timeline_ids],
        offer_total=sum(s.total for s in offers),
        stance_total=sum(s.total for s in stances),
        timeline_total=sum(s.total for s in ordered),
    )


def shown_order(pledge: Pledge) -> tuple:
    """Strongest first, then the latest."""
    date = pledge.announced_on or pledge.reported_on
    return (-STATUS_RANK[Status(pledge.status)], -(date.toordinal() if date else 0), -pledge.pk)
