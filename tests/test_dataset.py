"""The shipped dataset: it loads, reloads without duplicates, and every fact is backed by a real quote."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from pledges.dataset import build_fixture, fixture_path
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
    normalise_whitespace,
)
from tests.conftest import make_pledge

pytestmark = pytest.mark.django_db

MODELS = (
    Source,
    SourcePart,
    ReviewEntry,
    Member,
    Membership,
    PledgeType,
    Pledge,
    PledgeParty,
    Meeting,
    HeadlineCount,
    Citation,
)


def load() -> str:
    out = io.StringIO()
    call_command("load_dataset", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_fixture_is_built_from_the_curated_files_and_up_to_date():
    on_disk = json.loads(fixture_path().read_text(encoding="utf-8"))
    assert on_disk == build_fixture()
    call_command("build_fixtures", "--check", stdout=io.StringIO())


def test_the_dataset_loads_and_passes_validation():
    load()
    out = io.StringIO()
    call_command("validate_data", stdout=out)
    assert "no problems" in out.getvalue()
    assert Source.objects.count() == 5
    assert Pledge.objects.published().count() >= 30
    assert (
        PledgeType.objects.filter(
            slug__in=[
                "troops",
                "air-policing",
                "maritime-security",
                "air-defence",
                "funding",
                "sanctions",
                "training",
            ]
        ).count()
        == 7
    )


def test_loading_twice_creates_no_duplicates():
    load()
    first = counts()
    load()
    assert counts() == first
    assert all(first.values()), first


def test_every_shipped_pledge_has_its_parties_lead_first():
    load()
    assert not Pledge.objects.filter(parties=None).exists()
    leads = PledgeParty.objects.order_by("pledge_id", "position", "pk")
    first = {}
    for party in leads:
        first.setdefault(party.pledge_id, party.position)
    assert set(first.values()) == {0}, "each pledge's lead is at position 0"
    assert PledgeParty.objects.count() >= Pledge.objects.count()


def test_every_source_with_text_has_its_review_ledger():
    load()
    for source in Source.objects.exclude(text=""):
        assert source.review_entries.exists(), source.slug
        for entry in source.review_entries.all():
            assert normalise_whitespace(entry.passage) in normalise_whitespace(source.text), entry


def test_loading_into_a_database_with_data_keeps_that_data():
    existing = make_pledge(summary="An editor's pledge added before the dataset was loaded.")
    load()
    load()
    assert Pledge.objects.filter(pk=existing.pk, summary__startswith="An editor's pledge").exists()


def test_every_published_fact_has_a_verbatim_quote_of_reasonable_length():
    load()
    for model in (Pledge, Membership, Meeting, HeadlineCount):
        uncited = model.objects.filter(is_published=True).annotate(n=Count("citations")).filter(n=0)
        assert not uncited.exists(), f"{model.__name__} without citation: {list(uncited)}"
    for citation in Citation.objects.select_related("source"):
        assert 20 <= len(citation.quote) <= 300, citation.quote
        assert normalise_whitespace(citation.quote) in normalise_whitespace(citation.source.text)


def test_the_archived_texts_are_the_documents_themselves():
    load()
    for source in Source.objects.all():
        assert len(source.text) > 1000
        assert source.url == "", "no document gives a URL, so none is recorded"


def test_the_headline_counts_are_sourced_and_members_are_not_padded():
    load()
    numbers = set(HeadlineCount.objects.values_list("number", flat=True))
    assert {35, 26} <= numbers
    # Members of the coalition are the countries and organisations the sources name; the coalition
    # itself, Europe as a bloc and unnamed groups are actors too, but not members to count.
    named = Member.objects.filter(kind__in=[Member.Kind.COUNTRY, Member.Kind.ORGANISATION])
    assert 0 < named.count() < 35, "the sources name fewer members than the coalition has"
    assert Member.objects.filter(kind=Member.Kind.COALITION).count() <= 1
    for member in named:
        has_fact = member.pledges.exists() or member.memberships.exists() or member.hosted_meetings.exists()
        assert has_fact, f"{member} is listed without any sourced fact"


def test_validate_data_fails_on_a_broken_quote():
    load()
    citation = Citation.objects.first()
    Citation.objects.filter(pk=citation.pk).update(quote=citation.quote + " and something nobody said")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("validate_data", stdout=io.StringIO(), stderr=err)
    assert f"Citation {citation.pk}" in err.getvalue()
    assert "quote not in the source" in err.getvalue()


def test_validate_data_fails_on_an_uncited_fact():
    load()
    pledge = Pledge.objects.published().first()
    pledge.citations.all().delete()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("validate_data", stdout=io.StringIO(), stderr=err)
    assert "published without a citation" in err.getvalue()
    assert str(pledge.pk) in err.getvalue()


def test_validate_data_fails_on_a_date_outside_the_dates_its_sources_cover():
    load()
    pledge = (
        Pledge.objects.published()
        .exclude(announced_on=None)
        .filter(citations__source__covers_from__isnull=False)
        .first()
    )
    Pledge.objects.filter(pk=pledge.pk).update(announced_on="1999-01-01")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("validate_data", stdout=io.StringIO(), stderr=err)
    assert "outside the dates" in err.getvalue()
