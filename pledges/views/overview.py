"""/: the headline counts, the members × types matrix, the map and the latest pledges."""

from django.db.models import Count, F, Prefetch, Q
from django.views.generic import TemplateView

from pledges.maps import MapEntry, europe_map
from pledges.matrix import build_matrix, render_cells, strongest_by_member
from pledges.models import (
    LADDER,
    STANCES,
    Citation,
    HeadlineCount,
    Member,
    Pledge,
    PledgeType,
    Source,
    parties_prefetch,
)
from pledges.translations import translated

KIND_ORDER = {kind: n for n, kind in enumerate(Member.Kind)}
# "Named members" are the countries and organisations a source names: not the coalition itself, Europe
# as a bloc, or a group the source does not break down.
NAMED_KINDS = (Member.Kind.COUNTRY, Member.Kind.ORGANISATION)
OVERVIEW_MATRIX_ROWS = 40
# Headline counts shown in full, with their sources; every one is in the downloads and the API.
OVERVIEW_COUNTS = 8


class OverviewView(TemplateView):
    template_name = "pledges/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = HeadlineCount.objects.public().prefetch_related(
            Prefetch(
                "citations", queryset=Citation.objects.select_related("source", "part").defer("source__text")
            )
        )
        # Bounded however many members there are: the matrix shows those with the most pledges (all of
        # them are on the members page), the map one entry per country code.
        public = Member.objects.with_public_facts(with_counts=False).prefetch_related(None)
        members = sorted(
            Member.objects.with_public_facts()
            .prefetch_related(None)
            .order_by("-pledge_count", "name")[:OVERVIEW_MATRIX_ROWS],
            key=lambda m: (KIND_ORDER.get(m.kind, 9), translated(m, "name")),
        )
        member_total = public.count()
        types = list(PledgeType.objects.all())
        strongest = strongest_by_member()
        drawn = europe_map(
            MapEntry(m.country.code, translated(m, "name").text, strongest.get(m.pk), m.get_absolute_url())
            for m in public.exclude(country="")
            .select_related(None)
            .only("pk", "slug", "name", "name_uk", "country")
        )
        published = Pledge.objects.published()
        # One query: offers (the ladder) and stances are counted apart; a stance is never an offer.
        totals = published.aggregate(
            offers=Count("pk", filter=Q(status__in=LADDER)), stances=Count("pk", filter=Q(status__in=STANCES))
        )
        context.update(
            headline_counts=list(counts[:OVERVIEW_COUNTS]),
            headline_total=HeadlineCount.objects.public().count(),
            named_members=public.filter(kind__in=NAMED_KINDS).count(),
            member_total=member_total,
            matrix_rows_shown=len(members),
            offer_total=totals["offers"],
            stance_total=totals["stances"],
            source_total=Source.objects.cited_publicly().count(),
            rows=render_cells(build_matrix(members, types)),
            types=types,
            map=drawn,
            recent=list(
                published.select_related("pledge_type")
                .prefetch_related(parties_prefetch())
                .order_by(
                    F("announced_on").desc(nulls_last=True), F("reported_on").desc(nulls_last=True), "-pk"
                )[:8]
            ),
        )
        return context
