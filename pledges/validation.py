"""Checks that the whole database keeps the tracker's promises; used by `manage.py validate_data`."""

from collections.abc import Iterator

from django.db import models
from django.db.models import Count, Q

from pledges.ledger import Entry, Ledger, coverage_problems
from pledges.models import (
    Citation,
    HeadlineCount,
    Meeting,
    Member,
    Membership,
    Pledge,
    PledgeType,
    ReviewEntry,
    Source,
    normalise_whitespace,
    part_starts,
)

# The date each kind of fact carries, checked against the dates its sources cover.
FACT_DATES = {
    "pledge": "announced_on",
    "membership": "since",
    "meeting": "held_on",
    "headline_count": "as_of",
}


def find_problems() -> list[str]:
    """Every problem found, as readable sentences; an empty list means the data is sound."""
    return [
        *quote_problems(),
        *uncited_problems(),
        *member_problems(),
        *party_problems(),
        *date_problems(),
        *part_problems(),
        *ledger_problems(),
        *tally_problems(),
        *translation_problems(),
        *release_problems(),
    ]


def release_problems() -> Iterator[str]:
    """Every release row still holds what it was written with (its digest), and every release is
    numbered from 1 without a gap: a release is never changed, so any difference is damage."""
    from pledges.models import Release, ReleaseRow
    from pledges.releases import digest

    numbers = list(Release.objects.order_by("number").values_list("number", flat=True))
    if numbers != list(range(1, len(numbers) + 1)):
        yield f"Releases are not numbered 1 to {len(numbers)} without a gap: {numbers}."
    rows = ReleaseRow.objects.filter(withdrawn=False).values_list(
        "release_id", "model", "object_id", "data", "digest"
    )
    for number, model, pk, data, stored in rows.iterator(2000):
        if digest(data) != stored:
            yield f"Release {number}: the row {model} {pk} no longer matches its digest."


def translation_problems() -> Iterator[str]:
    """Every published fact has its Ukrainian text: a pledge its summary, a member and a type their
    names, a headline count what it counts. Elsewhere a missing translation falls back to the English,
    marked; these are the texts a Ukrainian page may not show in English."""
    for pledge in Pledge.objects.published().filter(summary_uk="").order_by("ref"):
        yield f"Pledge {pledge.ref} is published without a Ukrainian summary (summary_uk)."
    for member in Member.objects.filter(name_uk="").order_by("slug"):
        yield f"Member {member.slug} has no Ukrainian name (name_uk)."
    for pledge_type in PledgeType.objects.filter(name_uk="").order_by("slug"):
        yield f"Pledge type {pledge_type.slug} has no Ukrainian name (name_uk)."
    for count in HeadlineCount.objects.filter(is_published=True, counts_uk="").order_by("slug"):
        yield f"Count {count.slug} is published without saying in Ukrainian what it counts (counts_uk)."


def tally_problems() -> Iterator[str]:
    """The counts kept ready for the pages must match a count made afresh."""
    from pledges.tallies import differences

    for difference in differences():
        yield f"Tallies: {difference} (run `manage.py recount`)"


def party_problems() -> Iterator[str]:
    for pledge in Pledge.objects.filter(parties=None):
        yield f"Pledge {pledge.ref} has no party: name at least one member."


def part_problems() -> Iterator[str]:
    """A part whose opening words are not in its source, a citation placed in another source's part."""
    for source in Source.objects.filter(parts__isnull=False).distinct().prefetch_related("parts"):
        placed = {part.pk for part, _ in part_starts(normalise_whitespace(source.text), source.parts.all())}
        for part in source.parts.all():
            if source.text and part.pk not in placed:
                yield f"Part {part.position} of {source.slug}: opening words not found in the text, in order."
    wrong = Citation.objects.filter(part__isnull=False).exclude(part__source=models.F("source"))
    for citation in wrong:
        yield f"Citation {citation.pk}: its part belongs to another source than its quote."


def fact_keys() -> set[str]:
    """Every fact a ledger may name, as "pledge:<ref>", "role:<ref>", "meeting:<slug>", "count:<slug>"."""
    return (
        {f"pledge:{ref}" for ref in Pledge.objects.values_list("ref", flat=True)}
        | {f"role:{ref}" for ref in Membership.objects.values_list("ref", flat=True)}
        | {f"meeting:{slug}" for slug in Meeting.objects.values_list("slug", flat=True)}
        | {f"count:{slug}" for slug in HeadlineCount.objects.values_list("slug", flat=True)}
    )


def ledger_problems() -> Iterator[str]:
    """Each source with text has a review ledger that accounts for every sentence about security help,
    and names only facts that exist."""
    entries: dict[int, list[ReviewEntry]] = {}
    for entry in ReviewEntry.objects.order_by("source_id", "position"):
        entries.setdefault(entry.source_id, []).append(entry)
    facts = fact_keys()
    for source in Source.objects.exclude(text="").order_by("slug"):
        rows = entries.get(source.pk)
        ledger = None
        if rows:
            ledger = Ledger(
                source=source.slug,
                entries=[
                    Entry(passage=e.passage, facts=list(e.facts), reason=e.reason, why=e.why) for e in rows
                ],
            )
        yield from coverage_problems(source.slug, source.text, ledger)
        for row in rows or []:
            for fact in row.facts:
                if fact not in facts:
                    yield f"Ledger {source.slug}, entry {row.position}: names {fact!r}, which does not exist."


def quote_problems() -> Iterator[str]:
    texts: dict[int, str] = {}
    for citation in Citation.objects.select_related("source").order_by("source__slug", "id"):
        source = citation.source
        if not normalise_whitespace(citation.quote):
            yield f"Citation {citation.pk} ({source.slug}): the quote is empty."
            continue
        if not source.text:
            if citation.target is not None and getattr(citation.target, "is_published", False):
                yield (
                    f"Citation {citation.pk} ({source.slug}) backs a published fact, but its source has no "
                    "archived text: nobody can check the quote."
                )
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
