"""What the editors' home page lists: the work waiting, in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from pledges.models import (
    Citation,
    HeadlineCount,
    Meeting,
    Member,
    Pledge,
    PledgeType,
    Source,
    normalise_whitespace,
    parties_prefetch,
)
from pledges.services import review_required
from pledges.translations import translated_fields

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
    untranslated: list


# The kinds of fact whose Ukrainian texts an editor writes, in the order the home lists them. Members
# and types of help have no draft state: all of them are on the public pages.
TRANSLATED_MODELS = (Pledge, Member, PledgeType, Meeting, HeadlineCount)


@dataclass
class Untranslated:
    """How many of one kind of public fact lack a Ukrainian text, and the filtered admin list of them."""

    model: type
    missing: int
    public: int

    @property
    def published_only(self) -> bool:
        return has_published_flag(self.model)


def has_published_flag(model) -> bool:
    return any(field.name == "is_published" for field in model._meta.concrete_fields)


def lacking_ukrainian(model) -> Q:
    """Rows with an English text (summary, name, description…) whose Ukrainian twin is empty."""
    missing = Q()
    for field in sorted(translated_fields(model)):
        missing |= ~Q(**{field: ""}) & Q(**{f"{field}_uk": ""})
    return missing


def untranslated_counts() -> list[Untranslated]:
    """For each kind of fact, the public ones lacking any Ukrainian text: one query per kind."""
    counts = []
    for model in TRANSLATED_MODELS:
        rows = model._default_manager.all()
        if has_published_flag(model):
            rows = rows.filter(is_published=True)
        totals = rows.aggregate(public=Count("pk"), missing=Count("pk", filter=lacking_ukrainian(model)))
        counts.append(Untranslated(model, totals["missing"], totals["public"]))
    return counts


def editors_home(user) -> EditorsHome:
    """Drafts waiting (the editor's and others'), drafts ready for this editor to review, citations whose
    quotes are not in their source, sources no fact cites yet, the latest changes by others, and how
    many public facts of each kind lack a Ukrainian text."""
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
    return EditorsHome(
        mine, others, ready, failing, unused, changes, review_required(), untranslated_counts()
    )


def count_drafts() -> dict:
    return Pledge.objects.aggregate(
        drafts=Count("pk", filter=Q(is_published=False)), published=Count("pk", filter=Q(is_published=True))
    )
