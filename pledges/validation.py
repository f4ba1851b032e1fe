"""Checks that the whole database keeps the tracker's promises; used by `manage.py validate_data`."""

from collections.abc import Iterator

from django.db.models import Count, Q

from pledges.models import Citation, HeadlineCount, Meeting, Member, Membership, Pledge, normalise_whitespace

# The date each kind of fact carries, checked against the dates its sources cover.
FACT_DATES = {
    "pledge": "announced_on",
    "membership": "since",
    "meeting": "held_on",
    "headline_count": "as_of",
}


def find_problems() -> list[str]:
    """Every problem found, as readable sentences; an empty list means the data is sound."""
    return [*quote_problems(), *uncited_problems(), *member_problems(), *date_problems()]


def quote_problems() -> Iterator[str]:
    texts: dict[int, str] = {}
    for citation in Citation.objects.select_related("source").order_by("source__slug", "id"):
        source = citation.source
        if not normalise_whitespace(citation.quote):
            yield f"Citation {citation.pk} ({source.slug}): the quote is empty."
            continue
        if not source.text:
            continue
        if source.pk not in texts:
            texts[source.pk] = normalise_whitespace(source.text)
        if normalise_whitespace(citation.quote) not in texts[source.pk]:
            yield f"Citation {citation.pk} ({source.slug}): quote not in the source: “{citation.quote[:80]}”"


def uncited_problems() -> Iterator[str]:
    for model, label in (
        (Pledge, "Pledge"),
        (Membership, "Role"),
        (Meeting, "Meeting"),
        (HeadlineCount, "Count"),
    ):
        uncited = model.objects.filter(is_published=True).annotate(n=Count("citations")).filter(n=0)
        for fact in uncited:
            yield f"{label} {fact.pk} “{fact}” is published without a citation."


def member_problems() -> Iterator[str]:
    for member in Member.objects.filter(Q(name="") | Q(kind=Member.Kind.COUNTRY, country="")):
        if not member.name:
            yield f"Member {member.pk} ({member.slug}) has no name."
        else:
            yield f"Member {member.slug} is a country without an ISO code."


def date_problems() -> Iterator[str]:
    """A dated fact whose date lies outside the dates covered by every one of its sources."""
    citations = Citation.objects.select_related("source", "pledge", "membership", "meeting", "headline_count")
    sources_by_fact: dict[tuple, list] = {}
    facts = {}
    for citation in citations.order_by("id"):
        fact = citation.target
        key = (type(fact), fact.pk)
        facts[key] = fact
        sources_by_fact.setdefault(key, []).append(citation.source)
    for key, sources in sources_by_fact.items():
        fact = facts[key]
        value = getattr(fact, FACT_DATES[Citation.target_field_for(fact)])
        if not any(source.date_in_range(value) for source in sources):
            slugs = ", ".join(sorted({source.slug for source in sources}))
            label = fact._meta.verbose_name.capitalize()
            yield f"{label} “{fact}” is dated {value}, outside the dates of {slugs}."
