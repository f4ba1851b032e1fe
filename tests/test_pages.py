"""The public pages: what a visitor reads on each, filters by the rows they return, exports, bad input,
and query counts that stay flat as the data grows."""

import csv
import io
import re
from datetime import date

import pytest
from django.core.management import call_command

from pledges import codebook
from pledges.models import LADDER, STANCES, Member, Pledge, Source, Status
from tests.conftest import (
    SOURCE_TEXT,
    json_of,
    make_count,
    make_many_pledges,
    make_meeting,
    make_member,
    make_membership,
    make_pledge,
    make_source,
    make_type,
    pledge_ids,
    text_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(db):
    call_command("load_dataset", stdout=io.StringIO())


# The overview


def test_the_overview_shows_the_headline_counts_beside_what_the_tracker_identified(client, dataset):
    text = text_of(client.get("/"))
    assert "35 countries in the Coalition of the Willing" in text
    assert "26 countries that agreed in principle" in text
    named = (
        Member.objects.exclude(kind=Member.Kind.UNNAMED_GROUP).filter(pledges__is_published=True).distinct()
    )
    assert named.count() > 10
    # Offers and stances are counted apart: a refusal is never counted as an offer.
    offers = Pledge.objects.published().filter(status__in=LADDER).count()
    stances = Pledge.objects.published().filter(status__in=STANCES).count()
    assert offers + stances == Pledge.objects.published().count()
    assert re.search(rf"\b{offers} offers\b", text)
    assert re.search(rf"\b{stances} stances\b", text)


def test_each_headline_count_links_to_its_quote_in_its_source(client, dataset):
    html = client.get("/").content.decode()
    links = re.findall(r'href="(/sources/[\w-]+/#citation-\d+)"', html)
    assert links
    source_page = client.get(links[0].split("#")[0]).content.decode()
    assert f'id="{links[0].split("#")[1]}"' in source_page


def test_the_matrix_shows_the_strongest_status_and_ruled_out_distinctly(client, db):
    troops = make_type(name="Troops", slug="troops")
    italy = make_member(name="Italy", country="IT", slug="italy")
    france = make_member(name="France", country="FR", slug="france")
    make_pledge(member=france, pledge_type=troops, status="proposed", summary="Might send troops.")
    make_pledge(member=france, pledge_type=troops, status="committed", summary="Will send troops.")
    make_pledge(member=italy, pledge_type=troops, status="ruled-out")

    html = client.get("/").content.decode()

    france_row = re.search(r">France</a>.*?</tr>", html, re.S).group(0)
    italy_row = re.search(r">Italy</a>.*?</tr>", html, re.S).group(0)
    assert "France, Troops: Committed, 2 pledges" in france_row
    assert "status-committed" in france_row and "status-proposed" not in france_row
    assert "Italy, Troops: Ruled out" in italy_row and "status-ruled-out" in italy_row
    assert 'href="/pledges/?member=france&amp;type=troops"' in france_row


def test_the_map_colours_members_by_their_strongest_commitment(client, db):
    make_pledge(member=make_member(name="France", country="FR"), status="delivered")
    make_pledge(member=make_member(name="Japan", country="JP"), status="willing")
    html = client.get("/").content.decode()
    assert "map-status-delivered" in html
    assert "<title>France: delivered</title>" in html
    assert re.search(r"Beyond the map: <a [^>]+>Japan</a> \(Willing\)", html)


def test_drafts_count_nowhere_on_the_overview(client, db):
    make_pledge(summary="Published one.")
    make_pledge(summary="Draft one.", is_published=False)
    text = text_of(client.get("/"))
    assert re.search(r"\b1 offers?\b", text)
    assert "Draft one." not in text


# Members


def test_the_member_list_counts_pledges_per_type_and_filters_by_kind(client, dataset):
    response = client.get("/members/")
    text = text_of(response)
    assert "France" in text and "European Union" in text
    organisations = text_of(client.get("/members/?kind=organisation"))
    assert "European Union" in organisations and "France" not in organisations


def test_the_member_list_filters_guarantors_by_their_cited_role(client, db):
    guarantor = make_member(name="Guarantor Land")
    make_membership(member=guarantor, role="guarantor")
    make_pledge(member=make_member(name="Other Land"))
    text = text_of(client.get("/members/?guarantor=true"))
    assert "Guarantor Land" in text and "Other Land" not in text


def test_the_country_page_shows_role_pledges_by_type_and_every_citation(client, dataset):
    response = client.get("/members/france/")
    text = text_of(response)
    assert response.status_code == 200
    assert "Co-chair" in text
    france = Member.objects.get(slug="france")
    for pledge in Pledge.objects.published().by_party(france):
        assert pledge.summary in text
        for citation in pledge.citations.all():
            assert citation.get_absolute_url() in response.content.decode()
    assert 'id="timeline-heading"' in response.content.decode()  # the dated statements, in order
    assert "?member=france&amp;format=csv" in response.content.decode()


def test_a_member_without_a_cited_role_says_so_instead_of_guessing(client, db):
    member = make_member(name="Quietland")
    make_pledge(member=member)
    text = text_of(client.get(member.get_absolute_url()))
    assert "Our sources do not say whether or since when Quietland is a member" in text


def test_an_unknown_member_is_a_404_in_the_site_design(client, db):
    response = client.get("/members/atlantis/")
    assert response.status_code == 404
    assert "Not found" in text_of(response) and 'class="site-header"' in response.content.decode()


# Pledges


def test_the_pledge_list_filters_by_two_types_and_a_status(client, db):
    troops, air, sea = make_type(slug="troops"), make_type(slug="air-policing"), make_type(slug="maritime")
    wanted = {
        make_pledge(pledge_type=troops, status="committed").pk,
        make_pledge(pledge_type=air, status="committed").pk,
    }
    make_pledge(pledge_type=troops, status="willing")
    make_pledge(pledge_type=sea, status="committed")

    response = client.get("/pledges/?type=troops&type=air-policing&status=committed")

    assert response.status_code == 200
    assert pledge_ids(response) == wanted
    assert "2 pledges of 4" in text_of(response)


def test_the_pledge_list_filters_by_member_region_dates_source_numbers_and_words(client, db):
    fr = make_member(slug="fr", region="western-europe")
    pl = make_member(slug="pl", country="PL", region="central-eastern-europe")
    source = make_source(slug="paris")
    a = make_pledge(member=fr, announced_on=date(2025, 9, 4), quantity=2, quantity_unit="Patriot systems")
    b = make_pledge(
        member=pl, announced_on=date(2025, 3, 1), amount=100, currency="EUR", citation_source=source
    )
    c = make_pledge(
        member=pl, summary="Minesweepers for the Black Sea.", announced_on=None, announced_precision="unknown"
    )

    assert pledge_ids(client.get("/pledges/?member=fr")) == {a.pk}
    assert pledge_ids(client.get("/pledges/?member=fr&member=pl")) == {a.pk, b.pk, c.pk}
    assert pledge_ids(client.get("/pledges/?region=central-eastern-europe")) == {b.pk, c.pk}
    assert pledge_ids(client.get("/pledges/?announced_after=2025-06-01")) == {a.pk}
    assert pledge_ids(client.get("/pledges/?announced_before=2025-06-01")) == {b.pk}
    assert pledge_ids(client.get("/pledges/?source=paris")) == {b.pk}
    assert pledge_ids(client.get("/pledges/?has_quantity=true")) == {a.pk}
    assert pledge_ids(client.get("/pledges/?has_money=true")) == {b.pk}
    assert pledge_ids(client.get("/pledges/?q=minesweepers")) == {c.pk}


def test_facet_counts_say_what_each_option_would_give(client, db):
    troops, air = make_type(slug="troops", name="Troops"), make_type(slug="air", name="Air policing")
    make_pledge(pledge_type=troops, status="committed")
    make_pledge(pledge_type=troops, status="willing")
    make_pledge(pledge_type=air, status="committed")

    html = client.get("/pledges/?status=committed").content.decode()

    # With status=committed chosen, each type counts its committed pledges...
    assert re.search(r'value="troops"> Troops <span class="facet-count">\(1\)', html)
    assert re.search(r'value="air"> Air policing <span class="facet-count">\(1\)', html)
    # ...and each status counts across all types, since the status filter itself is left out.
    assert re.search(r'value="willing"> Willing <span class="facet-count">\(1\)', html)
    assert re.search(r'value="committed" checked> Committed <span class="facet-count">\(2\)', html)


def test_pagination_keeps_the_filters(client, db):
    make_many_pledges(150, members=2, types=1)
    response = client.get("/pledges/?status=committed&status=willing")
    assert response.status_code == 200
    assert '?status=committed&amp;status=willing&amp;page=2"' in response.content.decode()
    page_two = client.get("/pledges/?status=committed&status=willing&page=2")
    assert page_two.status_code == 200
    # 150 pledges cycle through five statuses: 60 are committed or willing, 50 on the first page.
    assert len(pledge_ids(page_two)) == 10
    assert {p.status for p in Pledge.objects.filter(pk__in=pledge_ids(page_two))} == {"committed", "willing"}


def test_nothing_recorded_is_told_apart_from_nothing_matching(client, db):
    assert "No pledges recorded yet" in text_of(client.get("/pledges/"))
    make_pledge(status="committed")
    assert "No pledges match these filters" in text_of(client.get("/pledges/?status=delivered"))


def test_the_pledge_page_shows_citations_and_its_published_history_only(client, db):
    pledge = make_pledge(summary="Two Patriot systems.", is_published=False)
    pledge.summary = "Draft wording nobody should see."
    pledge.save()
    pledge.summary = "Two Patriot systems, paid for."
    pledge.is_published = True
    pledge.save()
    pledge.status = "delivered"
    pledge.save()

    response = client.get(pledge.get_absolute_url())
    text = text_of(response)
    assert "Germany is prepared to pay for two Patriot systems for Ukraine." in text
    assert "Draft wording" not in text
    assert "Status: Committed → Delivered" in text
    assert "published" in text


def test_a_non_numeric_or_unknown_pledge_id_is_a_404(client, db):
    assert client.get("/pledges/abc/").status_code == 404
    assert client.get("/pledges/999999/").status_code == 404


# Bad input


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("status=bogus", "status", "Select a valid choice"),
        ("announced_after=2025-13-45", "announced_after", "Enter a valid date"),
        ("type=no-such-type", "type", "Select a valid choice"),
        ("page=abc", "page", "That page number is not an integer"),
        ("page=999", "page", "That page contains no results"),
        ("format=xml", "format", "Choose one of html, csv, json"),
        ("ordering=secret", "ordering", "Select a valid choice"),
        ("q=" + "x" * 201, "q", "Ensure this value has at most 200 characters"),
    ],
)
def test_a_bad_filter_gets_a_400_page_with_the_form_and_its_message(client, db, query, parameter, message):
    make_pledge()
    response = client.get(f"/pledges/?{query}")
    assert response.status_code == 400
    assert re.search(rf"{parameter}\s*:\s*{re.escape(message)}", text_of(response))
    assert 'action="/pledges/"' in response.content.decode()  # the form is there to fix it


def test_bad_filters_on_the_other_lists_are_400s_too(client, db):
    assert client.get("/members/?kind=planet").status_code == 400
    assert client.get("/sources/?kind=rumour").status_code == 400
    assert client.get("/meetings/?held_after=yesterday").status_code == 400


# Exports


def test_csv_export_returns_every_filtered_row_with_a_header(client, db):
    troops = make_type(slug="troops")
    make_many_pledges(70, members=2, types=1)
    wanted = {make_pledge(pledge_type=troops).pk for _ in range(3)}

    all_rows = list(
        csv.DictReader(io.StringIO(b"".join(client.get("/pledges/?format=csv").streaming_content).decode()))
    )
    troop_rows = list(
        csv.DictReader(
            io.StringIO(b"".join(client.get("/pledges/?type=troops&format=csv").streaming_content).decode())
        )
    )

    assert len(all_rows) == 73  # all of them, not one page
    assert {int(row["id"]) for row in troop_rows} == wanted
    assert troop_rows[0]["type"] == "troops" and troop_rows[0]["status"] == "committed"
    assert "Germany is prepared to pay" in troop_rows[0]["citations"]


def test_json_export_has_a_documented_shape_and_unknowns_as_null(client, db):
    make_pledge(announced_on=None, announced_precision="unknown", status="willing")
    response = client.get("/pledges/?status=willing&format=json")
    document = json_of(response)
    assert response["Content-Type"] == "application/json"
    assert document["filters"] == {"status": ["willing"]}
    assert document["count"] == 1 and document["columns"][0] == "id"
    row = document["results"][0]
    assert row["announced_on"] is None and row["announced_precision"] == "unknown"
    assert row["quantity"] is None


def test_exports_list_every_party_of_a_joint_pledge_lead_first(client, db):
    uk = make_member(slug="united-kingdom", name="United Kingdom", country="GB")
    group = make_member(slug="about-ten", name="About 10 countries", kind="unnamed-group", country="")
    joint = make_pledge(members=[uk, make_member(slug="france", name="France", country="FR"), group])
    make_pledge(member=group, summary="The group alone.")

    rows = list(
        csv.DictReader(io.StringIO(b"".join(client.get("/pledges/?format=csv").streaming_content).decode()))
    )
    document = json_of(client.get("/pledges/?member=france&format=json"))

    assert len(rows) == 2
    row = next(row for row in rows if int(row["id"]) == joint.pk)
    assert row["members"] == "united-kingdom france about-ten"
    assert row["member_names"] == "United Kingdom; France; About 10 countries"
    assert (row["lead_kind"], row["country_codes"]) == ("country", "GB FR")
    assert [r["id"] for r in document["results"]] == [joint.pk]
    assert document["results"][0]["members"] == row["members"]
    assert document["results"][0]["member_names"] == row["member_names"]
    alone = next(row for row in rows if int(row["id"]) != joint.pk)
    assert (alone["lead_kind"], alone["country_codes"]) == ("unnamed-group", "")


def test_exports_give_qualified_numbers_stances_and_both_dates(client, db):
    make_pledge(
        status="ruled-out",
        reported_on=date(2025, 9, 5),
        reported_precision="day",
        quantity=10000,
        quantity_qualifier="about",
        quantity_unit="troops",
        amount=156000000,
        amount_qualifier="over",
        currency="USD",
    )
    make_pledge(status="willing", summary="No numbers.")

    rows = json_of(client.get("/pledges/?format=json&ordering=status"))["results"]
    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get("/pledges/?format=csv&ordering=status").streaming_content).decode()
            )
        )
    )

    refusal, offer = sorted(rows, key=lambda r: r["status"])
    assert (refusal["amount"], refusal["amount_qualifier"], refusal["currency"]) == (
        "156000000",
        "over",
        "USD",
    )
    assert (refusal["quantity"], refusal["quantity_qualifier"]) == ("10000", "about")
    assert (refusal["stance"], offer["stance"]) == (True, False)
    assert (refusal["reported_on"], refusal["reported_precision"]) == ("2025-09-05", "day")
    assert (refusal["announced_on"], refusal["announced_precision"]) == ("2025-07-10", "day")
    assert (offer["amount_qualifier"], offer["quantity_qualifier"]) == (None, None)
    csv_refusal = next(row for row in csv_rows if row["status"] == "ruled-out")
    assert (csv_refusal["amount_qualifier"], csv_refusal["amount"]) == ("over", "156000000")
    assert (csv_refusal["stance"], csv_refusal["reported_on"]) == ("True", "2025-09-05")


def test_member_source_and_meeting_lists_export_too(client, db):
    make_pledge(member=make_member(slug="fr", name="France"))
    make_meeting(title="Paris summit")
    members = json_of(client.get("/members/?format=json"))
    assert [row["slug"] for row in members["results"]] == ["fr"]
    sources = json_of(client.get("/sources/?format=json"))
    assert sources["count"] == Source.objects.count()
    meetings = b"".join(client.get("/meetings/?format=csv").streaming_content).decode()
    assert "Paris summit" in meetings


# Sources, types, meetings, changes, about


def test_the_source_page_marks_every_cited_quote_and_links_it_to_its_fact(client, db):
    source = make_source(
        slug="statement", text="Intro.\nGermany is prepared to pay\nfor two Patriot systems for Ukraine. End."
    )
    pledge = make_pledge(citation_source=source)
    citation = pledge.citations.get()

    html = client.get("/sources/statement/").content.decode()

    # The quote is found across the line break and marked where it stands in the text.
    marked = (
        rf'<mark id="citation-{citation.pk}"[^>]*>'
        r"Germany is prepared to pay\nfor two Patriot systems for Ukraine.</mark>"
    )
    assert re.search(marked, html)
    assert f'href="{pledge.get_absolute_url()}"' in html


def test_the_source_page_escapes_the_archived_text(client, db):
    source = make_source(slug="hostile", text="<script>alert(1)</script> " + SOURCE_TEXT)
    make_pledge(citation_source=source)
    html = client.get("/sources/hostile/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_a_source_without_an_address_says_it_is_unknown(client, db):
    make_pledge(citation_source=make_source(slug="no-url", url=""))
    assert "Unknown: the document does not give it" in text_of(client.get("/sources/no-url/"))


def test_the_type_page_groups_members_by_status(client, db):
    troops = make_type(slug="troops", name="Troops")
    make_pledge(member=make_member(name="France"), pledge_type=troops, status="committed")
    make_pledge(member=make_member(name="Italy"), pledge_type=troops, status="ruled-out")
    text = text_of(client.get("/types/troops/"))
    assert re.search(r"Committed France .*Ruled out Italy", text)
    assert client.get("/types/nothing/").status_code == 404


def test_the_meetings_page_lists_meetings_with_hosts_and_counts(client, db):
    meeting = make_meeting(title="Paris summit", agreed="Security guarantees.")
    meeting.hosts.add(make_member(name="France"))
    make_count(meeting=meeting, number=26, counts="countries ready to provide guarantees")
    text = text_of(client.get("/meetings/"))
    assert "Paris summit" in text and "Hosted by France" in text
    assert "26 countries ready to provide guarantees" in text


def test_the_change_log_lists_published_changes(client, db):
    pledge = make_pledge(summary="Old wording.")
    pledge.summary = "New wording."
    pledge.save()
    text = text_of(client.get("/changes/"))
    assert "Summary: Old wording. → New wording." in text


def test_the_about_page_explains_statuses_and_licence(client, dataset):
    text = text_of(client.get("/about/"))
    # Every status, offers and stances alike, with the rule that decides it.
    rules = codebook.STATUS_RULES + codebook.STANCE_RULES
    assert {rule.status for rule in rules} == set(Status)
    for rule in rules:
        assert rule.term in text and rule.rule in text, rule.key
    assert "Done, and the text says so: in force, paid, sent or in place." in text
    assert "Creative Commons Attribution 4.0" in text


# Query counts: the same number of queries with few rows and with many.

PAGES = [
    "/",
    "/members/",
    "/members/{member}/",
    "/pledges/",
    "/pledges/?type={type}&status={status}&member={member}&q=pledge",
    "/pledges/{pledge}/",
    "/types/{type}/",
    "/sources/",
    "/sources/{source}/",
    "/meetings/",
    "/changes/",
    "/about/",
    "/download/",
]


def build(rows: int) -> dict:
    pledges = make_many_pledges(rows, members=max(2, rows // 10), types=4)
    first = pledges[0]
    for _ in range(max(1, rows // 20)):
        meeting = make_meeting()
        meeting.hosts.add(first.member)
        make_count(meeting=meeting)
        make_membership(member=make_member())
    # Real history for the change log: saves through the ORM.
    for pledge in pledges[: max(1, rows // 10)]:
        pledge.summary += " (revised)"
        pledge.save()
    return {
        "member": first.member.slug,
        "type": first.pledge_type.slug,
        "pledge": first.pk,
        "status": first.status,
        "source": first.citations.get().source.slug,
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_in_the_same_number_of_queries_with_few_or_many_rows(
    client, db, django_assert_max_num_queries, page, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    counts = []
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for rows in (5, 120):
        Pledge.objects.all().delete()
        url = page.format(**build(rows))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with 5 rows, {counts[1]} with 120"
    assert counts[1] <= 20


def test_an_unknown_api_path_answers_json(client, db):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"error": "There is no API endpoint at /api/v1/nothing-here/."}


def test_the_api_page_documents_every_endpoint_with_examples(client, db):
    text = text_of(client.get("/api/"))
    endpoints = ("pledges/", "members/", "pledge-types/", "sources/", "citations/", "meetings/", "counts/")
    assert all(endpoint in text for endpoint in endpoints)
    assert "curl '" in text and "urllib.request" in text


def test_free_text_search_uses_the_full_text_index_on_postgresql_and_a_simple_match_elsewhere(client, db):
    from django.db import connection

    from pledges.search import search_pledges

    wanted = make_pledge(summary="Minesweepers for the Black Sea.")
    make_pledge(summary="Two Patriot systems.")
    assert pledge_ids(client.get("/pledges/?q=minesweepers")) == {wanted.pk}

    query = search_pledges(Pledge.objects.all(), "minesweepers")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = query.explain()
        assert "pledge_search" in plan
    else:
        assert "LIKE" in str(query.query)


def test_roles_meetings_and_counts_without_a_citation_are_not_shown(client, db):
    from pledges.models import HeadlineCount, Meeting, Membership

    member = make_member(name="Quietland")
    make_pledge(member=member)
    Membership.objects.create(member=member, role="guarantor")  # published, but nothing cites it
    Meeting.objects.create(slug="unsourced", title="An unsourced summit")
    HeadlineCount.objects.create(slug="unsourced", number=99, counts="countries nobody quoted")

    assert "Guarantor" not in text_of(client.get(member.get_absolute_url()))
    assert "An unsourced summit" not in text_of(client.get("/meetings/"))
    assert "countries nobody quoted" not in text_of(client.get("/"))
    assert "Quietland" not in text_of(client.get("/members/?guarantor=true"))
