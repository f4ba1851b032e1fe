"""Editors in both languages: each English text with its Ukrainian beside it, the facts still lacking a
Ukrainian version (a list filter and a count on the home), and an admin that follows the editor's
browser language while the public pages follow their address alone."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from pledges.models import HeadlineCount, Meeting, Member, Pledge, PledgeType
from pledges.translations import translated_fields
from tests.conftest import (
    SOURCE_TEXT,
    make_count,
    make_meeting,
    make_member,
    make_pledge,
    make_source,
    make_type,
)
from tests.test_editors import admin_url, browser_data, create_editor, errors_of

UKRAINIAN_SUMMARY = "Іспанія надасть два фрегати для морської безпеки в Чорному морі."


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    return create_editor("olena")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def field_order(page: str) -> list[str]:
    """The names of the form's fields in the order the page shows them."""
    return re.findall(r'<(?:input|textarea|select)[^>]*\bname="([a-z_]+)"', page)


# --- Both languages in the change forms ---------------------------------------------------------------


def test_the_pledge_form_shows_each_ukrainian_text_right_after_its_english(editor_client):
    pledge = make_pledge(summary="Spain will send two frigates.", summary_uk=UKRAINIAN_SUMMARY)
    page = editor_client.get(admin_url(Pledge, "change", pledge.pk)).text

    order = field_order(page)
    for english in ("summary", "conditions", "note"):
        assert order[order.index(english) + 1] == f"{english}_uk"
    assert UKRAINIAN_SUMMARY in page
    assert "Summary (Ukrainian)" in page
    assert "the English above, which is the reference text" in page
    assert "Quotes are never translated" in page
    # Each box says its language, for spelling checkers and screen readers.
    assert re.search(
        r'<textarea[^>]*name="summary_uk"[^>]*lang="uk"|<textarea[^>]*lang="uk"[^>]*name="summary_uk"', page
    )


@pytest.mark.parametrize(
    ("model", "make"),
    [(Member, make_member), (PledgeType, make_type), (Meeting, make_meeting), (HeadlineCount, make_count)],
)
def test_every_translated_fact_edits_both_languages(editor_client, model, make):
    obj = make()
    order = field_order(editor_client.get(admin_url(model, "change", obj.pk)).text)
    assert translated_fields(model)
    for english in translated_fields(model):
        assert order[order.index(english) + 1] == f"{english}_uk", order


def test_every_ukrainian_column_of_a_pledge_is_in_its_form(editor_client):
    pledge = make_pledge()
    order = field_order(editor_client.get(admin_url(Pledge, "change", pledge.pk)).text)
    for english in translated_fields(Pledge):
        assert order[order.index(english) + 1] == f"{english}_uk", order


def test_a_ukrainian_summary_typed_in_the_form_is_saved(editor_client):
    pledge = make_pledge(summary="Spain will send two frigates.", summary_uk="")
    url = admin_url(Pledge, "change", pledge.pk)
    data = browser_data(editor_client.get(url))
    data["summary_uk"] = UKRAINIAN_SUMMARY

    response = editor_client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    pledge.refresh_from_db()
    assert (pledge.summary, pledge.summary_uk) == ("Spain will send two frigates.", UKRAINIAN_SUMMARY)


def test_the_cite_page_records_a_ukrainian_summary_too(editor_client):
    source = make_source()
    pledge_type = make_type()
    member = make_member(name="Germany", country="DE")
    url = reverse("admin:pledges_source_cite", args=[source.pk])
    page = editor_client.get(url).text
    assert 'name="summary_uk"' in page and "Summary (Ukrainian)" in page

    response = editor_client.post(
        url,
        {
            "quote": SOURCE_TEXT.split(".")[0],
            "locator": "Paragraph 1",
            "member": str(member.pk),
            "new_member": "",
            "new_member_kind": "country",
            "pledge_type": str(pledge_type.pk),
            "status": "committed",
            "summary": "Germany will pay for two Patriot systems.",
            "summary_uk": "Німеччина оплатить дві системи Patriot.",
            "conditions": "",
            "announced_on": "",
            "announced_precision": "unknown",
        },
    )

    assert response.status_code == 302
    pledge = Pledge.objects.get(summary="Germany will pay for two Patriot systems.")
    assert pledge.summary_uk == "Німеччина оплатить дві системи Patriot."


def test_the_cite_page_leaves_the_ukrainian_summary_optional(editor_client):
    source, pledge_type, member = make_source(), make_type(), make_member()
    response = editor_client.post(
        reverse("admin:pledges_source_cite", args=[source.pk]),
        {
            "quote": SOURCE_TEXT.split(".")[0],
            "member": str(member.pk),
            "new_member_kind": "country",
            "pledge_type": str(pledge_type.pk),
            "status": "committed",
            "summary": "Pays for two Patriot systems.",
            "announced_precision": "unknown",
        },
    )
    assert response.status_code == 302
    assert Pledge.objects.get(summary="Pays for two Patriot systems.").summary_uk == ""


# --- Two editors: the Ukrainian fields merge like the others --------------------------------------------


@pytest.fixture
def second_client(db):
    other = Client()
    other.force_login(create_editor("taras"))
    return other


def test_one_editor_translating_while_another_corrects_the_english_keeps_both(editor_client, second_client):
    pledge = make_pledge(summary="Spain will send frigates.", summary_uk="")
    url = admin_url(Pledge, "change", pledge.pk)
    mine, theirs = browser_data(editor_client.get(url)), browser_data(second_client.get(url))
    theirs["summary"] = "Spain will send two frigates."
    assert second_client.post(url, theirs).status_code == 302

    mine["summary_uk"] = UKRAINIAN_SUMMARY
    response = editor_client.post(url, mine)

    assert response.status_code == 302, errors_of(response)
    pledge.refresh_from_db()
    assert (pledge.summary, pledge.summary_uk) == ("Spain will send two frigates.", UKRAINIAN_SUMMARY)


def test_two_translations_of_the_same_text_ask_which_to_keep(editor_client, second_client):
    pledge = make_pledge(summary_uk="Іспанія надішле фрегати.")
    url = admin_url(Pledge, "change", pledge.pk)
    mine, theirs = browser_data(editor_client.get(url)), browser_data(second_client.get(url))
    theirs["summary_uk"] = "Іспанія надішле два фрегати."
    assert second_client.post(url, theirs).status_code == 302

    mine["summary_uk"] = UKRAINIAN_SUMMARY
    conflict = editor_client.post(url, mine)

    assert conflict.status_code == 200
    text = errors_of(conflict)
    assert "You both changed: Summary (Ukrainian)" in text
    assert "Іспанія надішле два фрегати." in text and UKRAINIAN_SUMMARY in text
    pledge.refresh_from_db()
    assert pledge.summary_uk == "Іспанія надішле два фрегати."  # nothing overwritten yet
    again = browser_data(conflict)
    again["keep_summary_uk"] = "mine"
    assert editor_client.post(url, again).status_code == 302
    pledge.refresh_from_db()
    assert pledge.summary_uk == UKRAINIAN_SUMMARY


def test_a_member_translated_in_two_tabs_merges_with_a_corrected_description(editor_client):
    member = make_member(name="Spain", name_uk="", description="A member.", country="ES")
    url = admin_url(Member, "change", member.pk)
    first, second = browser_data(editor_client.get(url)), browser_data(editor_client.get(url))
    first["description"] = "A member since March 2025."
    assert editor_client.post(url, first).status_code == 302
    second["name_uk"] = "Іспанія"
    response = editor_client.post(url, second)

    assert response.status_code == 302, errors_of(response)
    member.refresh_from_db()
    assert (member.name_uk, member.description) == ("Іспанія", "A member since March 2025.")


# --- What still lacks a Ukrainian version ------------------------------------------------------------------


def test_the_filter_finds_the_pledges_lacking_ukrainian(editor_client):
    untranslated = make_pledge(summary="Untranslated pledge.", summary_uk="")
    half = make_pledge(
        summary="Half-translated pledge.", summary_uk="Перекладено.", conditions="After a ceasefire."
    )
    translated = make_pledge(summary="Translated pledge.", summary_uk="Перекладена обіцянка.")
    url = admin_url(Pledge, "changelist")

    missing = editor_client.get(url, {"ukrainian": "missing"})
    present = editor_client.get(url, {"ukrainian": "present"})

    assert {p.pk for p in missing.context["cl"].result_list} == {untranslated.pk, half.pk}
    assert {p.pk for p in present.context["cl"].result_list} == {translated.pk}
    assert "Ukrainian translation" in editor_client.get(url).text


@pytest.mark.parametrize(
    ("model", "make", "english", "ukrainian"),
    [
        (Member, make_member, {"name": "Spain"}, {"name_uk": "Іспанія"}),
        (PledgeType, make_type, {"name": "Air policing"}, {"name_uk": "Патрулювання повітряного простору"}),
        (Meeting, make_meeting, {"title": "Paris summit"}, {"title_uk": "Паризький саміт"}),
        (HeadlineCount, make_count, {"counts": "countries"}, {"counts_uk": "країн"}),
    ],
)
def test_the_filter_works_on_every_translated_kind_of_fact(editor_client, model, make, english, ukrainian):
    blank = {f"{name}_uk": "" for name in english}
    lacking = make(**english, **blank)
    done = make(**{name: f"{value} (2)" for name, value in english.items()}, **ukrainian)
    # Every other English text of the record (a meeting's place…) translated too.
    for name in translated_fields(model):
        if getattr(done, name) and not getattr(done, f"{name}_uk"):
            model.objects.filter(pk=done.pk).update(**{f"{name}_uk": "Перекладено"})
    url = admin_url(model, "changelist")

    missing = {row.pk for row in editor_client.get(url, {"ukrainian": "missing"}).context["cl"].result_list}
    present = {row.pk for row in editor_client.get(url, {"ukrainian": "present"}).context["cl"].result_list}

    assert lacking.pk in missing and lacking.pk not in present
    assert done.pk in present and done.pk not in missing


def test_the_home_counts_the_published_facts_lacking_ukrainian_and_links_to_them(editor_client):
    make_pledge(summary="First untranslated.", summary_uk="")
    make_pledge(summary="Second untranslated.", summary_uk="")
    make_pledge(summary="A translated one.", summary_uk="Перекладена.")
    make_pledge(summary="An untranslated draft.", summary_uk="", is_published=False)

    page = editor_client.get(reverse("admin:index")).text

    assert "Not yet in Ukrainian" in page
    link = admin_url(Pledge, "changelist") + "?ukrainian=missing&amp;is_published__exact=1"
    assert re.search(rf'<a href="{re.escape(link)}">Pledges: 2 of 3 lack Ukrainian</a>', page), page
    listed_pks = {
        p.pk
        for p in editor_client.get(
            admin_url(Pledge, "changelist"), {"ukrainian": "missing", "is_published__exact": "1"}
        )
        .context["cl"]
        .result_list
    }
    assert listed_pks == set(
        Pledge.objects.filter(summary__in=["First untranslated.", "Second untranslated."]).values_list(
            "pk", flat=True
        )
    )


def test_the_home_says_when_a_kind_is_all_in_ukrainian(editor_client):
    make_type(name="Air policing", name_uk="Патрулювання повітряного простору", description="")
    page = editor_client.get(reverse("admin:index")).text
    assert re.search(r"Pledge types: all \d+ in Ukrainian", page)


def test_the_home_counts_in_a_fixed_number_of_queries(editor_client):
    for n in range(3):
        make_pledge(summary=f"Untranslated {n}.", summary_uk="")
    editor_client.get(reverse("admin:index"))  # the session and permissions, once
    few = len(queries_of_home(editor_client))
    for n in range(6):
        make_pledge(summary=f"More untranslated {n}.", summary_uk="")
    assert len(queries_of_home(editor_client)) == few


def queries_of_home(client) -> list:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("admin:index"))
    return queries.captured_queries


# --- The admin in the editor's language; the public pages in their address's ------------------------------


def test_an_editor_whose_browser_asks_for_ukrainian_gets_the_admin_in_ukrainian(editor_client):
    response = editor_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="uk-UA,uk;q=0.9,en;q=0.5")

    page = response.text
    assert '<html lang="uk"' in page
    assert "Вийти" in page  # Django's own "Log out"
    assert response.headers["Content-Language"] == "uk"
    assert "Accept-Language" in response.headers["Vary"]


def test_the_login_page_follows_the_browser_language_too(client, db):
    page = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="uk").text
    assert '<html lang="uk"' in page and "Увійти" in page
    english = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").text
    assert '<html lang="en"' in english and "Log in" in english


def test_an_english_browser_gets_the_admin_in_english(editor_client):
    page = editor_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").text
    assert '<html lang="en"' in page and "Log out" in page and "Not yet in Ukrainian" in page


def test_the_pledge_form_in_ukrainian_still_saves_what_was_typed(editor_client):
    pledge = make_pledge(summary="Spain will send two frigates.", summary_uk="")
    url = admin_url(Pledge, "change", pledge.pk)
    data = browser_data(editor_client.get(url, HTTP_ACCEPT_LANGUAGE="uk"))
    data["summary_uk"] = UKRAINIAN_SUMMARY
    response = editor_client.post(url, data, HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 302, errors_of(response)
    pledge.refresh_from_db()
    assert pledge.summary_uk == UKRAINIAN_SUMMARY


@pytest.mark.parametrize("path", ["/", "/members/", "/pledges/", "/about/"])
def test_public_pages_never_depend_on_the_browser_language(client, db, path):
    make_pledge()
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="uk-UA,uk;q=0.9")
    ukrainian = client.get(f"/uk{path}", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert english.status_code == ukrainian.status_code == 200
    assert '<html lang="en"' in english.text
    assert '<html lang="uk"' in ukrainian.text
    for response in (english, ukrainian):
        assert "Accept-Language" not in response.headers.get("Vary", "")


def test_the_home_does_not_call_an_empty_kind_all_translated(editor_client):
    page = editor_client.get(reverse("admin:index")).text
    assert "Meetings: none public yet" in page
    assert "Meetings: all 0" not in page


def in_ukrainian(message: str) -> str:
    with translation.override("uk"):
        return gettext(message)


def test_the_tracker_s_own_admin_pages_speak_ukrainian_to_a_ukrainian_browser(editor_client):
    make_pledge(summary="Untranslated.", summary_uk="")
    source = make_source()
    home = editor_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="uk").text
    cite = editor_client.get(
        reverse("admin:pledges_source_cite", args=[source.pk]), HTTP_ACCEPT_LANGUAGE="uk"
    ).text
    pledges = editor_client.get(admin_url(Pledge, "changelist"), HTTP_ACCEPT_LANGUAGE="uk").text

    for page, messages in (
        (home, ("Start here", "Not yet in Ukrainian", "My drafts")),
        (cite, ("Quote this paragraph", "Record the pledge", "Summary (Ukrainian)")),
        (pledges, ("Ukrainian translation", "missing", "Publish selected pledges")),
    ):
        for message in messages:
            ukrainian = in_ukrainian(message)
            assert ukrainian != message, f"“{message}” has no Ukrainian translation"
            assert ukrainian in page or escape(ukrainian) in page, message
    assert "Start here" not in home
