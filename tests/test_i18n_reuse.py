"""Reuse in both languages: the API in the language asked for, downloads with both languages' columns,
feeds, embeds, cards and oEmbed per language; English answers as they were; the caches keep the
languages apart; the query counts stay flat in both."""

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pledges import cards
from pledges.records import RECORDS
from tests.conftest import (
    body_of,
    json_of,
    make_count,
    make_many_pledges,
    make_meeting,
    make_member,
    make_membership,
    make_pledge,
    make_type,
)

pytestmark = pytest.mark.django_db

UK = {"HTTP_ACCEPT_LANGUAGE": "uk-UA,uk;q=0.9,en;q=0.5"}


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request under /uk/ leaves Ukrainian active in this thread; the next test's reverse() must not
    inherit it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def france():
    """A country with a Ukrainian name, a type with its Ukrainian name, a pledge with its Ukrainian
    summary and conditions, and a count; a second pledge whose Ukrainian summary is still missing."""
    member = make_member(slug="france", name="France", name_uk="Франція", country="FR")
    troops = make_type(slug="troops", name="Troops", name_uk="Війська", description="Soldiers.",
                       description_uk="Солдати.")  # fmt: skip
    pledge = make_pledge(
        member=member,
        pledge_type=troops,
        summary="Ready to send troops after a ceasefire.",
        summary_uk="Готова надіслати війська після припинення вогню.",
        conditions="After a ceasefire.",
        conditions_uk="Після припинення вогню.",
    )
    untranslated = make_pledge(
        member=member, pledge_type=troops, status="willing", summary="Willing to train.", summary_uk=""
    )
    make_count(slug="thirty-five")
    return {"member": member, "type": troops, "pledge": pledge, "untranslated": untranslated}


def api(name: str, *args) -> str:
    return reverse(f"pledges:api:{name}", args=args)


# --- The API ----------------------------------------------------------------------------------------


def test_the_api_answers_in_ukrainian_when_asked_with_lang(client, france):
    response = client.get(api("pledge_detail", france["pledge"].pk), {"lang": "uk"})
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == "uk"
    assert response["Content-Language"] == "uk"
    assert body["summary"] == "Готова надіслати війська після припинення вогню."
    assert body["conditions"] == "Після припинення вогню."
    assert body["members"][0]["name"] == "Франція"
    assert body["pledge_type"]["name"] == "Війська"
    # The quote stays in its source's words, and says which language they are in.
    assert body["citations"][0]["quote"] == "Germany is prepared to pay for two Patriot systems for Ukraine."
    assert body["citations"][0]["source"]["document_language"] == "en"
    # Links to pages lead to the Ukrainian pages; links into the API keep the language asked for.
    assert body["web_url"] == f"http://testserver/uk/pledges/{france['pledge'].pk}/"
    assert body["members"][0]["web_url"] == "http://testserver/uk/members/france/"
    assert body["url"] == f"http://testserver/api/v1/pledges/{france['pledge'].pk}/?lang=uk"
    assert client.get(body["members"][0]["url"]).json()["name"] == "Франція"


def test_the_api_answers_in_ukrainian_when_the_browser_asks_for_it(client, france):
    response = client.get(api("member_detail", "france"), **UK)
    assert response.json()["language"] == "uk"
    assert response.json()["name"] == "Франція"
    assert response["Content-Language"] == "uk"
    assert "Accept-Language" in response["Vary"]
    # Without lang= in the request, links into the API carry none: the header keeps the language.
    assert response.json()["pledges_url"] == "http://testserver/api/v1/pledges/?member=france"


def test_the_lang_parameter_wins_over_accept_language(client, france):
    body = client.get(api("member_detail", "france"), {"lang": "en"}, **UK).json()
    assert (body["language"], body["name"]) == ("en", "France")
    body = client.get(api("member_detail", "france"), {"lang": "uk"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["language"], body["name"]) == ("uk", "Франція")


@pytest.mark.parametrize("header", ["de-DE,de;q=0.9", "*", "", "fr;q=0.9, en;q=0.8"])
def test_any_other_language_is_english(client, france, header):
    response = client.get(api("member_detail", "france"), HTTP_ACCEPT_LANGUAGE=header)
    assert (response.json()["language"], response.json()["name"]) == ("en", "France")
    assert response["Content-Language"] == "en"


def test_a_later_preference_the_api_speaks_is_taken(client, france):
    body = client.get(api("member_detail", "france"), HTTP_ACCEPT_LANGUAGE="de;q=1.0, uk;q=0.5").json()
    assert body["language"] == "uk"


def test_an_untranslated_text_comes_in_english_in_a_ukrainian_answer(client, france):
    body = client.get(api("pledge_detail", france["untranslated"].pk), {"lang": "uk"}).json()
    assert body["language"] == "uk"
    assert body["summary"] == "Willing to train."
    assert body["untranslated"] == ["summary"]  # said, so a client can mark it as the pages do
    assert body["pledge_type"]["name"] == "Війська"
    translated = client.get(api("pledge_detail", france["pledge"].pk), {"lang": "uk"}).json()
    assert translated["untranslated"] == []
    english = client.get(api("pledge_detail", france["untranslated"].pk)).json()
    assert english["untranslated"] == []


def test_a_list_says_its_language_and_translates_every_object(client, france):
    body = client.get(api("pledge_list"), {"lang": "uk", "page_size": 1}).json()
    assert body["language"] == "uk"
    assert body["next"].endswith("lang=uk&page=2") or "lang=uk" in body["next"]
    summaries = {row["summary"] for row in client.get(api("pledge_list"), {"lang": "uk"}).json()["results"]}
    assert summaries == {"Готова надіслати війська після припинення вогню.", "Willing to train."}
    types = client.get(api("pledge_type_list"), **UK).json()["results"]
    assert [(t["name"], t["description"]) for t in types] == [("Війська", "Солдати.")]
    counts = client.get(api("count_list"), **UK).json()["results"]
    assert counts[0]["counts"] == "країн у «Коаліції охочих»"


def test_english_answers_are_unchanged_but_for_their_language(client, france):
    """The English answer is what the API always sent, with the new `language` key: English texts,
    links to the English pages, no lang= added to its links."""
    body = client.get(api("pledge_detail", france["pledge"].pk)).json()
    assert body["language"] == "en"
    assert body["summary"] == "Ready to send troops after a ceasefire."
    assert body["members"][0] == {
        "slug": "france",
        "name": "France",
        "url": "http://testserver/api/v1/members/france/",
        "web_url": "http://testserver/members/france/",
    }
    assert "summary_uk" not in body
    assert body["untranslated"] == []
    listed = client.get(api("pledge_list")).json()
    assert list(listed) == [
        "language", "answered_from", "release", "count", "page", "page_size", "next", "previous", "results",
    ]  # fmt: skip
    assert listed["language"] == "en"


@pytest.mark.parametrize("name", ["pledge_list", "member_detail", "index"])
def test_a_bad_lang_is_a_400_naming_it(client, france, name):
    url = api(name, "france") if name == "member_detail" else api(name)
    response = client.get(url, {"lang": "de"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == ["lang"]


def test_a_bad_lang_is_named_with_the_other_bad_parameters_in_the_language_of_the_header(client, france):
    response = client.get(api("pledge_list"), {"lang": "klingon", "has_money": "maybe"}, **UK)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"lang", "has_money"}
    assert "klingon" in errors["lang"][0] and "Select a valid choice" not in errors["lang"][0]


def test_the_api_under_the_ukrainian_address_answers_in_ukrainian_unless_asked_otherwise(client, france):
    body = client.get("/uk/api/v1/members/france/").json()
    assert (body["language"], body["name"]) == ("uk", "Франція")
    assert body["url"] == "http://testserver/uk/api/v1/members/france/"
    assert client.get("/uk/api/v1/members/france/", {"lang": "en"}).json()["name"] == "France"


def test_an_empty_lang_is_the_same_as_none(client, france):
    assert client.get(api("member_detail", "france"), {"lang": ""}, **UK).json()["language"] == "uk"


def test_the_schema_documents_lang_and_the_answers_language(client):
    document = client.get(api("openapi")).json()
    for path, item in document["paths"].items():
        names = [p["name"] for p in item["get"]["parameters"]]
        assert names[-1] == "lang", path
        assert "400" in item["get"]["responses"], path
        assert "Content-Language" in item["get"]["responses"]["200"]["headers"], path
    schemas = document["components"]["schemas"]
    assert schemas["PledgePage"]["properties"]["language"]["enum"] == ["en", "uk"]
    assert schemas["PledgeAnswer"]["required"][0] == "language"
    # The schema is the same in every language: it is code.
    assert client.get(api("openapi"), **UK).json() == document
    assert "Accept-Language" in document["info"]["description"]


def test_the_page_cache_keeps_api_languages_apart(client, france):
    url = api("member_detail", "france")
    english = client.get(url)
    ukrainian = client.get(url, **UK)
    again_english = client.get(url)
    again_ukrainian = client.get(url, **UK)
    assert (english["X-Cache"], ukrainian["X-Cache"]) == ("miss", "miss")
    assert (again_english["X-Cache"], again_ukrainian["X-Cache"]) == ("hit", "hit")
    assert again_english.json()["name"] == "France"
    assert again_ukrainian.json()["name"] == "Франція"
    assert again_ukrainian["Content-Language"] == "uk"
    assert english["ETag"] != ukrainian["ETag"]
    # A conditional request with the English tag is no 304 for the Ukrainian answer.
    assert client.get(url, HTTP_IF_NONE_MATCH=english["ETag"], **UK).status_code == 200
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=english["ETag"])
    assert not_modified.status_code == 304
    assert "Accept-Language" in not_modified["Vary"]
    assert client.get(url, {"lang": "uk"}).json()["name"] == "Франція"


def count_queries(client, url: str, **extra) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **extra).status_code == 200
    return len(queries)


def some_of_everything(size: int) -> None:
    """`size` pledges, and roles, meetings and counts for about a tenth of their members."""
    pledges = make_many_pledges(size, members=max(2, size // 10), types=3)
    for member in list({pledge.member for pledge in pledges})[: max(2, size // 10)]:
        make_membership(member)
        meeting = make_meeting()
        meeting.hosts.add(member)
        make_count(meeting=meeting)


@pytest.mark.parametrize(
    "name", ["pledge_list", "member_list", "pledge_type_list", "meeting_list", "count_list"]
)
def test_api_query_counts_stay_flat_in_both_languages(client, settings, name):
    settings.PAGE_CACHE_SECONDS = 0
    some_of_everything(3)
    few = {lang: count_queries(client, api(name) + f"?lang={lang}") for lang in ("en", "uk")}
    some_of_everything(60)
    many = {lang: count_queries(client, api(name) + f"?lang={lang}") for lang in ("en", "uk")}
    assert few == many
    assert many["en"] == many["uk"]


# --- Downloads ----------------------------------------------------------------------------------------


def test_exports_carry_each_text_in_both_languages_and_empty_where_not_translated(client, france):
    rows = list(
        csv.DictReader(
            io.StringIO(body_of(client.get(reverse("pledges:pledge_list"), {"format": "csv"})).decode())
        )
    )
    by_summary = {row["summary"]: row for row in rows}
    translated_row = by_summary["Ready to send troops after a ceasefire."]
    assert translated_row["summary_uk"] == "Готова надіслати війська після припинення вогню."
    assert translated_row["conditions_uk"] == "Після припинення вогню."
    assert translated_row["member_names_uk"] == "Франція"
    assert by_summary["Willing to train."]["summary_uk"] == ""
    header = list(rows[0])
    assert header.index("summary_uk") == header.index("summary") + 1
    members = json_of(client.get(reverse("pledges:member_list"), {"format": "json"}))["results"]
    assert [(m["name"], m["name_uk"]) for m in members] == [("France", "Франція")]


def test_the_full_downloads_and_their_schemas_have_the_ukrainian_columns(client, france):
    document = json.loads(body_of(client.get(reverse("pledges:download_json"))))
    assert document["pledge_types"][0]["name_uk"] == "Війська"
    assert document["pledge_types"][0]["description_uk"] == "Солдати."
    assert document["headline_counts"][0]["counts_uk"] == "країн у «Коаліції охочих»"
    assert document["sources"][0]["language"] == "en"
    package = json_of(client.get(reverse("pledges:download_datapackage")))
    for resource in package["resources"]:
        record = next(r for r in RECORDS.values() if r.table == resource["name"])
        names = [field["name"] for field in resource["schema"]["fields"]]
        assert names == record.header
    pledges = next(r for r in package["resources"] if r["name"] == "pledges")
    summary_uk = next(f for f in pledges["schema"]["fields"] if f["name"] == "summary_uk")
    assert "Ukrainian" in summary_uk["description"] and "constraints" not in summary_uk
    table = body_of(client.get(reverse("pledges:download_table", args=["members"]))).decode()
    assert table.splitlines()[0].startswith("slug,name,name_uk,")


def test_the_downloads_are_the_same_whichever_language_asks(client, france):
    english = body_of(client.get(reverse("pledges:download_table", args=["pledges"])))
    ukrainian = body_of(client.get("/uk/download/pledges.csv"))
    assert english == ukrainian


# --- Feeds --------------------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def feed(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return response, ET.fromstring(response.content)


def test_the_ukrainian_feed_is_in_ukrainian_and_links_to_the_ukrainian_pages(client, france):
    response, root = feed(client, "/uk/feeds/pledges.atom")
    assert root.get(XML_LANG) == "uk"
    assert response["Content-Language"] == "uk"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["alternate"] == "http://testserver/uk/pledges/"
    assert links["self"] == "http://testserver/uk/feeds/pledges.atom"
    entries = root.findall(f"{ATOM}entry")
    pledge = france["pledge"]
    entry = next(e for e in entries if e.find(f"{ATOM}link").get("href").endswith(f"/{pledge.pk}/"))
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/uk/pledges/{pledge.pk}/"
    assert "Франція: Війська" in entry.find(f"{ATOM}title").text
    summary = entry.find(f"{ATOM}summary").text
    assert "Готова надіслати війська після припинення вогню." in summary
    assert "Після припинення вогню." in summary
    assert "Ready to send troops" not in summary
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")][0] == "Війська"


def test_an_untranslated_summary_in_the_ukrainian_feed_is_marked_english(client, france):
    _response, root = feed(client, "/uk/feeds/pledges.atom")
    untranslated = france["untranslated"]
    entry = next(
        e
        for e in root.findall(f"{ATOM}entry")
        if e.find(f"{ATOM}link").get("href").endswith(f"/{untranslated.pk}/")
    )
    assert '<span lang="en">Willing to train.</span>' in entry.find(f"{ATOM}summary").text


def test_member_and_type_feeds_exist_in_ukrainian(client, france):
    _response, member_feed = feed(client, "/uk/feeds/members/france.atom")
    assert member_feed.find(f"{ATOM}title").text.startswith("Франція")
    assert member_feed.get(XML_LANG) == "uk"
    links = {link.get("rel"): link.get("href") for link in member_feed.findall(f"{ATOM}link")}
    assert links["alternate"] == "http://testserver/uk/members/france/"
    _response, type_feed = feed(client, "/uk/feeds/types/troops.atom")
    assert type_feed.find(f"{ATOM}title").text.startswith("Війська")
    assert "Війська" in type_feed.find(f"{ATOM}subtitle").text


def test_the_english_feeds_are_as_they_were(client, france):
    response, root = feed(client, "/feeds/members/france.atom")
    assert root.get(XML_LANG) == "en"
    assert (
        root.find(f"{ATOM}title").text
        == "France: new and changed pledges · Ukraine security guarantees tracker"
    )
    assert root.find(f"{ATOM}subtitle").text == "Pledges by France to Ukraine’s security."
    pledge = france["pledge"]
    entry = next(
        e
        for e in root.findall(f"{ATOM}entry")
        if e.find(f"{ATOM}link").get("href").endswith(f"/{pledge.pk}/")
    )
    assert entry.find(f"{ATOM}title").text == "France: Troops — committed"
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/pledges/{pledge.pk}/"
    assert entry.find(f"{ATOM}summary").text.startswith(
        "<p>Ready to send troops after a ceasefire.</p><p>Party: France</p><p>Status: Committed</p>"
        "<p>Conditions: After a ceasefire.</p>"
    )
    assert "lang=" not in entry.find(f"{ATOM}summary").text


def test_ukrainian_pages_point_to_the_ukrainian_feeds(client, france):
    content = client.get("/uk/members/france/").content.decode()
    feeds = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', content)
    assert feeds and all(href.startswith("/uk/feeds/") for href in feeds)
    assert "/uk/feeds/members/france.atom" in feeds
    english = client.get("/members/france/").content.decode()
    english_feeds = re.findall(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', english
    )
    assert "/feeds/members/france.atom" in english_feeds
    assert not any(href.startswith("/uk/") for href in english_feeds)


def test_a_ukrainian_feed_may_be_read_from_another_site(client, france):
    response = client.get("/uk/feeds/pledges.atom", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_feed_query_counts_stay_flat_in_both_languages(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    member = make_member(slug="flat")
    make_pledge(member=member)
    few = {p: count_queries(client, p) for p in ("/feeds/members/flat.atom", "/uk/feeds/members/flat.atom")}
    for n in range(20):
        make_pledge(member=member, summary=f"Pledge {n}", summary_uk=f"Зобов’язання {n}")
    many = {p: count_queries(client, p) for p in few}
    assert few == many


# --- Embeds, cards, oEmbed ---------------------------------------------------------------------------


def test_the_ukrainian_embed_is_in_ukrainian_and_links_to_ukrainian_pages(client, france):
    response = client.get("/uk/members/france/embed/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="uk"' in content
    assert "Франція" in content and "Готова надіслати війська після припинення вогню." in content
    assert 'href="http://testserver/uk/members/france/"' in content
    english = client.get("/members/france/embed/").content.decode()
    assert '<html lang="en"' in english and "Франція" not in english


def test_the_ukrainian_embed_may_be_framed_as_the_english_one_and_nothing_else(client, france):
    for path in ("/members/france/embed/", "/uk/members/france/embed/"):
        for _ in range(2):  # rendered, then from the cache
            response = client.get(path)
            assert "X-Frame-Options" not in response.headers, path
            assert "frame-ancestors *" in response["Content-Security-Policy"], path
    for path in ("/uk/members/france/", "/uk/members/france/card.svg", "/uk/"):
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY", path


def test_the_ukrainian_svg_card_is_in_ukrainian(client, france):
    response = client.get("/uk/members/france/card.svg")
    root = ET.fromstring(response.content)
    assert root.get(XML_LANG) == "uk"
    content = response.content.decode()
    assert "Франція" in content and "Війська" in content
    assert "France" not in content
    # The data's date as Ukrainian writes it: the month in the genitive ("4 вересня 2025").
    months = "січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня"
    assert re.search(rf"\b\d{{1,2}} ({months}) \d{{4}}\b", content)
    english = client.get("/members/france/card.svg")
    assert ET.fromstring(english.content).get(XML_LANG) == "en"
    assert "France" in english.content.decode() and "Франція" not in english.content.decode()


def test_each_language_has_its_own_card_in_the_card_cache(client, db):
    member = make_member(slug="dated", name="Dated", name_uk="Датована")
    make_pledge(member=member)
    as_of = date(2025, 9, 4)
    with translation.override("uk"):
        card = cards.Card.build(member, *cards.card_counts(member), as_of, "Site", "https://example.org")
    assert card.language == "uk" and card.name == "Датована"
    with translation.override("en"):
        english = cards.Card.build(member, *cards.card_counts(member), as_of, "Site", "https://example.org")
    assert english.language == "en" and english.name == "Dated"
    assert card.digest() != english.digest()


def test_the_png_card_is_drawn_per_language_and_cached_apart(client, france, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0  # so that the card cache alone answers a second request
    drawn = []
    real = cards.draw_card
    monkeypatch.setattr(cards, "draw_card", lambda card: drawn.append(card) or real(card))
    english = client.get("/members/france/card.png")
    ukrainian = client.get("/uk/members/france/card.png")
    assert english["Content-Type"] == ukrainian["Content-Type"] == "image/png"
    assert english.content != ukrainian.content
    assert [(card.language, card.name) for card in drawn] == [("en", "France"), ("uk", "Франція")]
    # Asked again, each comes from the card cache, not drawn again, and not the other's.
    assert client.get("/uk/members/france/card.png").content == ukrainian.content
    assert client.get("/members/france/card.png").content == english.content
    assert len(drawn) == 2


def test_the_page_cache_keeps_the_languages_of_a_page_apart(client, france):
    for path in ("/members/france/embed/", "/uk/members/france/embed/"):
        assert client.get(path)["X-Cache"] == "miss"
    english, ukrainian = client.get("/members/france/embed/"), client.get("/uk/members/france/embed/")
    assert (english["X-Cache"], ukrainian["X-Cache"]) == ("hit", "hit")
    assert "Франція" in ukrainian.content.decode() and "Франція" not in english.content.decode()
    assert english["ETag"] != ukrainian["ETag"]


def test_oembed_answers_in_the_language_of_the_page_it_is_asked_about(client, france):
    body = client.get(reverse("pledges:oembed"), {"url": "http://testserver/uk/members/france/"}).json()
    assert body["title"].startswith("Франція")
    assert 'src="http://testserver/uk/members/france/embed/"' in body["html"]
    assert body["provider_url"] == "http://testserver/uk/"
    english = client.get(reverse("pledges:oembed"), {"url": "http://testserver/members/france/"}).json()
    assert english["title"] == "France: pledges to Ukraine’s security"
    assert 'src="http://testserver/members/france/embed/"' in english["html"]
    # The endpoint's own address does not decide: the page's does.
    from_uk = client.get("/uk/oembed/", {"url": "http://testserver/members/france/"}).json()
    assert from_uk["title"] == english["title"]


def test_oembed_still_refuses_other_pages_in_either_language(client, france):
    for url in (
        "http://testserver/uk/pledges/",
        "http://testserver/uk/members/nowhere/",
        "http://testserver/uk/",
    ):
        response = client.get(reverse("pledges:oembed"), {"url": url})
        assert response.status_code == 404, url
        assert "error" in response.json()


def test_the_embed_panel_offers_both_languages_snippets_labelled(client, france):
    content = client.get("/members/france/").content.decode()
    boxes = dict(re.findall(r'<textarea id="([^"]+)"[^>]*>(.*?)</textarea>', content, re.S))
    assert set(boxes) == {"embed-code-france", "embed-code-france-uk"}
    assert 'src="http://testserver/members/france/embed/"' in html.unescape(boxes["embed-code-france"])
    assert 'src="http://testserver/uk/members/france/embed/"' in html.unescape(boxes["embed-code-france-uk"])
    assert "Франція" in html.unescape(boxes["embed-code-france-uk"])
    labels = dict(re.findall(r'<label for="(embed-code-[^"]+)">([^<]+)</label>', content))
    assert labels["embed-code-france"] == "Embed code (English)"
    assert "Ukrainian" in labels["embed-code-france-uk"]
    assert 'href="/uk/members/france/embed/" hreflang="uk"' in content
    # On the Ukrainian page, its own language's code comes first.
    uk_content = client.get("/uk/members/france/").content.decode()
    uk_boxes = re.findall(r'<textarea id="([^"]+)"[^>]*>(.*?)</textarea>', uk_content, re.S)
    assert [box for box, _code in uk_boxes] == ["embed-code-france", "embed-code-france-en"]
    assert 'src="http://testserver/uk/members/france/embed/"' in html.unescape(uk_boxes[0][1])


@pytest.mark.parametrize("prefix", ["", "/uk"])
def test_embed_and_card_query_counts_stay_flat_in_both_languages(client, settings, prefix):
    settings.PAGE_CACHE_SECONDS = 0
    member = make_member(slug="counted")
    types = [make_type() for _ in range(3)]
    make_pledge(member=member, pledge_type=types[0])
    paths = [f"{prefix}/members/counted/embed/", f"{prefix}/members/counted/card.svg"]
    few = {path: count_queries(client, path) for path in paths}
    for n in range(30):
        make_pledge(member=member, pledge_type=types[n % 3], summary=f"Pledge {n}")
    assert {path: count_queries(client, path) for path in paths} == few


def test_crawlers_are_kept_out_of_the_ukrainian_api_and_oembed_as_the_english(client, db):
    lines = client.get(reverse("pledges:robots")).content.decode().splitlines()
    assert {
        "Disallow: /api/v1/",
        "Disallow: /uk/api/v1/",
        "Disallow: /oembed/",
        "Disallow: /uk/oembed/",
    } <= set(lines)
    assert "Disallow: /uk/" not in lines
