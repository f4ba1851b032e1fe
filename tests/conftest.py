"""Builders shared by the tests: small functions that make one object with sensible defaults."""

import itertools
import json
import re
from datetime import date
from html import unescape

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from pledges.models import (
    Citation,
    HeadlineCount,
    Meeting,
    Member,
    Membership,
    Pledge,
    PledgeParty,
    PledgeType,
    ReviewEntry,
    Source,
    SourcePart,
)
from pledges.tallies import recount_members, recount_sources

_counter = itertools.count(1)


# The sentences of SOURCE_TEXT, each of which speaks of security help (see pledges.ledger.VOCABULARY).
SOURCE_SENTENCES = (
    "Germany is prepared to pay for two Patriot systems for Ukraine.",
    "The Coalition of the Willing now includes 35 countries – 26 ready to provide real security guarantees.",
    "Italy does not plan to participate in a peacekeeping force on the ground.",
)
SOURCE_TEXT = " ".join(SOURCE_SENTENCES)


@pytest.fixture(autouse=True)
def _downloads_in_a_temporary_folder(settings, tmp_path):
    """Built downloads and exports go to the test's own folder, never the project's."""
    settings.DOWNLOADS_DIR = tmp_path / "downloads"


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request under /uk/ leaves Ukrainian active in its thread (streamed answers are written after the
    middleware returns, in the language of their page); each test starts, and ends, in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache, so cached pages never leak between tests."""
    cache.clear()
    yield
    cache.clear()


def text_of(response) -> str:
    """The visible text of a page, tags removed and white space collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def body_of(response) -> bytes:
    """A response's body, whether it was sent at once or streamed (large exports are)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def json_of(response):
    return json.loads(body_of(response))


def pledge_ids(response) -> set[int]:
    """The pledges a list page shows, read from the links in its table."""
    table = response.content.decode().split('<table class="pledges">', 1)
    if len(table) < 2:
        return set()
    return {int(pk) for pk in re.findall(r'href="/pledges/(\d+)/"', table[1].split("</table>")[0])}


def make_source(**overrides) -> Source:
    n = next(_counter)
    fields = {
        "slug": f"source-{n}",
        "title": f"Source {n}",
        "kind": Source.Kind.NEWS_ARTICLE,
        "text": SOURCE_TEXT,
        "published_on": date(2025, 9, 5),
    }
    fields.update(overrides)
    return Source.objects.create(**fields)


def make_part(source: Source, **overrides) -> SourcePart:
    """A piece of a source, starting at `starts_with`, numbered after the source's other parts."""
    fields = {
        "position": source.parts.count() + 1,
        "title": f"Part of {source.slug}",
        "starts_with": "Germany is prepared",
        "dated_on": date(2025, 7, 10),
        "dated_precision": "day",
    }
    fields.update(overrides)
    return SourcePart.objects.create(source=source, **fields)


def make_review_entry(source: Source, passage: str, facts=(), **overrides) -> ReviewEntry:
    """One entry of a source's review ledger: a passage with the facts it supports, or a reason."""
    fields = {"position": source.review_entries.count() + 1, "passage": passage, "facts": list(facts)}
    if not facts:
        fields.update(reason=ReviewEntry.Reason.TOO_VAGUE, why="Names no kind of help.")
    fields.update(overrides)
    return ReviewEntry.objects.create(source=source, **fields)


def make_ledger(source: Source, *facts: str) -> list[ReviewEntry]:
    """A review ledger accounting for every sentence of SOURCE_TEXT: the first supports `facts`
    ("pledge:<ref>"), the others were not recorded."""
    return [
        make_review_entry(source, SOURCE_SENTENCES[0], facts=facts),
        *(make_review_entry(source, sentence) for sentence in SOURCE_SENTENCES[1:]),
    ]


def make_member(**overrides) -> Member:
    n = next(_counter)
    fields = {
        "slug": f"member-{n}",
        "name": f"Member {n}",
        "name_uk": f"Учасник {n}",
        "kind": Member.Kind.COUNTRY,
        "country": "FR",
    }
    fields.update(overrides)
    return Member.objects.create(**fields)


def make_type(**overrides) -> PledgeType:
    n = next(_counter)
    fields = {"slug": f"type-{n}", "name": f"Type {n}", "name_uk": f"Тип {n}", "order": n}
    fields.update(overrides)
    return PledgeType.objects.create(**fields)


def make_citation(target=None, **overrides) -> Citation:
    fields = {
        "quote": "Germany is prepared to pay for two Patriot systems for Ukraine.",
        "locator": "Paragraph 1",
    }
    fields.update(overrides)
    if "source" not in fields:
        fields["source"] = make_source()
    if target is not None:
        fields[Citation.target_field_for(target)] = target
    return Citation.objects.create(**fields)


def make_pledge(cited: bool = True, **overrides) -> Pledge:
    """A published pledge with one citation, unless told otherwise."""
    fields = {
        "status": "committed",
        "summary": "Prepared to pay for two Patriot systems.",
        "summary_uk": "Готова оплатити дві системи Patriot.",
        "announced_on": date(2025, 7, 10),
        "announced_precision": "day",
        "is_published": True,
    }
    citation_source = overrides.pop("citation_source", None)
    members = overrides.pop("members", None) or [overrides.pop("member", None) or make_member()]
    fields.update(overrides)
    if "pledge_type" not in fields:
        fields["pledge_type"] = make_type()
    pledge = Pledge.objects.create(**fields)
    PledgeParty.objects.bulk_create(
        PledgeParty(pledge=pledge, member=member, position=n) for n, member in enumerate(members)
    )
    recount_members(member.pk for member in members)  # a bulk insert sends no signal
    if cited:
        make_citation(pledge, source=citation_source or make_source())
    return pledge


def make_membership(member=None, **overrides) -> Membership:
    fields = {"role": Membership.Role.COALITION_MEMBER}
    fields.update(overrides)
    membership = Membership.objects.create(member=member or make_member(), **fields)
    make_citation(membership)
    return membership


def make_meeting(**overrides) -> Meeting:
    n = next(_counter)
    fields = {
        "slug": f"meeting-{n}",
        "title": f"Meeting {n}",
        "held_on": date(2025, 9, 4),
        "held_precision": "day",
        "place": "Paris",
    }
    fields.update(overrides)
    meeting = Meeting.objects.create(**fields)
    make_citation(meeting)
    return meeting


def make_count(**overrides) -> HeadlineCount:
    n = next(_counter)
    fields = {
        "slug": f"count-{n}",
        "number": 35,
        "counts": "countries in the Coalition of the Willing",
        "counts_uk": "країн у «Коаліції охочих»",
        "kind": HeadlineCount.Kind.COALITION_MEMBERS,
        "as_of": date(2025, 9, 4),
        "as_of_precision": "day",
    }
    fields.update(overrides)
    count = HeadlineCount.objects.create(**fields)
    make_citation(count, quote="The Coalition of the Willing now includes 35 countries")
    return count


def make_many_pledges(count: int, members: int = 5, types: int = 4, joint: bool = False) -> list[Pledge]:
    """Many published, cited pledges spread over a few members and types, built in bulk; with `joint`,
    every other pledge has the next member as a second party."""
    member_objs = [make_member() for _ in range(members)]
    type_objs = [make_type() for _ in range(types)]
    source = make_source()
    statuses = ["proposed", "willing", "committed", "delivered", "ruled-out"]
    pledges = Pledge.objects.bulk_create(
        Pledge(
            pledge_type=type_objs[i % types],
            ref=f"bulk-{next(_counter)}-{i}",
            status=statuses[i % len(statuses)],
            summary=f"Bulk pledge {i}",
            announced_on=date(2025, 1 + i % 12, 1 + i % 28),
            announced_precision="day",
            is_published=True,
        )
        for i in range(count)
    )
    PledgeParty.objects.bulk_create(
        PledgeParty(pledge=p, member=member_objs[i % members], position=0) for i, p in enumerate(pledges)
    )
    if joint and members > 1:
        PledgeParty.objects.bulk_create(
            PledgeParty(pledge=p, member=member_objs[(i + 1) % members], position=1)
            for i, p in enumerate(pledges)
            if i % 2
        )
    Citation.objects.bulk_create(
        Citation(source=source, pledge=p, ref=f"bulk-citation-{p.ref}", quote="Germany is prepared to pay")
        for p in pledges
    )
    recount_members(member.pk for member in member_objs)  # bulk inserts send no signal
    recount_sources([source.pk])
    return pledges
