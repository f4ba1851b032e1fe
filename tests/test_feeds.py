"""Atom feeds of new and changed pledges: the whole tracker, one member, one pledge type."""

import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import feedparser
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from pledges.feeds import PAGE_SIZE
from pledges.models import Pledge
from tests.conftest import make_member, make_pledge, make_type

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def titles(response) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in entries(response)]


def touch(pledge: Pledge, days_ago: int) -> datetime:
    """Date a pledge's last change `days_ago` days before 1 November 2026: its row (bypassing auto_now)
    and its history alike, as a save on that day would have."""
    moment = datetime(2026, 11, 1, 12, tzinfo=UTC) - timedelta(days=days_ago)
    Pledge.objects.filter(pk=pledge.pk).update(updated_at=moment)
    Pledge.history.filter(id=pledge.pk).update(history_date=moment)
    return moment


@pytest.fixture
def pledges():
    france, italy = make_member(name="France", slug="france"), make_member(name="Italy", slug="italy")
    troops = make_type(name="Troops", slug="troops")
    air = make_type(name="Air policing", slug="air-policing")
    made = {
        "france_troops": make_pledge(member=france, pledge_type=troops, status="committed", summary="A"),
        "italy_troops": make_pledge(member=italy, pledge_type=troops, status="ruled-out", summary="B"),
        "france_air": make_pledge(member=france, pledge_type=air, status="willing", summary="C"),
        "draft": make_pledge(
            member=france, pledge_type=air, status="proposed", summary="D", is_published=False
        ),
    }
    for days_ago, key in enumerate(["italy_troops", "france_troops", "draft", "france_air"]):
        touch(made[key], days_ago)
    return made


def test_the_pledges_feed_lists_published_pledges_newest_change_first(client, pledges):
    response = client.get(reverse("pledges:feed_pledges"))
    assert titles(response) == [
        "Italy: Troops — ruled out",
        "France: Troops — committed",
        "France: Air policing — willing",
    ]


def test_draft_pledges_are_not_in_any_feed(client, pledges):
    for url in (
        reverse("pledges:feed_pledges"),
        reverse("pledges:feed_member", args=["france"]),
        reverse("pledges:feed_type", args=["air-policing"]),
    ):
        assert all("proposed" not in title for title in titles(client.get(url))), url


def test_feed_entries_link_to_the_pledge_page_and_carry_the_update_date(client, pledges):
    entry = entries(client.get(reverse("pledges:feed_pledges")))[0]
    pledge = pledges["italy_troops"]
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/pledges/{pledge.pk}/"
    assert entry.findtext(f"{ATOM}updated") == "2026-11-01T12:00:00+00:00"
    assert entry.findtext(f"{ATOM}published") == "2026-11-01T12:00:00+00:00"


def test_the_member_feed_holds_only_that_members_pledges(client, pledges):
    response = client.get(reverse("pledges:feed_member", args=["france"]))
    assert titles(response) == ["France: Troops — committed", "France: Air policing — willing"]
    root = ET.fromstring(response.content)
    assert root.findtext(f"{ATOM}title").startswith("France: new and changed pledges")
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/members/france/"


def test_the_type_feed_holds_only_that_types_pledges(client, pledges):
    response = client.get(reverse("pledges:feed_type", args=["troops"]))
    assert titles(response) == ["Italy: Troops — ruled out", "France: Troops — committed"]


def test_a_joint_pledge_is_in_each_partys_feed_named_for_both(client, pledges):
    uk = make_member(name="United Kingdom", slug="united-kingdom")
    joint = make_pledge(
        members=[uk, pledges["france_troops"].lead],
        pledge_type=pledges["france_troops"].pledge_type,
        status="delivered",
        summary="E",
    )
    touch(joint, days_ago=-1)  # the latest change of all
    # Named for both parties, the lead first.
    named = re.compile(r"United Kingdom\b.+\bFrance\b.*: Troops — delivered")
    uk_feed = titles(client.get(reverse("pledges:feed_member", args=["united-kingdom"])))
    assert len(uk_feed) == 1 and named.fullmatch(uk_feed[0])
    france_feed = titles(client.get(reverse("pledges:feed_member", args=["france"])))
    assert france_feed[0] == uk_feed[0]
    assert france_feed[1:] == ["France: Troops — committed", "France: Air policing — willing"]
    # Once in the feed of all pledges, not once per party.
    everything = titles(client.get(reverse("pledges:feed_pledges")))
    assert everything.count(uk_feed[0]) == 1 and len(everything) == 4


@pytest.mark.parametrize("name", ["pledges:feed_member", "pledges:feed_type"])
def test_an_unknown_slug_is_a_404(client, db, name):
    assert client.get(reverse(name, args=["nobody"])).status_code == 404


def test_the_description_gives_summary_and_conditions_with_markup_escaped(client, db):
    make_pledge(
        member=make_member(name="<b>Bold</b> Land"),
        summary='Will send <script>alert("x")</script> & more.',
        conditions="After a <i>ceasefire</i>.",
        quantity=2,
        quantity_unit="Patriot systems",
    )
    response = client.get(reverse("pledges:feed_pledges"))
    entry = entries(response)[0]
    assert entry.findtext(f"{ATOM}title").startswith("<b>Bold</b> Land: ")  # plain text, escaped in XML
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # The HTML a feed reader renders shows the markup as text instead of running it.
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more." in summary.text
    assert "<p>Conditions: After a &lt;i&gt;ceasefire&lt;/i&gt;.</p>" in summary.text
    assert "<p>Quantity: 2 Patriot systems</p>" in summary.text
    assert "<script>" not in response.content.decode()


def test_the_first_page_holds_the_fifty_latest(client, db):
    member, kind = make_member(), make_type()
    for n in range(52):
        touch(make_pledge(member=member, pledge_type=kind, summary=f"Pledge {n}", cited=False), days_ago=n)
    found = entries(client.get(reverse("pledges:feed_pledges")))
    assert len(found) == PAGE_SIZE == 50
    assert "Pledge 0" in found[0].findtext(f"{ATOM}summary")
    assert "Pledge 49" in found[-1].findtext(f"{ATOM}summary")


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # each also reads the data version for the page cache, and counts the pledges for the paging
        ("pledges:feed_pledges", 5),  # the page's pledges with type; their parties; their history
        ("pledges:feed_member", 6),  # the member; then as above
        ("pledges:feed_type", 6),  # the type; then as above
    ],
)
def test_feed_query_count_is_flat(client, django_assert_num_queries, db, name, queries):
    member, kind = make_member(slug="m"), make_type(slug="t")
    args = {"pledges:feed_pledges": [], "pledges:feed_member": ["m"], "pledges:feed_type": ["t"]}[name]
    make_pledge(member=member, pledge_type=kind)
    with django_assert_num_queries(queries):
        assert len(entries(client.get(reverse(name, args=args)))) == 1
    for n in range(PAGE_SIZE + 20):
        make_pledge(member=member, pledge_type=kind, summary=f"Pledge {n}", cited=False)
    with django_assert_num_queries(queries):
        assert len(entries(client.get(reverse(name, args=args)))) == PAGE_SIZE
    with django_assert_num_queries(queries):
        assert len(entries(client.get(reverse(name, args=args), {"page": 2}))) == 21


# --- Dates from each pledge's history ------------------------------------------------------------------


def moment(day: int) -> datetime:
    return datetime(2026, 10, day, 9, 30, tzinfo=UTC)


def date_history(pledge: Pledge, *days: int) -> None:
    """Give a pledge's history records, oldest first, the dates of `days` (October 2026)."""
    records = Pledge.history.filter(id=pledge.pk).order_by("history_id")
    assert records.count() == len(days)
    for record, day in zip(records, days, strict=True):
        Pledge.history.filter(history_id=record.history_id).update(history_date=moment(day))


def entry_for(response, pledge: Pledge) -> ET.Element:
    wanted = f"{settings.SITE_URL}/pledges/{pledge.pk}/"
    (entry,) = [e for e in entries(response) if e.findtext(f"{ATOM}id") == wanted]
    return entry


def test_entries_are_dated_by_when_each_pledge_was_published_and_last_changed_in_public(client, db):
    france, kind = make_member(name="France", slug="france"), make_type()
    # A draft (the 1st), published (the 3rd), corrected in public (the 6th), then only an editors' note
    # changed (the 9th): published on the 3rd, updated on the 6th.
    corrected = make_pledge(member=france, pledge_type=kind, summary="Draft words.", is_published=False)
    corrected.is_published = True
    corrected.save()
    corrected.summary = "Corrected words."
    corrected.save()
    corrected.editor_note = "Checked the source again."
    corrected.save()
    date_history(corrected, 1, 3, 6, 9)
    # Published as created on the 2nd, never changed.
    untouched = make_pledge(member=france, pledge_type=kind, summary="Never changed.")
    date_history(untouched, 2)
    # Published on the 4th, withdrawn on the 5th, published again with a change on the 7th.
    again = make_pledge(member=france, pledge_type=kind, summary="Withdrawn for a while.")
    again.is_published = False
    again.save()
    again.is_published, again.status = True, "delivered"
    again.save()
    date_history(again, 4, 5, 7)

    response = client.get(reverse("pledges:feed_pledges"))
    dated = {
        name: (entry.findtext(f"{ATOM}published"), entry.findtext(f"{ATOM}updated"))
        for name, entry in (
            ("corrected", entry_for(response, corrected)),
            ("untouched", entry_for(response, untouched)),
            ("again", entry_for(response, again)),
        )
    }
    assert dated == {
        "corrected": (moment(3).isoformat(), moment(6).isoformat()),
        "untouched": (moment(2).isoformat(), moment(2).isoformat()),
        "again": (moment(4).isoformat(), moment(7).isoformat()),
    }
    # The feed is as new as its newest entry.
    root = ET.fromstring(response.content)
    assert root.findtext(f"{ATOM}updated") == moment(7).isoformat()


def test_a_pledge_without_history_is_dated_by_its_last_save(client, db):
    pledge = make_pledge()
    saved = touch(pledge, days_ago=3)
    Pledge.history.filter(id=pledge.pk).delete()
    entry = entry_for(client.get(reverse("pledges:feed_pledges")), pledge)
    assert entry.findtext(f"{ATOM}published") == entry.findtext(f"{ATOM}updated") == saved.isoformat()


def test_the_shipped_dataset_makes_valid_feeds_whose_entries_each_have_their_own_date(client, db):
    call_command("load_dataset", stdout=io.StringIO())
    pledge = Pledge.objects.published().select_related("pledge_type").first()
    for url in (
        reverse("pledges:feed_pledges"),
        reverse("pledges:feed_member", args=[pledge.lead.slug]),
        reverse("pledges:feed_type", args=[pledge.pledge_type.slug]),
    ):
        feed = feedparser.parse(client.get(url).content)
        assert feed.bozo == 0, (url, feed.get("bozo_exception"))
        assert feed.version == "atom10"
        assert feed.feed.id and feed.feed.title and feed.feed.updated
        assert [link.rel for link in feed.feed.links if link.rel == "self"] == ["self"]
        assert feed.entries, url
        for entry in feed.entries:
            assert entry.id.startswith(settings.SITE_URL + "/pledges/")
            assert entry.title and entry.updated and entry.published and entry.author
            assert any(link.rel == "alternate" for link in entry.links)
        # Each entry dated by its own history, not one date for all; the feed as new as the newest.
        updated = [entry.updated_parsed for entry in feed.entries]
        assert len(set(entry.updated for entry in feed.entries)) == len(feed.entries), url
        assert feed.feed.updated_parsed == max(updated)
    history = {r.id: r.history_date for r in Pledge.history.filter(id=pledge.pk)}
    entry = next(e for e in feed.entries if e.id.endswith(f"/pledges/{pledge.pk}/"))
    assert entry.updated == history[pledge.pk].isoformat()


# --- Paging (RFC 5005) ---------------------------------------------------------------------------------


def links(response) -> dict[str, str]:
    """The feed's links by relation, as paths with their query."""
    root = ET.fromstring(response.content)
    found = {}
    for link in root.findall(f"{ATOM}link"):
        parts = urlsplit(link.get("href"))
        found[link.get("rel")] = parts.path + (f"?{parts.query}" if parts.query else "")
    return found


@pytest.fixture
def many_pledges(db) -> list[Pledge]:
    member, kind = make_member(slug="m"), make_type(slug="t")
    made = [
        make_pledge(member=member, pledge_type=kind, summary=f"Pledge {n}", cited=False)
        for n in range(2 * PAGE_SIZE + 7)
    ]
    for n, pledge in enumerate(made):
        touch(pledge, days_ago=n % 40)  # many share a date: the order must still be total
    return made


@pytest.mark.parametrize(
    ("name", "args"),
    [("pledges:feed_pledges", []), ("pledges:feed_member", ["m"]), ("pledges:feed_type", ["t"])],
)
def test_following_next_links_walks_every_pledge_exactly_once(client, many_pledges, name, args):
    start = reverse(name, args=args)
    address, seen, pages = start, [], []
    while address:
        response = client.get(address)
        found = links(response)
        pages.append(address)
        assert found["self"] == address
        assert found["first"] == start
        assert found["last"] == f"{start}?page=3"
        assert found.get("previous") == (pages[-2] if len(pages) > 1 else None)
        seen += [entry.findtext(f"{ATOM}id") for entry in entries(response)]
        address = found.get("next")
    assert pages == [start, f"{start}?page=2", f"{start}?page=3"]
    assert len(seen) == len(set(seen)) == len(many_pledges)
    assert set(seen) == {f"{settings.SITE_URL}/pledges/{pledge.pk}/" for pledge in many_pledges}


def test_a_feed_with_one_page_links_to_itself_as_first_and_last(client, pledges):
    found = links(client.get(reverse("pledges:feed_pledges")))
    assert found["self"] == found["first"] == found["last"] == "/feeds/pledges.atom"
    assert "next" not in found and "previous" not in found
    assert found["alternate"] == "/pledges/"


def test_an_empty_feed_is_one_valid_page(client, db):
    response = client.get(reverse("pledges:feed_pledges"))
    assert entries(response) == []
    assert feedparser.parse(response.content).bozo == 0
    assert client.get(reverse("pledges:feed_pledges"), {"page": 2}).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "4", "abc", "1.5", "01", "", " 2", "99999999999"])
def test_a_page_that_is_not_a_page_of_the_feed_is_a_404(client, many_pledges, page):
    for name, args in (("pledges:feed_pledges", []), ("pledges:feed_type", ["t"])):
        response = client.get(reverse(name, args=args), {"page": page})
        assert response.status_code == 404, (name, page)


def test_a_page_is_cached_apart_from_the_others(client, many_pledges):
    first = client.get(reverse("pledges:feed_pledges")).content
    second = client.get(reverse("pledges:feed_pledges"), {"page": 2}).content
    assert first != second
    assert client.get(reverse("pledges:feed_pledges"), {"page": 2}).content == second


def test_the_self_link_names_the_address_asked_for(client, pledges):
    assert (
        links(client.get(reverse("pledges:feed_pledges"), {"page": 1}))["self"]
        == "/feeds/pledges.atom?page=1"
    )
