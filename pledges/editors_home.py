"""What the editors' home page lists: the work waiting, in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from pledges.models import Citation, Pledge, Source, normalise_whitespace, parties_prefetch
from pledges.services import review_required

SHOWN = 15


@dataclass
class EditorsHome:
    my_drafts: list
    others_drafts: list
    ready_for_me: list
    failing_quotes: list
    sources_without_facts: list
    others_changes: list
    review_on: bool


def editors_home(user) -> EditorsHome:
    """Drafts waiting (the editor's and others'), drafts ready for this editor to review, citations whose
    quotes are not in their source, sources no fact cites yet, and the latest changes by others."""
    history = Pledge.history.model
    creator = history.objects.filter(id=OuterRef("pk"), history_type="+").order_by("history_date")
    drafts = (
        Pledge.objects.filter(is_published=False)
        .select_related("pledge_type", "ready_by")
        .prefetch_related(parties_prefetch())
        .annotate(creator_id=Subquery(creator.values("history_user_id")[:1]))
        .order_by("-updated_at", "-pk")
    )
    mine = list(drafts.filter(creator_id=user.pk)[:SHOWN])
    others = list(drafts.exclude(creator_id=user.pk)[:SHOWN])
    ready = (
        list(drafts.filter(ready_by__isnull=False).exclude(ready_by=user)[:SHOWN])
        if review_required()
        else []
    )
    failing = []
    for citation in Citation.objects.select_related("source").order_by("-pk")[:2000]:
        text = citation.source.text
        if not text or normalise_whitespace(citation.quote) not in normalise_whitespace(text):
            failing.append(citation)
            if len(failing) >= SHOWN:
                break
    cited = Citation.objects.filter(source=OuterRef("pk"))
    unused = list(Source.objects.defer("text").filter(~Exists(cited)).order_by("-created_at")[:SHOWN])
    changes = list(
        history.objects.exclude(history_user=user)
        .exclude(history_user=None)
        .select_related("history_user", "pledge_type")
        .order_by("-history_date")[:SHOWN]
    )
    return EditorsHome(mine, others, ready, failing, unused, changes, review_required())


def count_drafts() -> dict:
    return Pledge.objects.aggregate(
        drafts=Count("pk", filter=Q(is_published=False)), published=Count("pk", filter=Q(is_published=True))
    )
