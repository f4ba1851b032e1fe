"""/types/<slug>/, /meetings/, /changes/, /about/ and /api/."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from pledges import codebook
from pledges.exports import MEETINGS
from pledges.filters import MeetingFilterSet
from pledges.matrix import strongest_by_member_and_type
from pledges.models import (
    STATUS_DESCRIPTIONS,
    STATUS_ICONS,
    Citation,
    HeadlineCount,
    Meeting,
    Pledge,
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
    """One type of help across members: who offers it, how firmly, on what conditions.

    Queries: the type, its published pledges with members (1) and citations with sources (1),
    and the strongest status per member (1).
    """

    template_name = "pledges/type_detail.html"
    context_object_name = "pledge_type"

    def get_object(self, queryset=None):
        return get_object_or_404(PledgeType, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pledges = list(Pledge.objects.published().filter(pledge_type=self.object).for_listing().by_strength())
        table = strongest_by_member_and_type(Pledge.objects.published().filter(pledge_type=self.object))
        by_status = {status: [] for status in Status}
        seen = set()
        for pledge in pledges:
            for member in pledge.party_members:
                if member.pk not in seen:
                    seen.add(member.pk)
                    status, count = table[(member.pk, self.object.pk)]
                    by_status[status].append({"member": member, "count": count})
        context.update(
            pledges=pledges,
            by_status=[(s, STATUS_ICONS[s], rows) for s, rows in by_status.items() if rows],
            cite_title=self.object.name,
        )
        return context


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
    """The public change log: recently published pledges and what changed in published ones."""

    template_name = "pledges/change_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(changes=recent_public_changes(limit=100), **kwargs)


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
            statuses=[(s, STATUS_ICONS[s], STATUS_DESCRIPTIONS[s]) for s in Status],
            types=PledgeType.objects.all(),
            sources=Source.objects.defer("text").annotate(
                n=Count("citations", filter=Q(citations__in=Citation.objects.published()))
            ),
        )
        return context


class ApiDocsView(TemplateView):
    template_name = "pledges/api_docs.html"
