"""/sources/: the documents facts are drawn from; /sources/<slug>/: one with its text and quotes marked."""

import re

from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from pledges.exports import SOURCES
from pledges.filters import SourceFilterSet
from pledges.models import Citation, PledgeParty, Source
from pledges.views.base import FilteredListView


class SourceListView(FilteredListView):
    filterset_class = SourceFilterSet
    template_name = "pledges/source_list.html"
    exporter = SOURCES
    export_name = "sources"

    def get_queryset(self):
        return (
            Source.objects.cited_publicly()
            .with_citation_counts()
            .order_by(F("published_on").desc(nulls_last=True), "title", "pk")
        )


class SourceDetailView(DetailView):
    """A source's details and archived text, each quote cited from it marked and anchored.

    Queries: the source, its published citations with the facts they support (one join) and the
    parties of their pledges, its parts, and the passages its review ledger did not record.
    """

    template_name = "pledges/source_detail.html"
    context_object_name = "source"

    def get_object(self, queryset=None):
        # A source is public once a published fact cites it; until then it answers 404.
        return get_object_or_404(Source.objects.cited_publicly(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        citations = list(
            Citation.objects.published()
            .filter(source=self.object)
            .select_related(
                "pledge__pledge_type",
                "membership__member",
                "meeting",
                "headline_count",
                "part",
            )
            .prefetch_related(
                Prefetch(
                    "pledge__parties",
                    queryset=PledgeParty.objects.select_related("member").order_by("position"),
                    to_attr="party_list",
                )
            )
        )
        segments, unplaced = mark_quotes(self.object.text, citations)
        marked = [citation for _, citation in segments if citation is not None]
        for citation in unplaced:
            # A quote that repeats words already marked (one passage backing several facts) points at
            # that mark instead of being printed again below the text.
            citation.within = next((m for m in marked if contains_words(m.quote, citation.quote)), None)
        entries = list(self.object.review_entries.select_related("part").order_by("position"))
        context.update(
            citations=citations,
            segments=segments,
            unplaced=unplaced,
            parts=list(self.object.parts.all()),
            # The whole ledger in one query: whether the source was reviewed at all, and what was left out.
            reviewed=bool(entries),
            not_recorded=[entry for entry in entries if entry.reason],
            cite_title=self.object.title,
        )
        return context


def contains_words(outer: str, inner: str) -> bool:
    """Whether `inner`'s words stand, in order, inside `outer`, whatever the white space between them."""
    return " ".join(inner.split()) in " ".join(outer.split())


def quote_pattern(quote: str) -> re.Pattern:
    """The quote's words in order, whatever white space the archived text puts between them."""
    return re.compile(r"\s+".join(re.escape(word) for word in quote.split()))


def mark_quotes(text: str, citations: list[Citation]) -> tuple[list[tuple[str, Citation | None]], list]:
    """The text cut into (piece, citation) segments, a citation where a quote stands, else None.

    Each quote is marked at its first place that does not overlap a quote already marked; a quote
    that cannot be placed (overlapping another, or a source without text) comes back in `unplaced`
    and is listed below the text instead.
    """
    spans, unplaced = [], []
    for citation in sorted(citations, key=lambda c: -len(c.quote)):
        for match in quote_pattern(citation.quote).finditer(text):
            if all(match.end() <= start or match.start() >= end for start, end, _ in spans):
                spans.append((match.start(), match.end(), citation))
                break
        else:
            unplaced.append(citation)
    spans.sort(key=lambda span: span[0])
    segments, position = [], 0
    for start, end, citation in spans:
        if start > position:
            segments.append((text[position:start], None))
        segments.append((text[start:end], citation))
        position = end
    if position < len(text):
        segments.append((text[position:], None))
    return segments, sorted(unplaced, key=lambda c: c.pk)
