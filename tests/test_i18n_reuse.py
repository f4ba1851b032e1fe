"""Reuse in both languages: the API in the language asked for, downloads with both languages' columns,
feeds, embeds, cards and oEmbed per language; English answers as they were; the caches keep the
languages apart; the query counts stay flat in both."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import (
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
    # The quote stays in its source's words.
    assert body["citations"][0]["quote"] == "Germany is prepared to pay for two Patriot systems for Ukraine."
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
    assert body["pledge_type"]["name"] == "Війська"


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
    listed = client.get(api("pledge_list")).json()
    assert list(listed) == ["language", "count", "page", "page_size", "next", "previous", "results"]
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
    assert client.get(url, HTTP_IF_NONE_MATCH=english["ETag"]).status_code == 304
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
