"""/members/: everyone the sources name, with pledges per type; /members/<slug>/: the country page."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from pledges.exports import MEMBERS
from pledges.filters import MemberFilterSet
from pledges.matrix import build_matrix, render_cells
from pledges.models import Member, Pledge, PledgeType, published_memberships
from pledges.summaries import member_summary
from pledges.translations import translated
from pledges.views.base import FilteredListView


def timeline_key(pledge: Pledge) -> tuple:
    """Dated pledges first, by the actor's own date where there is one, else the date first reported."""
    date = pledge.announced_on or pledge.reported_on
    return (date is None, date, pledge.pk)


class MemberListView(FilteredListView):
    filterset_class = MemberFilterSet
    template_name = "pledges/member_list.html"
    exporter = MEMBERS
    export_name = "members"
    paginate_by = 100

    def get_queryset(self):
        return Member.objects.with_public_facts()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        types = list(PledgeType.objects.all())
        context["types"] = types
        context["rows"] = render_cells(build_matrix(context["object_list"], types))
        context["total_members"] = Member.objects.with_public_facts(with_counts=False).count()
        return context


# A country page shows, per type, the strongest and the latest few pledges in full, and links to all.
SHOWN_PER_TYPE = 3
TIMELINE_LENGTH = 12


class MemberDetailView(DetailView):
    """The country page: roles in the coalition, offers by type, then stances apart, a timeline, every
    citation.

    Bounded however many pledges it has: per type, counts by status and the strongest and latest few
    (pledges.summaries). Queries: the member with the group it is part of, its roles with meetings,
    citations and sources (3), the types, the summary (8), the matrix row, the groups within it, the
    meetings it hosted.
    """

    template_name = "pledges/member_detail.html"
    context_object_name = "member"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Member.objects.select_related("part_of").prefetch_related(published_memberships()),
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.object
        types = list(PledgeType.objects.all())
        summary = member_summary(member, types, few=SHOWN_PER_TYPE, timeline=TIMELINE_LENGTH)
        offered = {s.pledge_type.pk for s in summary.offers}
        context.update(
            summary=summary,
            # Types with no offer, whether or not there is a stance on them.
            missing_types=[t for t in types if t.pk not in offered],
            subgroups=list(member.subgroups.order_by("name")[:50]),
            meetings=list(member.hosted_meetings.public()[:50]),
            matrix_row=build_matrix([member], types)[0] if summary.timeline_total else None,
            cite_title=translated(member, "name"),
        )
        return context
