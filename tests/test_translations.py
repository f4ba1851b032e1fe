"""The tracker's own words in Ukrainian: each text shown in the reader's language, the English marked
where a translation is missing, quotes never translated, validate_data insisting on the Ukrainian texts
every published fact needs, and search finding Ukrainian words."""

import io
import re
from html import unescape

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from pledges import codebook
from pledges.models import HeadlineCount, Member, Pledge, PledgeType
from pledges.translations import translated
from tests.conftest import make_count, make_member, make_pledge, make_source, make_type

pytestmark = pytest.mark.django_db

QUOTE = "Germany is prepared to pay for two Patriot systems for Ukraine."


@pytest.fixture
def dataset(db):
    call_command("load_dataset", stdout=io.StringIO())


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def marker() -> str:
    """The visible word that follows an English text on a Ukrainian page, from the catalogue."""
    with translation.override("uk"):
        return translation.gettext("in English")


def uk_pledge_ids(html: str) -> set[int]:
    table = html.split('<table class="pledges">', 1)
    if len(table) < 2:
        return set()
    return {int(pk) for pk in re.findall(r'href="/uk/pledges/(\d+)/"', table[1].split("</table>")[0])}


# The accessor


def test_the_accessor_gives_the_ukrainian_text_and_falls_back_to_the_english_marked(db):
    member = make_member(name="France", name_uk="Франція", description="Co-chairs.", description_uk="")
    assert translated(member, "name", "uk") == "Франція"
    assert translated(member, "name", "uk").lang == "uk"
    assert not translated(member, "name", "uk").fallback
    assert translated(member, "name", "uk-UA") == "Франція"
    fell_back = translated(member, "description", "uk")
    assert (fell_back, fell_back.lang, fell_back.fallback) == ("Co-chairs.", "en", True)
    english = translated(member, "name", "en")
    assert (english, english.lang, english.fallback) == ("France", "en", False)
    with translation.override("uk"):
        assert translated(member, "name") == "Франція"


# Pages in Ukrainian


def test_a_ukrainian_page_shows_a_pledges_ukrainian_summary_and_conditions(client, db):
    pledge = make_pledge(
        summary="Prepared to pay for two Patriot systems.",
        summary_uk="Готова оплатити дві системи Patriot.",
        conditions="After a ceasefire.",
        conditions_uk="Після припинення вогню.",
    )
    html = page(client, f"/uk/pledges/{pledge.pk}/")
    assert '<p class="lede">Готова оплатити дві системи Patriot.</p>' in html
    assert "Після припинення вогню." in html
    assert "Prepared to pay for two Patriot systems." not in html
    assert "untranslated" not in html


def test_a_missing_ukrainian_summary_shows_the_english_in_lang_en_with_a_visible_marker(client, db):
    pledge = make_pledge(summary="Minesweepers for the Black Sea.", summary_uk="")
    html = page(client, f"/uk/pledges/{pledge.pk}/")
    assert (
        '<p class="lede"><span lang="en" class="untranslated">Minesweepers for the Black Sea.</span> '
        f'<span class="untranslated-marker">({marker()})</span></p>'
    ) in html
    assert marker() == "англійською"
    # The same on the list of pledges and the member's page.
    assert '<span lang="en" class="untranslated">Minesweepers for the Black Sea.</span>' in page(
        client, "/uk/pledges/"
    )


def test_an_english_page_shows_the_english_with_no_marker(client, db):
    pledge = make_pledge(summary="Minesweepers for the Black Sea.", summary_uk="Тральщики для Чорного моря.")
    html = page(client, f"/pledges/{pledge.pk}/")
    assert '<p class="lede">Minesweepers for the Black Sea.</p>' in html
    assert "untranslated" not in html
    assert "Тральщики" not in html


def test_member_and_type_names_are_in_ukrainian_on_every_kind_of_page(client, db):
    france = make_member(slug="france", name="France", name_uk="Франція")
    troops = make_type(slug="troops", name="Troops", name_uk="Війська")
    make_pledge(members=[france], pledge_type=troops)
    for url in ("/uk/", "/uk/members/", "/uk/members/france/", "/uk/types/troops/", "/uk/pledges/"):
        html = page(client, url)
        assert "Франція" in html and "Війська" in html, url
        assert ">France<" not in html and ">Troops<" not in html, url
    embed = page(client, "/uk/members/france/embed/")
    assert "Франція" in embed and "Війська" in embed
    card = page(client, "/uk/members/france/card.svg")
    assert '<text x="24" y="40" font-size="24" font-weight="bold">Франція</text>' in card
    assert "Війська" in card
    # The matrix cell names the member and type in Ukrainian for a screen reader too.
    assert 'aria-label="Франція, Війська' in page(client, "/uk/")


def test_a_quote_on_a_ukrainian_page_is_verbatim_inside_an_element_marked_with_its_language(client, db):
    source = make_source(title="Zelenskyy says he has received positive signals")
    pledge = make_pledge(citation_source=source)
    for url in (f"/uk/pledges/{pledge.pk}/", f"/uk/members/{pledge.lead.slug}/"):
        html = page(client, url)
        assert f'<blockquote lang="en"><p>{QUOTE}</p></blockquote>' in html, url
        assert '<span lang="en">Zelenskyy says he has received positive signals</span>' in html, url
    source_page = page(client, f"/uk/sources/{source.slug}/")
    assert '<h1 lang="en">Zelenskyy says he has received positive signals</h1>' in source_page
    text = source_page.split('<div class="source-text" lang="en">', 1)[1].split("</div>", 1)[0]
    assert QUOTE in unescape(re.sub(r"<[^>]+>", "", text))


def test_a_quote_from_a_source_in_another_language_carries_that_language(client, db):
    source = make_source(language="uk")
    pledge = make_pledge(citation_source=source)
    assert f'<blockquote lang="uk"><p>{QUOTE}</p></blockquote>' in page(client, f"/uk/pledges/{pledge.pk}/")


def test_english_words_quoted_in_a_ukrainian_text_stay_english_and_are_marked(client, db):
    pledge = make_pledge(
        summary="NATO allies reaffirmed Ukraine’s “irreversible” path toward membership.",
        summary_uk="Союзники по НАТО підтвердили “irreversible” («незворотний») шлях України до членства.",
    )
    html = page(client, f"/uk/pledges/{pledge.pk}/")
    assert (
        'Союзники по НАТО підтвердили <span lang="en">“irreversible”</span> («незворотний») шлях України'
    ) in html


def test_the_codebook_on_the_ukrainian_about_page_is_in_ukrainian(client, db):
    html = unescape(page(client, "/uk/about/"))
    for rule in codebook.all_rules():
        assert rule.rule_uk and rule.term_uk, rule.key
    assert codebook.OTHER_RULES[-1].rule_uk.split("“")[0] in html
    assert '<span lang="en">“ready to”</span>' in page(client, "/uk/about/")
    assert codebook.OTHER_RULES[-1].rule not in html


# validate_data


def problems_after(change) -> str:
    change()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("validate_data", stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def test_the_shipped_data_is_sound_with_every_ukrainian_text_it_needs(dataset):
    call_command("validate_data", stdout=io.StringIO())


def test_validate_data_fails_on_a_published_pledge_without_a_ukrainian_summary(dataset):
    ref = "germany-air-defence-patriot-funding-2025-07"
    message = problems_after(lambda: Pledge.objects.filter(ref=ref).update(summary_uk=""))
    assert f"Pledge {ref} is published without a Ukrainian summary" in message


def test_validate_data_fails_on_a_member_type_or_count_without_its_ukrainian_text(dataset):
    def blank():
        Member.objects.filter(slug="france").update(name_uk="")
        PledgeType.objects.filter(slug="troops").update(name_uk="")
        HeadlineCount.objects.filter(slug="coalition-members-35").update(counts_uk="")

    message = problems_after(blank)
    assert "Member france has no Ukrainian name" in message
    assert "Pledge type troops has no Ukrainian name" in message
    assert "Count coalition-members-35 is published without saying in Ukrainian" in message


def test_a_draft_needs_no_ukrainian_summary_yet(db):
    from pledges.validation import translation_problems

    make_pledge(is_published=False, summary_uk="")
    make_count(counts_uk="", is_published=False)
    assert list(translation_problems()) == []


# The shipped dataset


def test_every_published_fact_of_the_shipped_dataset_has_its_ukrainian_texts(dataset):
    published = Pledge.objects.published()
    assert published.count() == 59
    assert not published.filter(summary_uk="").exists()
    assert not published.exclude(conditions="").filter(conditions_uk="").exists()
    assert not Member.objects.filter(name_uk="").exists()
    assert not Member.objects.exclude(description="").filter(description_uk="").exists()
    assert not PledgeType.objects.filter(name_uk="").exists()
    assert not PledgeType.objects.filter(description_uk="").exists()
    assert not HeadlineCount.objects.filter(counts_uk="").exists()
    assert Member.objects.get(slug="united-kingdom").name_uk == "Велика Британія"
    assert Member.objects.get(slug="coalition-of-the-willing").name_uk == "Коаліція охочих"


def test_the_shipped_english_texts_are_unchanged_by_their_translations(dataset):
    pledge = Pledge.objects.get(ref="unnamed-european-allies-funding-defence-industry")
    assert pledge.summary == (
        "Ukraine has secured over $156 million for its defence industry from European allies, its "
        "defence minister says."
    )
    assert "156 млн доларів США" in pledge.summary_uk


# Search


def test_search_finds_ukrainian_words_in_either_language(client, db):
    wanted = make_pledge(summary="Minesweepers for the Black Sea.", summary_uk="Тральщики для Чорного моря.")
    make_pledge(summary="Two Patriot systems.", summary_uk="Дві системи Patriot.")
    for word in ("Тральщики", "тральщики", "Чорного"):
        assert uk_pledge_ids(page(client, f"/uk/pledges/?q={word}")) == {wanted.pk}, word
        assert pledge_ids_en(page(client, f"/pledges/?q={word}")) == {wanted.pk}, word
    # English words are still found on the Ukrainian pages.
    assert uk_pledge_ids(page(client, "/uk/pledges/?q=minesweepers")) == {wanted.pk}


def test_search_finds_a_member_and_a_type_by_their_ukrainian_names(client, db):
    france = make_member(name="France", name_uk="Франція")
    wanted = make_pledge(members=[france], pledge_type=make_type(name="Troops", name_uk="Війська"))
    make_pledge()
    assert uk_pledge_ids(page(client, "/uk/pledges/?q=Франція")) == {wanted.pk}
    assert uk_pledge_ids(page(client, "/uk/pledges/?q=війська")) == {wanted.pk}


def test_a_ukrainian_search_uses_the_full_text_index_on_postgresql(db):
    from pledges.search import search_pledges

    wanted = make_pledge(summary_uk="Тральщики для Чорного моря.")
    query = search_pledges(Pledge.objects.all(), "тральщики")
    assert list(query) == [wanted]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = query.explain()
        assert "pledge_search" in plan


def pledge_ids_en(html: str) -> set[int]:
    table = html.split('<table class="pledges">', 1)
    if len(table) < 2:
        return set()
    return {int(pk) for pk in re.findall(r'href="/pledges/(\d+)/"', table[1].split("</table>")[0])}


def test_published_changes_list_the_texts_in_the_readers_language(client, db):
    pledge = make_pledge(summary="Two Patriot systems.", summary_uk="Дві системи Patriot.")
    pledge.summary_uk = "Дві системи Patriot для України."
    pledge.save()
    history = page(client, f"/uk/pledges/{pledge.pk}/").split('id="history-heading"', 1)[1]
    assert "<del>Дві системи Patriot.</del>" in history
    assert "<ins>Дві системи Patriot для України.</ins>" in history
    # The English text did not change: the English page lists no change.
    english = page(client, f"/pledges/{pledge.pk}/").split('id="history-heading"', 1)[1]
    assert "<del>" not in english and "Дві системи" not in english


def test_words_quoted_in_the_shipped_ukrainian_texts_are_verbatim_from_their_english(dataset):
    """A Ukrainian text keeps a source's words in “…” exactly as its English twin quotes them."""
    from django.apps import apps

    from pledges.templatetags.tracker import QUOTED

    texts = [(f"rule {r.key}", r.rule, r.rule_uk) for r in codebook.all_rules()]
    for model in apps.get_app_config("pledges").get_models():
        names = {field.name for field in model._meta.concrete_fields}
        if model.__name__.startswith("Historical"):
            continue
        for name in sorted(n for n in names if f"{n}_uk" in names):
            for obj in model.objects.exclude(**{f"{name}_uk": ""}):
                texts.append(
                    (f"{model.__name__} {obj.pk} {name}", getattr(obj, name), getattr(obj, f"{name}_uk"))
                )
    assert len(texts) > 500
    altered = [
        (where, quoted)
        for where, english, ukrainian in texts
        for quoted in QUOTED.findall(ukrainian)
        if not re.search(r"[\u0400-\u04ff]", quoted) and quoted[1:-1] not in english
    ]
    assert altered == []


def test_the_ukrainian_members_list_is_in_the_order_of_the_ukrainian_names(client, db):
    for slug, name, name_uk in (("finland", "Finland", "Фінляндія"), ("germany", "Germany", "Німеччина")):
        make_pledge(members=[make_member(slug=slug, name=name, name_uk=name_uk)])
    english = page(client, "/members/")
    assert english.index(">Finland<") < english.index(">Germany<")
    ukrainian = page(client, "/uk/members/")
    assert ukrainian.index(">Німеччина<") < ukrainian.index(">Фінляндія<")


def test_a_meetings_place_and_a_pledges_unit_are_in_ukrainian(client, dataset):
    meetings = page(client, "/uk/meetings/")
    # The place in the meeting's line; the quotes beneath it keep their "White House".
    assert " · Білий дім" in meetings and " · White House" not in meetings
    germany = Pledge.objects.get(ref="germany-air-defence-patriot-funding-2025-07")
    assert "2 системи Patriot" in page(client, f"/uk/pledges/{germany.pk}/")
    assert "2 Patriot systems" in page(client, f"/pledges/{germany.pk}/")
