"""/types/<slug>/, /meetings/, /changes/, /about/ and /api/."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from pledges import codebook
from pledges.exports import MEETINGS
from pledges.filters import MeetingFilterSet
from pledges.models import (
    STATUS_ICONS,
    STATUS_RANK,
    Citation,
    HeadlineCount,
    Meeting,
    Pledge,
    PledgeParty,
    PledgeType,
    Source,
    Status,
)
from pledges.services import recent_public_changes
from pledges.views.base import FilteredListView

CITATIONS_WITH_SOURCES = Prefetch(
    "citations", queryset=Citation.objects.select_related("source", "part").defer("source__text")
)


class TypeDetailView(DetailView):
    """One type of help across members: who offers it, how firmly, on what conditions; then who ruled
    it out, had reservations or did not offer it, apart.

    Queries: the type, and its published pledges with type (1), parties (1) and citations with
    sources and parts (1). Who stands where is worked out from those rows.
    """

    template_name = "pledges/type_detail.html"
    context_object_name = "pledge_type"

    def get_object(self, queryset=None):
        return get_object_or_404(PledgeType, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pledges = list(Pledge.objects.published().filter(pledge_type=self.object).for_listing().by_strength())
        offers = [p for p in pledges if not p.is_stance]
        stances = [p for p in pledges if p.is_stance]
        context.update(
            pledges=pledges,
            offers=offers,
            stances=stances,
            # Each member once, under the strongest offer it made (a joint pledge counts for every party).
            by_status=members_by_status(offers, strongest_only=True),
            # Each member under every stance it took: a refusal and reservations may both be reported.
            by_stance=members_by_status(stances, strongest_only=False),
            cite_title=self.object.name,
        )
        return context


def members_by_status(pledges: list[Pledge], strongest_only: bool) -> list[tuple]:
    """[(status, icon, [{member, count}])], strongest status first, each member by name.

    With `strongest_only` each member comes once, under its strongest status, with the number of all
    these pledges it is a party to; otherwise under every status it has, with the number of each.
    """
    members, counts = {}, {}
    for pledge in pledges:
        for member in pledge.party_members:
            members.setdefault(member.pk, member)
            mine = counts.setdefault(member.pk, {})
            mine[pledge.status] = mine.get(pledge.status, 0) + 1
    rows = {status: [] for status in sorted(Status, key=lambda s: -STATUS_RANK[s])}
    for pk, mine in counts.items():
        if strongest_only:
            best = max(mine, key=lambda status: STATUS_RANK[Status(status)])
            rows[best].append({"member": members[pk], "count": sum(mine.values())})
        else:
            for status, n in mine.items():
                rows[status].append({"member": members[pk], "count": n})
    return [
        (status, STATUS_ICONS[status], sorted(entries, key=lambda row: row["member"].name))
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


class AboutView(TemplateView):
    template_name = "pledges/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            codebook=codebook_context(),
            types=PledgeType.objects.all(),
            sources=Source.objects.cited_publicly()
            .defer("text")
            .annotate(n=Count("citations", filter=Q(citations__in=Citation.objects.published()))),
        )
        return context


class ApiDocsView(TemplateView):
    template_name = "pledges/api_docs.html"
