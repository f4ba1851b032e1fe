"""Builders shared by the tests: small functions that make one object with sensible defaults."""

import itertools
from datetime import date

import pytest
from django.core.cache import cache

from pledges.models import (
    Citation,
    HeadlineCount,
    Meeting,
    Member,
    Membership,
    Pledge,
    PledgeParty,
    PledgeType,
    Source,
)

_counter = itertools.count(1)

SOURCE_TEXT = (
    "Germany is prepared to pay for two Patriot systems for Ukraine. "
    "The Coalition of the Willing now includes 35 countries – 26 ready to provide real security guarantees. "
    "Italy does not plan to participate in a peacekeeping force on the ground."
)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache, so cached pages never leak between tests."""
    cache.clear()
    yield
    cache.clear()


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


def make_member(**overrides) -> Member:
    n = next(_counter)
    fields = {"slug": f"member-{n}", "name": f"Member {n}", "kind": Member.Kind.COUNTRY, "country": "FR"}
    fields.update(overrides)
    return Member.objects.create(**fields)


def make_type(**overrides) -> PledgeType:
    n = next(_counter)
    fields = {"slug": f"type-{n}", "name": f"Type {n}", "order": n}
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
        "kind": HeadlineCount.Kind.COALITION_MEMBERS,
        "as_of": date(2025, 9, 4),
        "as_of_precision": "day",
    }
    fields.update(overrides)
    count = HeadlineCount.objects.create(**fields)
    make_citation(count, quote="The Coalition of the Willing now includes 35 countries")
    return count


def make_many_pledges(count: int, members: int = 5, types: int = 4) -> list[Pledge]:
    """Many published, cited pledges spread over a few members and types, built in bulk."""
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
    Citation.objects.bulk_create(
        Citation(source=source, pledge=p, ref=f"bulk-citation-{p.ref}", quote="Germany is prepared to pay")
        for p in pledges
    )
    return pledges
