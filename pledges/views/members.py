"""/members/: everyone the sources name, with pledges per type; /members/<slug>/: the country page."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from pledges.exports import MEMBERS
from pledges.filters import MemberFilterSet
from pledges.matrix import build_matrix, group_by, render_cells
from pledges.models import Member, Pledge, PledgeType, published_memberships
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


class MemberDetailView(DetailView):
    """The country page: roles in the coalition, pledges by type, a timeline, every citation.

    Queries: the member, its memberships with citations and sources (3), its pledges with
    types and citations with sources (2), the pledge types, meetings it hosted.
    """

    template_name = "pledges/member_detail.html"
    context_object_name = "member"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Member.objects.prefetch_related(published_memberships()), slug=self.kwargs["slug"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.object
        pledges = list(Pledge.objects.published().by_party(member).for_listing().by_strength())
        by_type = group_by(pledges, lambda p: p.pledge_type)
        types = list(PledgeType.objects.all())
        context.update(
            pledges=pledges,
            groups=[(t, by_type[t]) for t in types if t in by_type],
            missing_types=[t for t in types if t not in by_type],
            timeline=sorted(pledges, key=timeline_key),
            meetings=list(member.hosted_meetings.public()),
            matrix_row=build_matrix([member], types)[0] if pledges else None,
            cite_title=member.name,
        )
        return context
