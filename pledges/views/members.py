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
    """The country page: roles in the coalition, offers by type, then stances apart, a timeline, every
    citation.

    Queries: the member with the group it is part of, its memberships with meetings, citations and
    sources (3), its pledges with types, parties and citations with sources and parts (3), the
    pledge types, the groups within it, meetings it hosted.
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
        pledges = list(Pledge.objects.published().by_party(member).for_listing().by_strength())
        offers = [p for p in pledges if not p.is_stance]
        stances = [p for p in pledges if p.is_stance]
        offers_by_type = group_by(offers, lambda p: p.pledge_type)
        stances_by_type = group_by(stances, lambda p: p.pledge_type)
        types = list(PledgeType.objects.all())
        context.update(
            pledges=pledges,
            offers=offers,
            stances=stances,
            groups=[(t, offers_by_type[t]) for t in types if t in offers_by_type],
            stance_groups=[(t, stances_by_type[t]) for t in types if t in stances_by_type],
            # Types with no offer, whether or not there is a stance on them.
            missing_types=[t for t in types if t not in offers_by_type],
            subgroups=list(member.subgroups.order_by("name")),
            timeline=sorted(pledges, key=timeline_key),
            meetings=list(member.hosted_meetings.public()),
            matrix_row=build_matrix([member], types)[0] if pledges else None,
            cite_title=member.name,
        )
        return context
