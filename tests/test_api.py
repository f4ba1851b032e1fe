"""/api/v1/: the read-only JSON API: content, filters, errors, drafts, pagination and query counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges.models import Membership, Region
from tests.conftest import (
    make_citation,
    make_count,
    make_many_pledges,
    make_meeting,
    make_member,
    make_membership,
    make_part,
    make_pledge,
    make_source,
    make_type,
)

pytestmark = pytest.mark.django_db

LISTS = ("member", "pledge_type", "pledge", "source", "citation", "meeting", "count")


def api_url(name: str, *args) -> str:
    return reverse(f"pledges:api:{name}", args=args)


def get_json(client, name: str, *args, expect: int = 200, **params) -> dict:
    response = client.get(api_url(name, *args), params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def result_ids(client, **params) -> list[int]:
    return [row["id"] for row in get_json(client, "pledge_list", **params)["results"]]


def absolute(path: str) -> str:
    return f"http://testserver{path}"


def as_listed(detail: dict) -> dict:
    """A detail answer's object, as a list shows it: without the answer's language and where it
    comes from (the live data)."""
    assert detail.pop("language") == "en"
    assert (detail.pop("answered_from"), detail.pop("release")) == ("live", None)
    return detail


# --- Index and content ----------------------------------------------------------------------------


def test_the_index_links_every_list_and_the_docs(client):
    body = get_json(client, "index")
    assert body["docs_url"] == absolute(reverse("pledges:api_docs"))
    assert body["endpoints"] == {
        "members": absolute("/api/v1/members/"),
        "pledge-types": absolute("/api/v1/pledge-types/"),
        "pledges": absolute("/api/v1/pledges/"),
        "sources": absolute("/api/v1/sources/"),
        "citations": absolute("/api/v1/citations/"),
        "meetings": absolute("/api/v1/meetings/"),
        "counts": absolute("/api/v1/counts/"),
    }
    for url in body["endpoints"].values():
        assert client.get(url).status_code == 200


def test_a_pledge_carries_its_members_type_citations_and_links(client):
    member = make_member(slug="germany", name="Germany", country="DE", region=Region.WESTERN_EUROPE)
    pledge_type = make_type(slug="air-defence", name="Air defence")
    source = make_source(slug="statement", title="Statement thread", url="https://example.org/thread")
    pledge = make_pledge(
        member=member,
        pledge_type=pledge_type,
        citation_source=source,
        conditions="After a ceasefire.",
        quantity=Decimal("2"),
        quantity_unit="Patriot systems",
        amount=Decimal("1234567890123.45"),
        currency="EUR",
        note="Read from the thread.",
    )
    citation = pledge.citations.get()

    body = get_json(client, "pledge_detail", pledge.pk)

    assert body == {
        "language": "en",
        "answered_from": "live",
        "release": None,
        "id": pledge.pk,
        "ref": pledge.ref,
        "url": absolute(f"/api/v1/pledges/{pledge.pk}/"),
        "web_url": absolute(f"/pledges/{pledge.pk}/"),
        "members": [
            {
                "slug": "germany",
                "name": "Germany",
                "url": absolute("/api/v1/members/germany/"),
                "web_url": absolute("/members/germany/"),
            }
        ],
        "pledge_type": {
            "slug": "air-defence",
            "name": "Air defence",
            "url": absolute("/api/v1/pledge-types/air-defence/"),
            "web_url": absolute("/types/air-defence/"),
        },
        "status": "committed",
        "status_label": "Committed",
        "is_stance": False,
        "summary": "Prepared to pay for two Patriot systems.",
        "conditions": "After a ceasefire.",
        "announced_on": "2025-07-10",
        "announced_precision": "day",
        "reported_on": None,
        "reported_precision": "unknown",
        "quantity": "2",
        "quantity_qualifier": "exact",
        "amount": "1234567890123.45",
        "amount_qualifier": "exact",
        "quantity_unit": "Patriot systems",
        "currency": "EUR",
        "note": "Read from the thread.",
        "updated_at": body["updated_at"],
        "citations": [
            {
                "id": citation.pk,
                "url": absolute(f"/api/v1/citations/{citation.pk}/"),
                "quote": "Germany is prepared to pay for two Patriot systems for Ukraine.",
                "locator": "Paragraph 1",
                "source": {
                    "slug": "statement",
                    "title": "Statement thread",
                    "document_language": "en",
                    "url": absolute("/api/v1/sources/statement/"),
                    "web_url": absolute("/sources/statement/"),
                },
                "part": None,
            }
        ],
        "untranslated": [],
    }
    assert body["updated_at"].startswith(pledge.updated_at.date().isoformat())
    assert [row["id"] for row in get_json(client, "pledge_list")["results"]] == [pledge.pk]


def test_unknown_values_are_null_not_guessed(client):
    pledge = make_pledge(announced_on=None, announced_precision="unknown")
    # A source is public once a published fact cites it.
    make_pledge(citation_source=make_source(slug="no-url", url="", publisher="", published_on=None, text=""))

    body = get_json(client, "pledge_detail", pledge.pk)
    assert body["announced_on"] is None
    assert body["announced_precision"] == "unknown"
    assert (body["quantity"], body["quantity_unit"], body["amount"], body["currency"]) == (None,) * 4
    # No number, so no word for how exact it is.
    assert (body["quantity_qualifier"], body["amount_qualifier"]) == (None, None)
    assert (body["reported_on"], body["reported_precision"]) == (None, "unknown")

    source = get_json(client, "source_detail", "no-url")
    unknown = ("document_url", "publisher", "published_on", "text")
    assert [source[key] for key in unknown] == [None] * 4


def test_a_joint_pledge_lists_its_members_lead_first_and_counts_once(client):
    uk = make_member(slug="united-kingdom", name="United Kingdom", country="GB")
    france = make_member(slug="france", name="France")
    joint = make_pledge(members=[uk, france], summary="A joint reassurance force.")
    alone = make_pledge(member=france, summary="France alone.")

    body = get_json(client, "pledge_detail", joint.pk)
    assert [m["slug"] for m in body["members"]] == ["united-kingdom", "france"]
    assert body["members"][1]["web_url"] == absolute("/members/france/")
    # Either party finds it; both together find it once.
    assert result_ids(client, member="united-kingdom") == [joint.pk]
    assert sorted(result_ids(client, member="france")) == sorted([joint.pk, alone.pk])
    both = get_json(client, "pledge_list", member=["france", "united-kingdom"])
    assert both["count"] == 2 and sorted(row["id"] for row in both["results"]) == sorted([joint.pk, alone.pk])
    assert get_json(client, "pledge_list")["count"] == 2
    # Each party's pledge count includes it.
    counts = {m["slug"]: m["pledge_count"] for m in get_json(client, "member_list")["results"]}
    assert counts == {"united-kingdom": 1, "france": 2}


def test_qualified_numbers_keep_the_number_and_say_how_the_text_words_it(client):
    pledge = make_pledge(
        quantity=Decimal("10000"),
        quantity_qualifier="about",
        quantity_unit="troops",
        amount=Decimal("156000000"),
        amount_qualifier="over",
        currency="USD",
    )
    body = get_json(client, "pledge_detail", pledge.pk)
    assert (body["quantity"], body["quantity_qualifier"], body["quantity_unit"]) == (
        "10000",
        "about",
        "troops",
    )
    assert (body["amount"], body["amount_qualifier"], body["currency"]) == ("156000000", "over", "USD")
    count = make_count(slug="ready", number=26, qualifier="at-least")
    counted = get_json(client, "count_detail", count.slug)
    assert (counted["number"], counted["qualifier"], counted["number_display"]) == (
        26,
        "at-least",
        "at least 26",
    )


def test_a_citation_names_the_part_of_its_source_and_that_parts_date(client):
    source = make_source(slug="threads", published_on=None)
    make_part(source, title="Thread of 10 July")
    make_part(source, title="Thread of 4 September", starts_with="The Coalition", dated_on=date(2025, 9, 4))
    pledge = make_pledge(cited=False)
    citation = make_citation(
        pledge, source=source, quote="The Coalition of the Willing now includes 35 countries"
    )

    part = {
        "position": 2,
        "title": "Thread of 4 September",
        "dated_on": "2025-09-04",
        "dated_precision": "day",
    }
    assert get_json(client, "pledge_detail", pledge.pk)["citations"][0]["part"] == part
    assert get_json(client, "citation_detail", citation.pk)["part"] == part


def test_a_stance_is_marked_as_one(client):
    refusal = make_pledge(status="ruled-out")
    offer = make_pledge(status="willing")
    assert get_json(client, "pledge_detail", refusal.pk)["is_stance"] is True
    assert get_json(client, "pledge_detail", offer.pk)["is_stance"] is False
    assert result_ids(client, status="ruled-out") == [refusal.pk]


def test_a_source_address_that_is_not_a_web_address_is_not_handed_out(client):
    # The admin's URL field refuses this; data loaded another way must not reach a client as a link.
    make_pledge(citation_source=make_source(slug="odd", url="javascript:alert(1)"))
    assert get_json(client, "source_detail", "odd")["document_url"] is None


def test_text_outside_ascii_is_sent_as_utf8_not_escaped(client):
    make_pledge(member=make_member(name="Україна"), summary="Гарантії безпеки")
    response = client.get(api_url("pledge_list"))
    assert "Україна".encode() in response.content
    assert "Гарантії безпеки".encode() in response.content
    assert b"\\u" not in response.content


def test_a_member_lists_its_published_roles_with_citations_and_links_to_its_pledges(client):
    member = make_member(slug="uk", name="United Kingdom", country="GB", region=Region.WESTERN_EUROPE)
    make_pledge(member=member)
    make_pledge(member=member, is_published=False)
    make_membership(member, role=Membership.Role.CO_CHAIR, since=date(2025, 3, 2), since_precision="day")
    make_membership(member, role=Membership.Role.HOST, is_published=False)

    body = get_json(client, "member_detail", "uk")

    assert body["name"] == "United Kingdom"
    assert (body["kind"], body["country"], body["region"]) == ("country", "GB", "western-europe")
    assert body["region_label"] == "Western Europe"
    assert body["pledge_count"] == 1
    assert body["web_url"] == absolute("/members/uk/")
    assert body["pledges_url"] == absolute("/api/v1/pledges/?member=uk")
    assert [(r["role"], r["since"], r["since_precision"]) for r in body["roles"]] == [
        ("co-chair", "2025-03-02", "day")
    ]
    assert body["roles"][0]["citations"][0]["quote"].startswith("Germany is prepared")
    assert get_json(client, "member_list")["results"] == [as_listed(body)]
    # The link to its pledges is a working filter.
    assert client.get(body["pledges_url"]).json()["count"] == 1


def test_a_role_names_its_meeting_only_when_the_meeting_is_published(client):
    member = make_member(slug="uk")
    make_pledge(member=member)
    make_membership(member, role=Membership.Role.HOST, meeting=make_meeting(slug="shown-meeting"))
    make_membership(
        member, role=Membership.Role.CO_CHAIR, meeting=make_meeting(slug="draft", is_published=False)
    )

    roles = {r["role"]: r for r in get_json(client, "member_detail", "uk")["roles"]}

    assert roles["host"]["meeting"]["url"] == absolute("/api/v1/meetings/shown-meeting/")
    assert roles["co-chair"]["meeting"] is None
    assert b"draft" not in client.get(api_url("member_detail", "uk")).content


def test_pledge_types_count_only_published_pledges(client):
    troops = make_type(slug="troops", name="Troops", description="Soldiers on the ground.", order=1)
    make_pledge(pledge_type=troops)
    make_pledge(pledge_type=troops, is_published=False)
    make_type(slug="funding", name="Funding", order=2)

    rows = get_json(client, "pledge_type_list")["results"]

    assert [(r["slug"], r["pledge_count"]) for r in rows] == [("troops", 1), ("funding", 0)]
    assert rows[0]["description"] == "Soldiers on the ground."
    assert rows[0]["pledges_url"] == absolute("/api/v1/pledges/?type=troops")
    assert as_listed(get_json(client, "pledge_type_detail", "troops")) == rows[0]


def test_a_source_gives_its_text_and_only_published_citations(client):
    source = make_source(slug="live-blog", title="Live blog", url="https://example.org/blog", publisher="BBC")
    published = make_pledge(citation_source=source)
    make_pledge(citation_source=source, is_published=False)

    listed = get_json(client, "source_list")["results"]
    body = get_json(client, "source_detail", "live-blog")

    assert [(s["slug"], s["citation_count"]) for s in listed] == [("live-blog", 1)]
    assert "text" not in listed[0]
    assert body["document_url"] == "https://example.org/blog"
    assert body["publisher"] == "BBC"
    assert body["text"].startswith("Germany is prepared")
    assert [c["supports"]["id"] for c in body["citations"]] == [published.pk]
    assert body["citations"][0]["supports"]["url"] == absolute(f"/api/v1/pledges/{published.pk}/")


def test_citations_say_which_fact_they_support(client):
    pledge = make_pledge()
    membership = make_membership(make_member(slug="france"), role=Membership.Role.GUARANTOR)
    meeting = make_meeting(slug="paris-summit")
    count = make_count(slug="thirty-five")

    rows = get_json(client, "citation_list")["results"]
    supports = {row["supports"]["kind"]: row["supports"] for row in rows}

    assert supports["pledge"]["url"] == absolute(f"/api/v1/pledges/{pledge.pk}/")
    assert supports["membership"]["member"]["slug"] == "france"
    assert supports["membership"]["role"] == "guarantor"
    assert supports["meeting"]["url"] == absolute("/api/v1/meetings/paris-summit/")
    assert supports["count"]["url"] == absolute("/api/v1/counts/thirty-five/")
    assert len(rows) == 4
    citation = membership.citations.get()
    detail = get_json(client, "citation_detail", citation.pk)
    assert detail["web_url"] == absolute(f"/sources/{citation.source.slug}/#citation-{citation.pk}")
    assert detail["source"]["slug"] == citation.source.slug
    assert {meeting.citations.get().pk, count.citations.get().pk} <= {row["id"] for row in rows}


def test_a_meeting_lists_hosts_published_counts_and_citations(client):
    host = make_member(slug="france", name="France")
    meeting = make_meeting(slug="paris", title="Paris summit", place="", format="hybrid")
    meeting.hosts.add(host)
    make_count(slug="shown", meeting=meeting, number=26, qualifier="about")
    make_count(slug="hidden", meeting=meeting, is_published=False)

    body = get_json(client, "meeting_detail", "paris")

    assert body["title"] == "Paris summit"
    assert body["place"] is None
    assert (body["format"], body["format_label"]) == ("hybrid", "In person and online")
    assert [h["slug"] for h in body["hosts"]] == ["france"]
    assert [(c["slug"], c["number_display"]) for c in body["counts"]] == [("shown", "about 26")]
    assert len(body["citations"]) == 1
    assert body["web_url"] == absolute("/meetings/#paris")
    assert get_json(client, "meeting_list")["results"] == [as_listed(body)]


def test_a_count_links_its_meeting_only_when_the_meeting_is_published(client):
    make_count(slug="with-meeting", meeting=make_meeting(slug="public-meeting"))
    make_count(slug="with-draft-meeting", meeting=make_meeting(slug="draft-meeting", is_published=False))

    shown = get_json(client, "count_detail", "with-meeting")
    hidden = get_json(client, "count_detail", "with-draft-meeting")

    assert shown["meeting"]["url"] == absolute("/api/v1/meetings/public-meeting/")
    assert (shown["number"], shown["qualifier"], shown["as_of"]) == (35, "exact", "2025-09-04")
    assert shown["citations"][0]["quote"] == "The Coalition of the Willing now includes 35 countries"
    assert hidden["meeting"] is None
    listed = {c["slug"] for c in get_json(client, "count_list")["results"]}
    assert listed == {"with-meeting", "with-draft-meeting"}


# --- Drafts --------------------------------------------------------------------------------------


def test_drafts_and_their_citations_never_appear(client):
    shown = make_pledge(summary="Published pledge.")
    draft = make_pledge(summary="Draft pledge.", is_published=False, member=make_member(slug="draft-only"))
    draft_citation = draft.citations.get()
    hidden_meeting = make_meeting(slug="hidden-meeting", is_published=False)
    hidden_count = make_count(slug="hidden-count", is_published=False)
    make_membership(make_member(slug="hidden-role"), is_published=False)

    assert result_ids(client) == [shown.pk]
    get_json(client, "pledge_detail", draft.pk, expect=404)
    assert draft_citation.pk not in [c["id"] for c in get_json(client, "citation_list")["results"]]
    get_json(client, "citation_detail", draft_citation.pk, expect=404)
    get_json(client, "citation_detail", hidden_meeting.citations.get().pk, expect=404)
    members = [m["slug"] for m in get_json(client, "member_list")["results"]]
    assert members == [shown.member.slug]
    get_json(client, "member_detail", "draft-only", expect=404)
    get_json(client, "member_detail", "hidden-role", expect=404)
    assert get_json(client, "meeting_list")["results"] == []
    get_json(client, "meeting_detail", "hidden-meeting", expect=404)
    assert get_json(client, "count_list")["results"] == []
    get_json(client, "count_detail", hidden_count.slug, expect=404)
    assert b"Draft pledge." not in client.get(api_url("source_detail", draft_citation.source.slug)).content


# --- Filters -------------------------------------------------------------------------------------


@pytest.fixture
def three_pledges():
    france = make_member(slug="france", name="France", region=Region.WESTERN_EUROPE)
    japan = make_member(slug="japan", name="Japan", country="JP", region=Region.ASIA_PACIFIC)
    troops = make_type(slug="troops", name="Troops")
    funding = make_type(slug="funding", name="Funding")
    source = make_source(slug="the-source")
    return {
        "troops": make_pledge(
            member=france,
            pledge_type=troops,
            status="willing",
            announced_on=date(2025, 3, 1),
            quantity=Decimal("1000"),
            quantity_unit="soldiers",
            summary="Ready to send minesweepers and soldiers.",
            citation_source=source,
        ),
        "money": make_pledge(
            member=japan,
            pledge_type=funding,
            status="committed",
            announced_on=date(2025, 6, 1),
            amount=Decimal("500000000"),
            currency="USD",
            summary="Funds the reconstruction.",
        ),
        "refusal": make_pledge(
            member=japan,
            pledge_type=troops,
            status="ruled-out",
            announced_on=date(2025, 9, 1),
            summary="Will not send soldiers.",
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "willing"}, ["troops"]),
        ({"status": ["willing", "ruled-out"]}, ["troops", "refusal"]),
        ({"type": "funding"}, ["money"]),
        ({"type": ["funding", "troops"]}, ["troops", "money", "refusal"]),
        ({"member": "japan"}, ["money", "refusal"]),
        ({"member": ["japan", "france"], "type": "troops"}, ["troops", "refusal"]),
        ({"region": "western-europe"}, ["troops"]),
        ({"announced_after": "2025-05-01"}, ["money", "refusal"]),
        ({"announced_before": "2025-05-01"}, ["troops"]),
        ({"source": "the-source"}, ["troops"]),
        ({"has_quantity": "true"}, ["troops"]),
        ({"has_money": "true"}, ["money"]),
        ({"has_money": "false", "status": "ruled-out"}, ["refusal"]),
        ({"q": "minesweepers"}, ["troops"]),
        ({"q": "reconstruction"}, ["money"]),
    ],
)
def test_the_pledge_list_filters_like_the_pledges_page(client, three_pledges, params, expected):
    ids = result_ids(client, **params)
    assert sorted(ids) == sorted(three_pledges[name].pk for name in expected)
    assert get_json(client, "pledge_list", **params)["count"] == len(expected)


def test_the_pledge_list_sorts_as_asked(client, three_pledges):
    by_date = [three_pledges[name].pk for name in ("troops", "money", "refusal")]
    assert result_ids(client, ordering="announced") == by_date
    assert result_ids(client, ordering="-announced") == by_date[::-1]


def test_the_member_list_filters_with_the_member_filters(client):
    france = make_member(slug="france", name="France", region=Region.WESTERN_EUROPE)
    make_pledge(member=france, status="committed")
    make_membership(france, role=Membership.Role.GUARANTOR)
    make_pledge(member=make_member(slug="nato", name="NATO", kind="organisation", country=""))

    def slugs(**params):
        return [m["slug"] for m in get_json(client, "member_list", **params)["results"]]

    assert slugs() == ["france", "nato"]
    assert slugs(kind="organisation") == ["nato"]
    assert slugs(region="western-europe") == ["france"]
    assert slugs(guarantor="true") == ["france"]
    assert slugs(ordering="-name") == ["nato", "france"]


def test_the_meeting_list_filters_by_host_and_date(client):
    early = make_meeting(slug="early", held_on=date(2025, 1, 6))
    early.hosts.add(make_member(slug="france"))
    make_meeting(slug="late", held_on=date(2025, 9, 4))

    def slugs(**params):
        return [m["slug"] for m in get_json(client, "meeting_list", **params)["results"]]

    assert slugs(host="france") == ["early"]
    assert slugs(held_after="2025-06-01") == ["late"]


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "parameter", "message"),
    [
        ({"status": "maybe"}, "status", "Select a valid choice. maybe is not one of the available choices."),
        ({"announced_after": "2025-13-45"}, "announced_after", "Enter a valid date."),
        ({"member": "atlantis"}, "member", "Select a valid choice. atlantis is not one of the available"),
        ({"type": "cavalry"}, "type", "Select a valid choice. cavalry is not one of the available"),
        ({"source": "nowhere"}, "source", "Select a valid choice."),
        ({"ordering": "nonsense"}, "ordering", "Select a valid choice."),
        ({"page": "abc"}, "page", "Enter a whole number."),
        ({"page": "0"}, "page", "Ensure this value is greater than or equal to 1."),
        ({"page": "99999"}, "page", "Page 99999 does not exist: the last page is 1."),
        ({"page_size": "-5"}, "page_size", "Ensure this value is greater than or equal to 1."),
        ({"has_money": "maybe"}, "has_money", "Use true or false, not “maybe”."),
        ({"has_money": "1"}, "has_money", "Use true or false, not “1”."),
        ({"has_quantity": "yes"}, "has_quantity", "Use true or false, not “yes”."),
    ],
)
def test_a_bad_parameter_gets_a_400_naming_it(client, params, parameter, message):
    make_pledge()
    body = get_json(client, "pledge_list", expect=400, **params)
    assert list(body["errors"]) == [parameter]
    assert body["errors"][parameter][0].startswith(message)


def test_every_bad_parameter_is_named_at_once(client):
    params = {"status": "x", "page": "abc", "announced_before": "2025-02-30", "unknown": "ignored"}
    response = client.get(api_url("pledge_list"), params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "page", "announced_before"}


def test_bad_filters_on_the_other_lists_get_a_400(client):
    assert "kind" in get_json(client, "member_list", expect=400, kind="planet")["errors"]
    assert get_json(client, "member_list", expect=400, guarantor="maybe")["errors"] == {
        "guarantor": ["Use true or false, not “maybe”."]
    }
    assert "host" in get_json(client, "meeting_list", expect=400, host="nobody")["errors"]
    assert "page" in get_json(client, "count_list", expect=400, page="2")["errors"]


@pytest.mark.parametrize(
    ("name", "argument"),
    [
        ("member_detail", "atlantis"),
        ("pledge_type_detail", "cavalry"),
        ("pledge_detail", 424242),
        ("pledge_detail", 10**30),
        ("source_detail", "nowhere"),
        ("citation_detail", 424242),
        ("meeting_detail", "never"),
        ("count_detail", "none"),
    ],
)
def test_an_unknown_object_gets_a_json_404(client, name, argument):
    body = get_json(client, name, argument, expect=404)
    assert str(argument) in body["error"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(method):
    pledge = make_pledge()
    # A real client sends no CSRF token: it still gets the JSON 405, not a CSRF failure page.
    client = Client(enforce_csrf_checks=True)
    for url in (api_url("pledge_list"), api_url("pledge_detail", pledge.pk), api_url("index")):
        response = getattr(client, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 405
        assert response["Content-Type"] == "application/json"
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert method.upper() in response.json()["error"]


def test_head_answers_like_get_and_options_says_what_is_allowed(client):
    pledge = make_pledge()
    url = api_url("pledge_detail", pledge.pk)
    head = client.head(url)
    assert (head.status_code, head["Content-Type"]) == (200, "application/json")
    assert head["ETag"] == client.get(url)["ETag"]
    options = client.options(url)
    assert (options.status_code, options["Allow"], options.json()) == (200, "GET, HEAD, OPTIONS", {})


def test_any_origin_may_read_the_api(client):
    response = client.get(api_url("pledge_list"), headers={"Origin": "https://example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"


# --- Pagination ----------------------------------------------------------------------------------


def test_pages_link_to_each_other_and_keep_the_filters(client):
    make_many_pledges(10, members=2, types=2)  # statuses cycle through five, two of each
    base = {"status": ["proposed", "willing"], "page_size": "2"}

    first = get_json(client, "pledge_list", **base)
    assert (first["count"], first["page"], first["page_size"], first["previous"]) == (4, 1, 2, None)
    assert first["next"].startswith(absolute("/api/v1/pledges/?"))
    second = client.get(first["next"]).json()
    assert first["next"].count("status=") == 2
    assert second["next"] is None
    assert client.get(second["previous"]).json() == first
    rows = first["results"] + second["results"]
    assert len({row["id"] for row in rows}) == 4
    assert {row["status"] for row in rows} == {"proposed", "willing"}


def test_page_size_defaults_to_100_and_is_capped_at_500(client):
    make_many_pledges(501, members=3, types=2)
    default = get_json(client, "pledge_list")
    assert (default["page_size"], len(default["results"])) == (100, 100)
    capped = get_json(client, "pledge_list", page_size="100000")
    assert (capped["page_size"], len(capped["results"]), capped["count"]) == (500, 500, 501)
    assert "page_size=500" in capped["next"]
    assert len(client.get(capped["next"]).json()["results"]) == 1


# --- Query counts ----------------------------------------------------------------------------------


def build_site(size: int) -> None:
    """Published data of every kind, `size` pledges and about a tenth as many of everything else."""
    pledges = make_many_pledges(size, members=max(2, size // 10), types=4)
    members = {pledge.member for pledge in pledges}
    for member in list(members)[: max(2, size // 10)]:
        make_membership(member, role=Membership.Role.GUARANTOR)
        meeting = make_meeting()
        meeting.hosts.add(member)
        make_count(meeting=meeting)
        make_citation(meeting)


@pytest.fixture
def site_queries(client) -> int:
    """Queries every request makes before any view runs (the middleware's data version), measured on
    the index, which reads nothing; the guards below count the API's own queries on top of them."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(api_url("index")).status_code == 200
    return len(queries)


# Every list: the row count, the page, then one query per prefetch.
LIST_QUERIES = {
    "pledge_list": 4,  # + parties with their members, citations with sources and parts
    "member_list": 4,  # + published roles, their citations with sources
    "pledge_type_list": 2,
    "source_list": 2,
    "citation_list": 2,  # source and supported fact are joined
    "meeting_list": 5,  # + hosts, published counts, citations with sources
    "count_list": 3,  # + citations with sources (meeting joined)
}


@pytest.mark.parametrize("size", [3, 300])
@pytest.mark.parametrize("name", LIST_QUERIES)
def test_every_list_answers_in_a_fixed_number_of_queries(
    client, django_assert_num_queries, site_queries, name, size
):
    build_site(size)
    with django_assert_num_queries(site_queries + LIST_QUERIES[name]):
        body = get_json(client, name, page_size="500")
    assert len(body["results"]) >= 2


def test_filters_add_one_query_per_slug_filter_checked(client, django_assert_num_queries, site_queries):
    build_site(50)
    make_pledge(member=make_member(slug="checked"), pledge_type=make_type(slug="checked-type"))
    # The type and member slugs are looked up (one query each), then the list as usual: the count,
    # the page, parties with their members, citations with sources and parts.
    with django_assert_num_queries(site_queries + 6):
        body = get_json(client, "pledge_list", type="checked-type", member="checked", status="committed")
    assert body["count"] == 1


@pytest.mark.parametrize("size", [3, 100])
def test_details_answer_in_a_fixed_number_of_queries(client, django_assert_num_queries, site_queries, size):
    build_site(size)
    pledge = make_pledge()
    member = pledge.lead
    make_membership(member, role=Membership.Role.HOST)
    source = pledge.citations.get().source
    # the pledge with its type, its parties with their members, its citations with sources and parts
    with django_assert_num_queries(site_queries + 3):
        get_json(client, "pledge_detail", pledge.pk)
    with django_assert_num_queries(site_queries + 2):  # source, its published citations with their facts
        get_json(client, "source_detail", source.slug)
    with django_assert_num_queries(site_queries + 3):  # member, roles, roles' citations with sources
        get_json(client, "member_detail", member.slug)
