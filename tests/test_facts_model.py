"""The facts model as a reader meets it: joint pledges, qualified numbers, stances apart from offers, the
parts of a source and their dates, and the review ledgers that account for every passage."""

import io
import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges.models import Citation, Pledge, ReviewEntry
from tests.conftest import (
    SOURCE_SENTENCES,
    SOURCE_TEXT,
    json_of,
    make_count,
    make_many_pledges,
    make_member,
    make_part,
    make_pledge,
    make_review_entry,
    make_source,
    make_type,
    pledge_ids,
    text_of,
)

pytestmark = pytest.mark.django_db

PATRIOTS, COALITION, ITALY = SOURCE_SENTENCES


def row_of(html: str, name: str) -> str:
    """The matrix row of the member with this name."""
    found = re.search(rf">{re.escape(name)}</a>.*?</tr>", html, re.S)
    assert found, f"no matrix row for {name}"
    return found.group(0)


def table_rows(response) -> int:
    """How many rows the pledge table of a list page has."""
    table = response.content.decode().split('<table class="pledges">', 1)[1].split("</table>")[0]
    return len(re.findall(r"<tr\b", table.split("<tbody>", 1)[1]))


# --- Joint pledges ---------------------------------------------------------------------------------


@pytest.fixture
def joint(db):
    """A pledge the United Kingdom leads jointly with France, and one France makes alone."""
    uk = make_member(name="United Kingdom", slug="united-kingdom", country="GB", region="western-europe")
    france = make_member(name="France", slug="france", country="FR", region="western-europe")
    troops = make_type(name="Troops", slug="troops")
    pledge = make_pledge(
        members=[uk, france],
        pledge_type=troops,
        status="committed",
        summary="Will lead a reassurance force together.",
    )
    alone = make_pledge(member=france, pledge_type=troops, status="proposed", summary="Might add a brigade.")
    return SimpleNamespace(uk=uk, france=france, troops=troops, pledge=pledge, alone=alone)


def test_a_joint_pledge_keeps_its_parties_lead_first(joint):
    pledge = Pledge.objects.get(pk=joint.pledge.pk)
    assert pledge.party_members == [joint.uk, joint.france]
    assert (pledge.lead, pledge.member) == (joint.uk, joint.uk)
    assert pledge.is_joint and not joint.alone.is_joint
    assert pledge.parties_display == "United Kingdom, France"
    assert pledge.partners_of(joint.france) == [joint.uk]
    assert set(Pledge.objects.by_party(joint.france)) == {joint.pledge, joint.alone}
    assert list(Pledge.objects.by_party(joint.uk)) == [joint.pledge]


def test_a_joint_pledge_is_on_each_partys_page_jointly_with_the_other(client, joint):
    for member, other in ((joint.uk, joint.france), (joint.france, joint.uk)):
        response = client.get(member.get_absolute_url())
        text = text_of(response)
        assert response.status_code == 200
        assert "Will lead a reassurance force together." in text
        assert re.search(rf"jointly with {other.name}", text, re.I), member
        assert not re.search(rf"jointly with {member.name}", text, re.I), member
        assert f'href="{other.get_absolute_url()}"' in response.content.decode()
    assert "Might add a brigade." in text_of(client.get(joint.france.get_absolute_url()))
    assert "Might add a brigade." not in text_of(client.get(joint.uk.get_absolute_url()))


def test_a_joint_pledge_counts_once_for_each_party_in_the_matrix(client, joint):
    for url in ("/", "/members/"):
        html = client.get(url).content.decode()
        uk_row, france_row = row_of(html, "United Kingdom"), row_of(html, "France")
        assert "United Kingdom, Troops: Committed" in uk_row
        assert "United Kingdom, Troops: Committed, " not in uk_row, url  # one pledge, no count
        assert "France, Troops: Committed, 2 pledges" in france_row, url
    # The overview counts the pledge once among the offers, not once per party.
    assert re.search(r"\b2 offers\b", text_of(client.get("/")))


def test_member_facet_counts_count_a_joint_pledge_for_each_party_and_the_list_shows_it_once(client, joint):
    response = client.get("/pledges/")
    html = response.content.decode()
    assert re.search(r'value="united-kingdom"> United Kingdom <span class="facet-count">\(1\)', html)
    assert re.search(r'value="france"> France <span class="facet-count">\(2\)', html)
    # Both parties are in western Europe: the region counts each pledge once.
    assert re.search(r'value="western-europe"[^>]*>[^<]*Western Europe[^<(]*\(2\)', html)
    assert pledge_ids(response) == {joint.pledge.pk, joint.alone.pk}
    assert table_rows(response) == 2
    assert re.search(r"\b2 pledges\b", text_of(response))


def test_either_party_finds_a_joint_pledge_with_the_member_filter(client, joint):
    make_pledge(member=make_member(slug="italy", name="Italy", country="IT"), pledge_type=joint.troops)
    assert pledge_ids(client.get("/pledges/?member=united-kingdom")) == {joint.pledge.pk}
    assert pledge_ids(client.get("/pledges/?member=france")) == {joint.pledge.pk, joint.alone.pk}
    both = client.get("/pledges/?member=france&member=united-kingdom")
    assert pledge_ids(both) == {joint.pledge.pk, joint.alone.pk}
    assert table_rows(both) == 2  # chosen through two parties, still one row
    exported = json_of(client.get("/pledges/?member=france&member=united-kingdom&format=json"))
    assert sorted(row["id"] for row in exported["results"]) == sorted([joint.pledge.pk, joint.alone.pk])


def test_a_joint_pledge_is_on_each_partys_type_page_once(client, joint):
    text = text_of(client.get("/types/troops/"))
    # Each party once, under its strongest offer; France with both its pledges.
    assert re.search(r"Committed (France \(2\)\s*,\s*United Kingdom|United Kingdom\s*,\s*France \(2\))", text)
    assert re.search(r"\b2 offers\b", text)


# --- Qualified numbers -----------------------------------------------------------------------------


def test_qualified_numbers_read_as_the_text_words_them(client, db):
    pledge = make_pledge(
        quantity=Decimal("10000"),
        quantity_qualifier="about",
        quantity_unit="troops",
        amount=Decimal("156000000"),
        amount_qualifier="over",
        currency="USD",
    )
    exact = make_pledge(amount=Decimal("5000000"), currency="EUR")
    assert (pledge.quantity_display, pledge.amount_display) == ("about 10,000 troops", "over 156,000,000 USD")
    assert exact.amount_display == "5,000,000 EUR"

    text = text_of(client.get(pledge.get_absolute_url()))
    assert "about 10,000 troops" in text
    assert "over 156,000,000 USD" in text
    listed = text_of(client.get("/pledges/"))
    assert "over 156,000,000 USD" in listed and "5,000,000 EUR" in listed
    assert "exactly" not in listed


@pytest.mark.parametrize(
    ("qualifier", "shown"),
    [
        ("exact", "35"),
        ("about", "about 35"),
        ("over", "over 35"),
        ("at-least", "at least 35"),
        ("up-to", "up to 35"),
    ],
)
def test_a_headline_count_reads_with_its_qualifier(client, db, qualifier, shown):
    make_count(number=35, qualifier=qualifier, counts="countries in the Coalition of the Willing")
    text = text_of(client.get("/"))
    assert f"{shown} countries in the Coalition of the Willing" in text
    if qualifier == "exact":
        assert not re.search(r"(about|over|at least|up to|exactly) 35 countries", text)


# --- Stances ---------------------------------------------------------------------------------------


@pytest.fixture
def stances(db):
    troops = make_type(name="Troops", slug="troops")
    france = make_member(name="France", slug="france")
    spain = make_member(name="Spain", slug="spain", country="ES")
    poland = make_member(name="Poland", slug="poland", country="PL")
    make_pledge(member=france, pledge_type=troops, status="ruled-out", summary="Rules out combat troops.")
    make_pledge(member=france, pledge_type=troops, status="reservations", summary="Doubts about timing.")
    make_pledge(member=france, pledge_type=troops, status="proposed", summary="Proposes a training mission.")
    make_pledge(member=spain, pledge_type=troops, status="ruled-out", summary="Will not send soldiers.")
    make_pledge(member=poland, pledge_type=troops, status="not-offered", summary="Has not offered troops.")
    make_pledge(member=poland, pledge_type=troops, status="reservations", summary="Too early to say.")
    return SimpleNamespace(troops=troops, france=france, spain=spain, poland=poland)


def test_stances_are_shown_but_never_counted_as_offers(client, stances):
    overview = text_of(client.get("/"))
    assert re.search(r"\b1 offers?\b", overview)
    assert re.search(r"\b5 stances\b", overview)
    type_page = text_of(client.get("/types/troops/"))
    assert re.search(r"\b1 offers?\b", type_page) and re.search(r"\b5 stances\b", type_page)
    # Shown all the same, each with its own words.
    for summary in ("Rules out combat troops.", "Will not send soldiers.", "Has not offered troops."):
        assert summary in type_page
    assert "Rules out combat troops." in text_of(client.get(stances.france.get_absolute_url()))


def test_an_offer_outranks_any_stance_and_a_refusal_alone_shows_the_refusal(client, stances):
    html = client.get("/").content.decode()
    france, spain, poland = row_of(html, "France"), row_of(html, "Spain"), row_of(html, "Poland")
    assert "France, Troops: Proposed" in france and "status-proposed" in france
    assert "status-ruled-out" not in france and "status-reservations" not in france
    assert "Spain, Troops: Ruled out" in spain and "status-ruled-out" in spain
    # Among stances, reservations outrank "not offered".
    assert "Poland, Troops: Reservations" in poland
    # The map colours by the same strongest status.
    assert "<title>France: proposed</title>" in html
    assert "<title>Spain: ruled out</title>" in html
    assert "<title>Poland: reservations</title>" in html


def test_the_type_page_lists_only_members_with_an_offer_among_the_offers(client, stances):
    text = text_of(client.get("/types/troops/"))
    # "Who offers it": France alone, under its proposal; the stances are listed apart, each member
    # under every stance it took.
    assert re.search(r"Proposed France\b", text)
    assert not re.search(r"\b(Spain|Poland)\b", text.split("Who offers it")[1].split("Who ruled it out")[0])
    assert re.search(r"Ruled out (France\s*,\s*Spain|Spain\s*,\s*France)", text)
    assert re.search(r"Reservations (France\s*,\s*Poland|Poland\s*,\s*France)", text)
    assert re.search(r"Not offered Poland", text)


# --- Parts of a source -----------------------------------------------------------------------------


@pytest.fixture
def parted(db):
    """A source that joins two dated threads; the pledge quotes the second."""
    source = make_source(slug="threads", title="Statement threads", published_on=None)
    morning = make_part(source, title="Thread of 10 July", starts_with="Germany is prepared")
    evening = make_part(
        source,
        title="Thread of 4 September",
        starts_with="The Coalition of the Willing",
        dated_on=date(2025, 9, 4),
    )
    pledge = make_pledge(cited=False, announced_on=None, announced_precision="unknown")
    citation = Citation.objects.create(
        source=source, pledge=pledge, quote="The Coalition of the Willing now includes 35 countries"
    )
    return SimpleNamespace(source=source, morning=morning, evening=evening, pledge=pledge, citation=citation)


def test_a_citations_part_is_the_one_its_quote_occurs_in(parted):
    assert parted.citation.part == parted.evening
    first = Citation.objects.create(
        source=parted.source, pledge=parted.pledge, quote="prepared to pay for two"
    )
    assert first.part == parted.morning
    # Before the first part's opening words the quote is in no part.
    source = make_source(text="Preface. " + SOURCE_TEXT)
    make_part(source, starts_with="The Coalition of the Willing")
    assert Citation.objects.create(source=source, pledge=parted.pledge, quote="Preface.").part is None
    # A part chosen by the editor is kept.
    chosen = Citation.objects.create(
        source=parted.source, pledge=parted.pledge, quote="Italy does not plan", part=parted.morning
    )
    assert Citation.objects.get(pk=chosen.pk).part == parted.morning


def test_the_pledge_page_dates_a_quote_by_its_part(client, parted):
    text = text_of(client.get(parted.pledge.get_absolute_url()))
    assert "Thread of 4 September" in text
    assert "4 September 2025" in text
    assert "10 July 2025" not in text


def test_a_part_of_another_source_is_refused(parted):
    other = make_source(slug="other", text="")
    elsewhere = make_part(other, title="Elsewhere")
    citation = Citation(
        source=parted.source, pledge=parted.pledge, quote="Italy does not plan", part=elsewhere
    )
    with pytest.raises(ValidationError, match="This part belongs to another source"):
        citation.full_clean()


# --- Review ledgers and validate_data --------------------------------------------------------------


def validate() -> str:
    """What validate_data says about the database; CommandError when it finds a problem."""
    err = io.StringIO()
    try:
        call_command("validate_data", stdout=io.StringIO(), stderr=err)
    except CommandError:
        raise CommandError(err.getvalue()) from None
    return err.getvalue()


@pytest.fixture
def reviewed(db):
    """A source whose ledger accounts for each of its sentences: sound data for validate_data."""
    source = make_source(slug="reviewed", title="Reviewed article")
    pledge = make_pledge(citation_source=source)
    recorded = make_review_entry(source, PATRIOTS, facts=[f"pledge:{pledge.ref}"])
    count = make_review_entry(
        source, COALITION, reason="same-fact", why="The headline count records it from the summit."
    )
    italy = make_review_entry(
        source, ITALY, reason="out-of-scope", why="Only what the source reports Italy will do is recorded."
    )
    validate()  # sound to begin with, so each test below breaks exactly one thing
    return SimpleNamespace(source=source, pledge=pledge, recorded=recorded, count=count, italy=italy)


def test_validate_data_fails_when_a_sentence_about_security_help_is_in_no_ledger_entry(reviewed):
    reviewed.italy.delete()
    with pytest.raises(CommandError) as failed:
        validate()
    message = str(failed.value)
    assert "Ledger reviewed does not account for" in message
    assert ITALY in message
    assert PATRIOTS not in message and COALITION not in message


def test_validate_data_fails_when_a_ledger_entry_names_a_fact_that_does_not_exist(reviewed):
    ReviewEntry.objects.filter(pk=reviewed.recorded.pk).update(facts=["pledge:no-such-pledge"])
    with pytest.raises(CommandError) as failed:
        validate()
    assert "'pledge:no-such-pledge'" in str(failed.value)
    assert "does not exist" in str(failed.value)


def test_validate_data_fails_on_a_source_with_text_and_no_ledger(reviewed):
    ReviewEntry.objects.filter(source=reviewed.source).delete()
    with pytest.raises(CommandError, match="Source reviewed has no review ledger"):
        validate()


def test_validate_data_fails_on_a_citation_in_a_part_of_another_source(reviewed):
    other = make_source(slug="other", text="")
    elsewhere = make_part(other, title="Elsewhere")
    Citation.objects.create(
        source=reviewed.source, pledge=reviewed.pledge, quote="Germany is prepared to pay"
    )
    Citation.objects.filter(pledge=reviewed.pledge, quote="Germany is prepared to pay").update(part=elsewhere)
    with pytest.raises(CommandError) as failed:
        validate()
    assert "its part belongs to another source" in str(failed.value)


def test_validate_data_fails_on_a_pledge_without_a_party(reviewed):
    reviewed.pledge.parties.all().delete()
    with pytest.raises(CommandError, match=f"Pledge {reviewed.pledge.ref} has no party"):
        validate()


def test_the_source_page_lists_what_was_not_recorded_and_why(client, reviewed):
    html = client.get(reviewed.source.get_absolute_url()).content.decode()
    assert 'id="not-recorded"' in html
    section = html.split('id="not-recorded"', 1)[1].split("</section>", 1)[0]
    text = text_of(SimpleNamespace(content=section.encode()))
    assert COALITION in text and "The same fact as another passage" in text
    assert "The headline count records it from the summit." in text
    assert ITALY in text and "Outside the tracker’s scope" in text
    assert PATRIOTS not in text  # recorded, so not listed here


# --- Query counts with joint pledges ----------------------------------------------------------------


def build_joint(rows: int) -> dict:
    """`rows` pledges, every other one joint, over members and types a tenth as many."""
    pledges = make_many_pledges(rows, members=max(3, rows // 10), types=3, joint=True)
    joint = Pledge.objects.get(pk=pledges[1].pk)
    assert joint.is_joint
    return {"member": joint.lead.slug, "partner": joint.party_members[1].slug, "type": joint.pledge_type.slug}


PAGES_WITH_JOINT_PLEDGES = {
    # the data version (page cache) for each, then:
    # the total; four facet counts; types and members options; the count, the page, its parties, its
    # citations; the data's date
    "pledges:pledge_list": ((), 13),
    # the member; its roles; the types; its pledges summed up (counts by type and status, the
    # strongest and the latest few of each type, all its pledge ids, those pledges, their parties, their
    # citations); the groups within it; the meetings it hosted; its matrix row; the data's date
    # One more than before releases: the newest release, which the embed panel pins (and "Cite this").
    "pledges:member_detail": (("member",), 16),
    # the member; the types; its pledges summed up (counts by type and status, the strongest and the
    # latest few of each type, those pledges, their parties, their citations); the data's date
    "pledges:member_embed": (("partner",), 10),
    # the count, the page, parties with members, citations with sources and parts
    "pledges:api:pledge_list": ((), 5),
    # a count for the paging; the page's pledges with type; their parties with members; their history
    "pledges:feed_pledges": ((), 5),
    # the member; then as above
    "pledges:feed_member": (("partner",), 6),
    # the type; then as above
    "pledges:feed_type": (("type",), 6),
}


@pytest.mark.parametrize("name", PAGES_WITH_JOINT_PLEDGES)
def test_query_counts_stay_flat_with_joint_pledges(client, db, settings, name):
    settings.PAGE_CACHE_SECONDS = 0
    args, expected = PAGES_WITH_JOINT_PLEDGES[name]
    counts = []
    for rows in (6, 120):
        Pledge.objects.all().delete()
        keys = build_joint(rows)
        url = reverse(name, args=[keys[arg] for arg in args])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(queries))
    assert counts == [expected, expected], f"{name}: {counts[0]} queries with 6 rows, {counts[1]} with 120"
