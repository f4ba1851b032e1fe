"""/pledges/: every published pledge, filtered, with facet counts; /pledges/<id>/: one pledge in full."""

from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from pledges.exports import PLEDGES
from pledges.filters import PledgeFilterSet
from pledges.models import (
    Citation,
    Member,
    Pledge,
    PledgeParty,
    PledgeType,
    Region,
    Status,
    is_stance,
    parties_prefetch,
)
from pledges.services import PUBLIC_FIELDS, public_values
from pledges.templatetags.tracker import parties_text
from pledges.translations import translated
from pledges.views.base import FilteredListView, facet_counts


class PledgeListView(FilteredListView):
    filterset_class = PledgeFilterSet
    template_name = "pledges/pledge_list.html"
    exporter = PLEDGES
    export_name = "pledges"

    def get_queryset(self):
        return Pledge.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.options())
        context["total_published"] = Pledge.objects.published().count()
        return context

    def extra_bad_request_context(self) -> dict:
        return {**self.options(with_counts=False), "total_published": None}

    def options(self, with_counts: bool = True) -> dict:
        """Each filter's options with the number of pledges choosing it would give (facet counts).

        Queries: one per facet (type, status, member, region), plus the types and members lists.
        """
        data = self.request.GET

        def counts(parameter, field):
            return facet_counts(self.filterset, parameter, field) if with_counts else {}

        # Grouped by the pledge's own foreign keys (no join); options look their counts up by id.
        type_counts = counts("type", "pledge_type_id")
        status_counts = counts("status", "status")
        # A joint pledge counts once for each of its parties, and once for a region it shares.
        member_counts = counts("member", "parties__member_id")
        region_counts = (
            facet_counts(self.filterset, "region", "parties__member__region", distinct=True)
            if with_counts
            else {}
        )
        chosen = {name: set(data.getlist(name)) for name in ("type", "status", "member", "region")}
        members = Member.objects.filter(
            Exists(PledgeParty.objects.filter(member=OuterRef("pk"), pledge__is_published=True))
        ).only("slug", "name", "name_uk", "kind")

        def option(name, value, label, table, key=None):
            return {
                "value": value,
                "label": label,
                "count": table.get(value if key is None else key, 0),
                "checked": value in chosen[name],
            }

        return {
            "type_options": [
                option("type", t.slug, translated(t, "name"), type_counts, t.pk)
                for t in PledgeType.objects.only("slug", "name", "name_uk")
            ],
            "status_options": [
                {**option("status", s.value, s.label, status_counts), "is_stance": is_stance(s)}
                for s in Status
            ],
            "member_options": [
                option("member", m.slug, translated(m, "name"), member_counts, m.pk) for m in members
            ],
            "region_options": [option("region", r.value, r.label, region_counts) for r in Region if r.value],
        }


class PledgeDetailView(DetailView):
    """One published pledge, every citation with its source, and the history of its public changes."""

    template_name = "pledges/pledge_detail.html"
    context_object_name = "pledge"

    def get_object(self, queryset=None):
        citations = (
            Citation.objects.select_related("source", "part")
            .defer("source__text")
            .order_by("source__published_on", "pk")
        )
        return get_object_or_404(
            Pledge.objects.published()
            .select_related("pledge_type")
            .prefetch_related(parties_prefetch(), Prefetch("citations", queryset=citations)),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changes"] = public_history(self.object)
        type_name = translated(self.object.pledge_type, "name")
        context["cite_title"] = f"{parties_text(self.object)}: {type_name}"
        return context


def public_history(pledge: Pledge) -> list[dict]:
    """The published versions of a pledge, newest first, each with the public fields it changed.

    One query. Versions saved while the pledge was a draft are left out; the first published
    version is shown as "published" without a diff, since what the draft said is not public.
    """
    records = list(pledge.history.select_related("pledge_type").order_by("history_date", "history_id"))
    labels = dict(PUBLIC_FIELDS)
    changes, previous = [], None
    for record in records:
        values = public_values(record)
        if record.is_published and record.history_type != "-":
            if previous is None or not previous[0].is_published:
                changes.append({"date": record.history_date, "kind": "published", "fields": []})
            else:
                fields = [
                    {"label": labels[name], "before": previous[1][name], "after": values[name]}
                    for name in labels
                    if previous[1][name] != values[name]
                ]
                if fields:
                    changes.append({"date": record.history_date, "kind": "changed", "fields": fields})
        previous = (record, values)
    changes.reverse()
    return changes
