"""/types/<slug>/, /meetings/, /changes/, /about/ and /api/."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, TemplateView

from pledges import codebook
from pledges.exports import MEETINGS
from pledges.filters import MeetingFilterSet
from pledges.models import (
    LADDER,
    STANCES,
    STATUS_ICONS,
    STATUS_RANK,
    Citation,
    HeadlineCount,
    Meeting,
    Member,
    Pledge,
    PledgeParty,
    PledgeType,
    Source,
    Status,
)
from pledges.services import recent_public_changes
from pledges.translations import translated
from pledges.views.base import FilteredListView

CITATIONS_WITH_SOURCES = Prefetch(
    "citations", queryset=Citation.objects.select_related("source", "part").defer("source__text")
)


# The type page lists the strongest pledges of each kind in full, and links to the filtered list for all.
TYPE_PAGE_ROWS = 50


class TypeDetailView(DetailView):
    """One type of help across members: who offers it, how firmly, on what conditions; then who ruled
    it out, had reservations or did not offer it, apart.

    Bounded: who stands where comes from one aggregate over the pledges' parties, and the tables
    show the strongest TYPE_PAGE_ROWS offers and stances. Queries: the type, the aggregate and its
    members (2), the two totals (2), and each table with parties and citations (3 each).
    """

    template_name = "pledges/type_detail.html"
    context_object_name = "pledge_type"

    def get_object(self, queryset=None):
        return get_object_or_404(PledgeType, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Pledge.objects.published().filter(pledge_type=self.object)
        offers = published.exclude(status__in=STANCES)
        stances = published.filter(status__in=STANCES)
        counts = list(
            PledgeParty.objects.filter(pledge__in=published.values("pk"))
            .order_by()
            .values_list("member_id", "pledge__status")
            .annotate(n=Count("pledge_id"))
        )
        members = Member.objects.in_bulk({member_id for member_id, _, _ in counts})
        offer_counts = [(members[m], status, n) for m, status, n in counts if status not in STANCES]
        stance_counts = [(members[m], status, n) for m, status, n in counts if status in STANCES]
        offer_total, stance_total = offers.count(), stances.count()
        context.update(
            offers=list(offers.for_listing().by_strength()[:TYPE_PAGE_ROWS]),
            stances=list(stances.for_listing().by_strength()[:TYPE_PAGE_ROWS]),
            offer_total=offer_total,
            stance_total=stance_total,
            any_pledges=bool(offer_total or stance_total),
            all_offers_url=f"{reverse('pledges:pledge_list')}?type={self.object.slug}&"
            + "&".join(f"status={s}" for s in LADDER),
            all_stances_url=f"{reverse('pledges:pledge_list')}?type={self.object.slug}&"
            + "&".join(f"status={s}" for s in STANCES),
            # Each member once, under the strongest offer it made (a joint pledge counts for every party).
            by_status=members_by_status(offer_counts, strongest_only=True),
            # Each member under every stance it took: a refusal and reservations may both be reported.
            by_stance=members_by_status(stance_counts, strongest_only=False),
            cite_title=translated(self.object, "name"),
        )
        return context


def members_by_status(counts: list[tuple], strongest_only: bool) -> list[tuple]:
    """[(status, icon, [{member, count}])] from (member, status, number of pledges) rows, strongest
    status first, each member by name.

    With `strongest_only` each member comes once, under its strongest status, with the number of all
    these pledges it is a party to; otherwise under every status it has, with the number of each.
    """
    members, by_member = {}, {}
    for member, status, n in counts:
        members.setdefault(member.pk, member)
        by_member.setdefault(member.pk, {})[status] = n
    rows = {status: [] for status in sorted(Status, key=lambda s: -STATUS_RANK[s])}
    for pk, mine in by_member.items():
        if strongest_only:
            best = max(mine, key=lambda status: STATUS_RANK[Status(status)])
            rows[best].append({"member": members[pk], "count": sum(mine.values())})
        else:
            for status, n in mine.items():
                rows[status].append({"member": members[pk], "count": n})
    return [
        (status, STATUS_ICONS[status], sorted(entries, key=lambda row: translated(row["member"], "name")))
        for status, entries in rows.items()
        if entries
    ]


class MeetingListView(FilteredListView):
    """The timeline of summits and meetings, with hosts, what was agreed, counts and citations."""

    filterset_class = MeetingFilterSet
    template_name = "pledges/meeting_list.html"
    exporter = MEETINGS
    export_name = "meetings"

    def get_queryset(self):
        return Meeting.objects.public().prefetch_related(
            "hosts",
            CITATIONS_WITH_SOURCES,
            Prefetch(
                "counts",
                queryset=HeadlineCount.objects.public().prefetch_related(CITATIONS_WITH_SOURCES),
            ),
        )


class ChangeListView(TemplateView):
    """The public change log: recently published pledges and what changed in published ones.

    Queries: the change log's two, then the parties of the pledges it names (one), so each change
    names every party with a link.
    """

    template_name = "pledges/change_list.html"

    def get_context_data(self, **kwargs):
        changes = recent_public_changes(limit=100)
        parties: dict[int, list] = {}
        rows = PledgeParty.objects.filter(pledge_id__in={c.pledge_id for c in changes}).select_related(
            "member"
        )
        for party in rows.order_by("pledge_id", "position"):
            parties.setdefault(party.pledge_id, []).append(party.member)
        return super().get_context_data(
            changes=changes, change_rows=[(c, parties.get(c.pledge_id, [])) for c in changes], **kwargs
        )


def codebook_context() -> dict:
    """The codebook's rules, each with its examples: published pledges loaded in three queries."""
    examples = {
        pledge.ref: pledge
        for pledge in Pledge.objects.published().filter(ref__in=codebook.example_refs()).for_listing()
    }

    def entries(rules):
        return [
            {"rule": rule, "examples": [examples[ref] for ref in rule.examples if ref in examples]}
            for rule in rules
        ]

    return {
        "statuses": entries(codebook.STATUS_RULES),
        "stances": entries(codebook.STANCE_RULES),
        "dates": entries(codebook.DATE_RULES),
        "other": entries(codebook.OTHER_RULES),
    }


# The about page names the most quoted sources; the sources page lists them all.
ABOUT_SOURCES = 12


class AboutView(TemplateView):
    template_name = "pledges/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            codebook=codebook_context(),
            types=PledgeType.objects.all(),
            sources=list(
                Source.objects.cited_publicly()
                .with_citation_counts()
                .order_by("-citation_count", "title", "pk")[:ABOUT_SOURCES]
            ),
            source_total=Source.objects.cited_publicly().count(),
        )
        return context


class ApiDocsView(TemplateView):
    template_name = "pledges/api_docs.html"
