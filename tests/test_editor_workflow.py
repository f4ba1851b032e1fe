"""The editors' journey: cite from the source, merge concurrent edits, clean text, review, history."""

import xml.dom.minidom
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from pledges.models import Citation, Member, Pledge, PledgeType, Source
from tests.conftest import SOURCE_TEXT, make_member, make_pledge, make_source, make_type
from tests.test_editors import admin_url, browser_data, create_editor, errors_of

STATEMENT = (
    "Spain will contribute two frigates to maritime security in the Black Sea once a ceasefire is agreed, "
    "the defence minister said.\nThe frigates are of the F-100 class."
)


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


def source_form(**fields) -> dict:
    data = {
        "title": "Spanish defence ministry statement",
        "slug": "",
        "publisher": "",
        "kind": "official-statement",
        "url": "",
        "published_on": "",
        "covers_from": "",
        "covers_to": "",
        "seen_on": "",
        "description": "",
        "text": STATEMENT,
        "parts-TOTAL_FORMS": "0",
        "parts-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def quick_pledge(**fields) -> dict:
    data = {
        "quote": "Spain will contribute two frigates to maritime security in the Black Sea",
        "locator": "Paragraph 1",
        "member": "",
        "new_member": "Spain",
        "new_member_kind": "country",
        "pledge_type": str(PledgeType.objects.get(slug="maritime-security").pk),
        "status": "willing",
        "summary": "Spain will contribute two frigates to maritime security in the Black Sea.",
        "conditions": "Once a ceasefire is agreed.",
        "announced_on": "",
        "announced_precision": "unknown",
    }
    data.update(fields)
    return data


@pytest.fixture
def maritime(db):
    return make_type(slug="maritime-security", name="Maritime security")


def test_a_new_statement_becomes_a_cited_pledge_in_three_page_loads(editor_client, maritime):
    # 1: the empty source form; 2: saving it opens its cite page; 3: recording the pledge there.
    assert editor_client.get(admin_url(Source, "add")).status_code == 200
    saved = editor_client.post(admin_url(Source, "add"), source_form(_cite="1"))
    source = Source.objects.get(title="Spanish defence ministry statement")
    assert saved.status_code == 302 and saved["Location"] == reverse(
        "admin:pledges_source_cite", args=[source.pk]
    )
    page = editor_client.get(saved["Location"])
    assert "Quote this paragraph" in page.text and "The frigates are of the F-100 class." in page.text

    recorded = editor_client.post(saved["Location"], quick_pledge(publish="on"))

    assert recorded.status_code == 302, recorded.content[:2000]
    pledge = Pledge.objects.get(summary__startswith="Spain will contribute")
    assert [m.name for m in pledge.party_members] == ["Spain"]
    assert Member.objects.get(name="Spain").country.code == "ES"
    assert pledge.is_published and pledge.status == "willing"
    citation = pledge.citations.get()
    assert citation.source == source and citation.locator == "Paragraph 1"
    assert source.contains_quote(citation.quote)
    assert editor_client.get(reverse("pledges:pledge_detail", args=[pledge.pk])).status_code == 200


def test_a_paragraph_chosen_without_a_mouse_fills_the_quote_and_where_it_is(editor_client, maritime):
    source = make_source(text=STATEMENT)
    page = editor_client.get(reverse("admin:pledges_source_cite", args=[source.pk]))
    # Each paragraph's button is a link that works without JavaScript, by keyboard.
    assert 'class="button cite-use" href="?quote=Spain%20will' in page.text
    chosen = editor_client.get(
        reverse("admin:pledges_source_cite", args=[source.pk]),
        {"quote": "The frigates are of the F-100 class.", "locator": "Paragraph 2"},
    )
    assert chosen.context["form"]["quote"].value() == "The frigates are of the F-100 class."
    assert chosen.context["form"]["locator"].value() == "Paragraph 2"


def test_a_quote_not_in_the_source_names_the_nearest_passage_and_the_likely_cause(editor_client, maritime):
    source = make_source(text=STATEMENT)
    url = reverse("admin:pledges_source_cite", args=[source.pk])

    response = editor_client.post(
        url, quick_pledge(quote="Spain will contribute two frigates to maritime security in the Black Sea.")
    )

    assert response.status_code == 400
    message = " ".join(response.context["form"].errors["quote"])
    assert "<mark> </mark>" in message  # the first character that differs, marked
    assert "a full stop the source does not have there" in message
    assert Pledge.objects.count() == 0  # nothing was saved
    assert response.context["form"]["summary"].value().startswith("Spain will")  # nothing typed is lost

    curly = editor_client.post(
        url, quick_pledge(quote="Spain will contribute two frigates", new_member="Spain's navy")
    )
    assert curly.status_code == 400
    assert "new_member" in curly.context["form"].errors  # "Spain's navy" is no country


def test_a_straight_apostrophe_for_a_curly_one_is_named(editor_client, maritime):
    source = make_source(text="Italy’s Meloni backs Ukraine security plan.")
    response = editor_client.post(
        reverse("admin:pledges_source_cite", args=[source.pk]), quick_pledge(quote="Italy's Meloni backs")
    )
    assert "a straight apostrophe for a curly one" in " ".join(response.context["form"].errors["quote"])


def test_a_source_without_archived_text_cannot_back_a_published_fact(editor_client):
    bare = make_source(text="")
    pledge = make_pledge(cited=False)
    citation = Citation(source=bare, pledge=pledge, quote="Anything at all")
    with pytest.raises(Exception) as refused:
        citation.full_clean()
    assert "has no archived text" in str(refused.value)

    Citation.objects.create(
        source=bare, pledge=pledge, quote="Anything at all"
    )  # a row written around the form
    with pytest.raises(CommandError):
        call_command("validate_data")


def test_a_source_cited_only_by_drafts_is_not_public(client, db):
    source = make_source(title="Leaked draft memo")
    make_pledge(is_published=False, citation_source=source)
    assert client.get(reverse("pledges:source_detail", args=[source.slug])).status_code == 404
    assert "Leaked draft memo" not in client.get(reverse("pledges:source_list")).text
    assert client.get(f"/api/v1/sources/{source.slug}/").status_code == 404
    download = client.get(reverse("pledges:download_json"))
    assert "Leaked draft memo" not in b"".join(download.streaming_content).decode()

    make_pledge(citation_source=source)  # a published fact now cites it
    assert client.get(reverse("pledges:source_detail", args=[source.slug])).status_code == 200


# --- Two editors, or one editor in two tabs -------------------------------------------------------


@pytest.fixture
def second_client(db):
    other = create_editor("taras")
    second = Client()
    second.force_login(other)
    return second


def test_changes_to_different_fields_merge_and_nothing_untouched_goes_back(editor_client, second_client):
    pledge = make_pledge(summary="Spain will send frigates.", conditions="")
    url = admin_url(Pledge, "change", pledge.pk)
    mine, theirs = browser_data(editor_client.get(url)), browser_data(second_client.get(url))

    theirs["summary"] = "Spain will send frigates (F-100 class)."
    assert second_client.post(url, theirs).status_code == 302
    mine["conditions"] = "Once a ceasefire is agreed."
    response = editor_client.post(url, mine)

    assert response.status_code == 302, errors_of(response)
    pledge.refresh_from_db()
    assert pledge.summary == "Spain will send frigates (F-100 class)."  # theirs, untouched by me, kept
    assert pledge.conditions == "Once a ceasefire is agreed."


def test_a_field_both_changed_shows_base_theirs_and_mine_and_keeps_the_choice(editor_client, second_client):
    pledge = make_pledge(summary="Spain will send frigates.")
    url = admin_url(Pledge, "change", pledge.pk)
    mine, theirs = browser_data(editor_client.get(url)), browser_data(second_client.get(url))
    theirs["summary"] = "Theirs: two frigates (F-100 class)."
    assert second_client.post(url, theirs).status_code == 302

    mine["summary"] = "Mine: two frigates."
    conflict = editor_client.post(url, mine)

    assert conflict.status_code == 200
    text = errors_of(conflict)
    assert "taras" in text and "You both changed: Summary" in text
    assert "Spain will send frigates." in text  # what both started from
    assert "Theirs: two frigates (F-100 class)." in text and "Mine: two frigates." in text
    pledge.refresh_from_db()
    assert pledge.summary == "Theirs: two frigates (F-100 class)."  # nothing overwritten yet

    again = browser_data(conflict)
    again["keep_summary"] = "mine"
    assert editor_client.post(url, again).status_code == 302
    pledge.refresh_from_db()
    assert pledge.summary == "Mine: two frigates."


def test_the_same_editor_in_two_tabs_is_told_so(editor_client):
    pledge = make_pledge(summary="First.")
    url = admin_url(Pledge, "change", pledge.pk)
    tab1, tab2 = browser_data(editor_client.get(url)), browser_data(editor_client.get(url))
    tab1["summary"] = "From tab one."
    assert editor_client.post(url, tab1).status_code == 302
    tab2["summary"] = "From tab two."
    response = editor_client.post(url, tab2)
    assert "you, in another tab or window" in errors_of(response)


def test_a_citation_changed_on_its_own_page_is_not_overwritten_by_the_pledge_form(
    editor_client, second_client
):
    source = make_source(text=SOURCE_TEXT)
    pledge = make_pledge(citation_source=source)
    citation = pledge.citations.get()
    pledge_url = admin_url(Pledge, "change", pledge.pk)
    mine = browser_data(editor_client.get(pledge_url))

    citation_url = admin_url(Citation, "change", citation.pk)
    theirs = browser_data(second_client.get(citation_url))
    theirs["locator"] = "Paragraph 2, corrected"
    assert second_client.post(citation_url, theirs).status_code == 302

    mine["summary"] = "Only the summary changes here."
    response = editor_client.post(pledge_url, mine)

    assert response.status_code == 302, errors_of(response)
    citation.refresh_from_db()
    assert citation.locator == "Paragraph 2, corrected"
    history = editor_client.get(admin_url(Pledge, "history", pledge.pk)).text
    assert "Its citations" in history and "Paragraph 2, corrected" in history


# --- Text clean at the door, XML valid whatever the database holds -------------------------------


def test_control_characters_are_removed_from_input_with_a_message(editor_client):
    pledge = make_pledge(summary="Clean.")
    url = admin_url(Pledge, "change", pledge.pk)
    data = browser_data(editor_client.get(url))
    data["summary"] = "Pasted\x0bfrom a PDF\x01."
    response = editor_client.post(url, data, follow=True)
    pledge.refresh_from_db()
    assert pledge.summary == "Pasted\nfrom a PDF."
    assert "control characters" in response.text


def test_every_feed_card_and_page_stays_valid_whatever_the_database_holds(client, db):
    member = make_member(slug="spain", name="Spain", country="ES")
    pledge = make_pledge(member=member)
    source = pledge.citations.get().source
    dirty = "a\x0bb\x0cc\x01d\x1fe\ufffe"
    # .update() writes around every model and form, as a raw fix or an old backup would.
    Pledge.objects.filter(pk=pledge.pk).update(
        summary=dirty, conditions=dirty, note=dirty, quantity_unit=dirty
    )
    Member.objects.filter(pk=member.pk).update(name=dirty, description=dirty)
    Source.objects.filter(pk=source.pk).update(title=dirty, description=dirty, publisher=dirty)

    for url in (
        "/feeds/pledges.atom",
        "/feeds/members/spain.atom",
        f"/feeds/types/{pledge.pledge_type.slug}.atom",
        "/members/spain/card.svg",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        xml.dom.minidom.parseString(response.content)  # raises on any character XML forbids
    for url in (
        "/",
        "/members/spain/",
        f"/pledges/{pledge.pk}/",
        "/members/spain/embed/",
        f"/sources/{source.slug}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not any(ch in response.content.decode() for ch in "\x0b\x0c\x01\x1f\ufffe"), url


# --- Messages at the field ------------------------------------------------------------------------


def test_date_precision_follows_what_is_typed(editor_client):
    pledge = make_pledge(announced_on=None, announced_precision="unknown")
    url = admin_url(Pledge, "change", pledge.pk)
    for typed, expected in (("2025-07", ("2025-07-01", "month")), ("2025", ("2025-01-01", "year"))):
        data = browser_data(editor_client.get(url))
        data.update(announced_on=typed, announced_precision="unknown")
        assert editor_client.post(url, data).status_code == 302
        pledge.refresh_from_db()
        assert (pledge.announced_on.isoformat(), pledge.announced_precision) == expected
    page = editor_client.get(url)
    assert 'value="2025"' in page.text  # shown as ISO, as precise as stored


def test_month_with_a_full_day_date_is_refused_at_the_precision(editor_client):
    pledge = make_pledge(announced_on=date(2025, 7, 10), announced_precision="day")
    url = admin_url(Pledge, "change", pledge.pk)
    data = browser_data(editor_client.get(url))
    data.update(announced_on="2025-07-10", announced_precision="month")
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "type 2025-07 for a month" in " ".join(
        response.context["adminform"].form.errors["announced_precision"]
    )


def test_a_negative_quantity_is_refused_at_its_field(editor_client):
    pledge = make_pledge()
    url = admin_url(Pledge, "change", pledge.pk)
    page = editor_client.get(url)
    assert 'name="quantity" min="0"' in page.text or 'min="0"' in page.text
    data = browser_data(page)
    data.update(quantity="-2", quantity_unit="frigates")
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["quantity"]
    assert "Constraint" not in errors_of(response)


def test_the_same_url_with_tracking_parameters_is_the_same_source(editor_client):
    make_source(url="https://example.org/statement", title="The statement")
    response = editor_client.post(
        admin_url(Source, "add"),
        source_form(url="https://example.org/statement?utm_source=newsletter&utm_medium=email"),
    )
    assert response.status_code == 200
    assert "already recorded" in " ".join(response.context["adminform"].form.errors["url"])


def test_a_double_submit_of_the_same_pledge_is_no_error(editor_client, maritime):
    source = make_source(text=STATEMENT)
    url = reverse("admin:pledges_source_cite", args=[source.pk])
    assert editor_client.post(url, quick_pledge()).status_code == 302
    again = editor_client.post(
        url, quick_pledge(new_member="", member=str(Member.objects.get(name="Spain").pk))
    )
    assert again.status_code == 302
    refs = list(Pledge.objects.values_list("ref", flat=True))
    assert len(refs) == 2 and len(set(refs)) == 2


def test_the_editors_note_is_never_public(client, db):
    pledge = make_pledge(
        note="Read as willing: “prepared to pay”.", editor_note="Checked against the ministry's page"
    )
    for url in (f"/pledges/{pledge.pk}/", f"/members/{pledge.lead.slug}/", f"/api/v1/pledges/{pledge.pk}/"):
        text = client.get(url).content.decode()
        assert "Checked against the ministry" not in text, url
    assert "prepared to pay" in client.get(f"/pledges/{pledge.pk}/").text


# --- Home, review, history, throttling ------------------------------------------------------------


def test_the_editors_home_lists_the_work_waiting(editor_client, editor):
    draft = make_pledge(is_published=False, summary="My waiting draft.")
    draft.history.update(history_user=editor)
    make_source(title="A source nobody cites yet")
    broken = make_pledge()
    Citation.objects.filter(pledge=broken).update(quote="Words that are not in the text")
    page = editor_client.get(reverse("admin:index")).text
    assert "My drafts" in page and "My waiting draft." in page
    assert "A source nobody cites yet" in page
    assert "Words that are not in the text" in page


def test_review_before_publishing_needs_a_second_editor(settings, editor_client, second_client, editor):
    settings.REVIEW_BEFORE_PUBLISH = True
    draft = make_pledge(is_published=False)
    url = admin_url(Pledge, "change", draft.pk)
    data = browser_data(editor_client.get(url))
    data["is_published"] = "on"
    refused = editor_client.post(url, data)
    assert refused.status_code == 200 and "marked ready" in errors_of(refused)

    changelist = admin_url(Pledge, "changelist")
    editor_client.post(changelist, {"action": "mark_ready_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.ready_by == editor and not draft.is_published
    self_publish = editor_client.post(
        changelist, {"action": "publish_selected", "_selected_action": [draft.pk]}
    )
    assert self_publish.status_code == 302
    draft.refresh_from_db()
    assert not draft.is_published  # the editor who marked it cannot publish it

    second_client.post(changelist, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published
    names = {record.history_user.username for record in draft.history.exclude(history_user=None)}
    assert {"olena", "taras"} <= names


def test_two_versions_can_be_compared_and_the_revert_page_says_what_changes(editor_client):
    pledge = make_pledge(summary="Version one.")
    url = admin_url(Pledge, "change", pledge.pk)
    data = browser_data(editor_client.get(url))
    data["summary"] = "Version two."
    assert editor_client.post(url, data).status_code == 302
    older, newer = pledge.history.order_by("history_date")[:2]
    compare = editor_client.get(
        reverse("admin:pledges_pledge_history_compare", args=[pledge.pk]), {"a": older.pk, "b": newer.pk}
    )
    assert compare.status_code == 200 and "Version one." in compare.text and "Version two." in compare.text
    revert = editor_client.get(admin_url(Pledge, "simple_history", pledge.pk, older.pk))
    assert "What reverting will change" in revert.text and "Version two." in revert.text


def test_many_usernames_from_one_address_are_throttled(client, db, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    login = reverse("admin:login")
    for n in range(8):
        client.post(login, {"username": f"guess{n}", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    create_editor("someone")
    blocked = client.post(login, {"username": "someone", "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    assert blocked.status_code in (403, 429) or "locked" in blocked.content.decode().lower()
    elsewhere = client.post(login, {"username": "someone", "password": "wrong"}, REMOTE_ADDR="198.51.100.4")
    assert "locked" not in elsewhere.content.decode().lower()


def test_a_qualified_amount_reads_as_the_text_words_it(db):
    pledge = make_pledge(amount=Decimal("156000000"), currency="USD", amount_qualifier="over")
    assert pledge.amount_display == "over 156,000,000 USD"


def test_sources_and_members_merge_too(editor_client, second_client):
    source = make_source(title="A statement", publisher="")
    url = admin_url(Source, "change", source.pk)
    mine, theirs = browser_data(editor_client.get(url)), browser_data(second_client.get(url))
    theirs["publisher"] = "Ministry of Defence"
    assert second_client.post(url, theirs).status_code == 302
    mine["description"] = "Read in full."
    assert editor_client.post(url, mine).status_code == 302
    source.refresh_from_db()
    assert (source.publisher, source.description) == ("Ministry of Defence", "Read in full.")

    member = make_member(name="Spain", slug="spain", country="ES", description="")
    url = admin_url(Member, "change", member.pk)
    mine, theirs = browser_data(editor_client.get(url)), browser_data(second_client.get(url))
    theirs["description"] = "Theirs."
    assert second_client.post(url, theirs).status_code == 302
    mine["description"] = "Mine."
    conflict = editor_client.post(url, mine)
    assert conflict.status_code == 200 and "You both changed: Description" in errors_of(conflict)
    member.refresh_from_db()
    assert member.description == "Theirs."
