"""Atom feeds of new and changed pledges: the whole tracker, one member, one pledge type."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

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


def touch(pledge: Pledge, days_ago: int) -> None:
    """Set when a pledge last changed, bypassing auto_now."""
    moment = datetime(2026, 11, 1, 12, tzinfo=UTC) - timedelta(days=days_ago)
    Pledge.objects.filter(pk=pledge.pk).update(updated_at=moment)


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
    assert entry.findtext(f"{ATOM}published")


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


def test_the_feed_holds_the_fifty_latest(client, db):
    member, kind = make_member(), make_type()
    for n in range(52):
        touch(make_pledge(member=member, pledge_type=kind, summary=f"Pledge {n}", cited=False), days_ago=n)
    found = entries(client.get(reverse("pledges:feed_pledges")))
    assert len(found) == 50
    assert "Pledge 0" in found[0].findtext(f"{ATOM}summary")
    assert "Pledge 49" in found[-1].findtext(f"{ATOM}summary")


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # each also reads the data version for the page cache
        ("pledges:feed_pledges", 3),  # pledges with type; their parties with members
        ("pledges:feed_member", 4),  # the member; its pledges with type; their parties with members
        ("pledges:feed_type", 4),  # the type; its pledges with type; their parties with members
    ],
)
def test_feed_query_count_is_flat(client, django_assert_num_queries, db, name, queries):
    member, kind = make_member(slug="m"), make_type(slug="t")
    args = {"pledges:feed_pledges": [], "pledges:feed_member": ["m"], "pledges:feed_type": ["t"]}[name]
    make_pledge(member=member, pledge_type=kind)
    with django_assert_num_queries(queries):
        assert len(entries(client.get(reverse(name, args=args)))) == 1
    for n in range(20):
        make_pledge(member=member, pledge_type=kind, summary=f"Pledge {n}", cited=False)
    with django_assert_num_queries(queries):
        assert len(entries(client.get(reverse(name, args=args)))) == 21
