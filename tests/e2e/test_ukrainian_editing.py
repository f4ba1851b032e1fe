"""A fact not yet translated shows its English on the Ukrainian pages, marked; an editor whose browser
speaks Ukrainian gets the admin in Ukrainian, sees how many facts lack a Ukrainian text, opens them and
translates one beside its English."""

import re
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from pledges.models import Pledge
from tests.conftest import make_member, make_pledge, make_type
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.e2e.test_editor_journey import create_editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNTRANSLATED = "Spain will send two frigates to the Black Sea once a ceasefire is agreed."
UKRAINIAN = "Іспанія надішле два фрегати до Чорного моря, щойно буде погоджено припинення вогню."
GUIDE = SCREENSHOTS / "editors-guide"


@pytest.fixture
def spanish_pledge(db) -> Pledge:
    """A published pledge whose member and type are translated but whose summary is not yet."""
    return make_pledge(
        member=make_member(name="Spain", name_uk="Іспанія", slug="spain", country="ES"),
        pledge_type=make_type(name="Maritime security", name_uk="Морська безпека", slug="maritime-security"),
        summary=UNTRANSLATED,
        summary_uk="",
    )


@pytest.fixture
def open_as(browser: Browser, live_server, page: Page) -> Iterator[Callable[..., Page]]:
    """A browser window signed in as an editor, its browser asking for `locale`'s language.

    Depends on `page` for the test settings it applies (static files without a manifest, fast hashing).
    """
    contexts = []

    def open_window(user: User, locale: str = "en-GB", viewport: dict = DESKTOP) -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale=locale)
        contexts.append(context)
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        window = context.new_page()
        window.set_default_timeout(10_000)
        return window

    yield open_window
    for context in contexts:
        context.close()


def test_a_fact_without_its_ukrainian_text_shows_the_english_marked(page: Page, spanish_pledge):
    page.goto(f"/uk/pledges/{spanish_pledge.pk}/")

    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator("h1")).to_have_text("Іспанія: Морська безпека")
    english = page.locator(".untranslated", has_text=UNTRANSLATED).first
    expect(english).to_be_visible()
    expect(english).to_have_attribute("lang", "en")
    marker = page.locator(".untranslated-marker").first
    expect(marker).to_be_visible()
    expect(marker).to_have_text("(англійською)")

    # The list marks it too; the English page has nothing to mark.
    page.goto("/uk/pledges/")
    expect(page.locator(".pledges .untranslated-marker").first).to_be_visible()
    page.goto(f"/pledges/{spanish_pledge.pk}/")
    expect(page.get_by_text(UNTRANSLATED).first).to_be_visible()
    expect(page.locator(".untranslated-marker")).to_have_count(0)


def test_once_translated_the_marker_goes(page: Page, spanish_pledge):
    Pledge.objects.filter(pk=spanish_pledge.pk).update(summary_uk=UKRAINIAN)
    page.goto(f"/uk/pledges/{spanish_pledge.pk}/")
    expect(page.get_by_text(UKRAINIAN).first).to_be_visible()
    expect(page.locator(".untranslated-marker")).to_have_count(0)


def test_an_editor_whose_browser_speaks_ukrainian_translates_a_fact_from_the_home(open_as, spanish_pledge):
    editor = open_as(create_editor("olena"), locale="uk-UA")
    editor.goto("/admin/")

    expect(editor.locator("html")).to_have_attribute("lang", "uk")
    expect(
        editor.get_by_role("link", name="Вийти").or_(editor.get_by_role("button", name="Вийти"))
    ).to_be_visible()
    counts = editor.locator("#untranslated-counts")
    expect(counts).to_be_visible()
    GUIDE.mkdir(parents=True, exist_ok=True)
    editor.locator("#editors-home").screenshot(path=str(GUIDE / "ukrainian-home-count.png"))

    counts.get_by_role("link", name=re.compile(r"^Pledges|^Зобов")).click()
    expect(editor).to_have_url(re.compile(r"ukrainian=missing"))
    editor.get_by_role("link", name=re.compile("Spain|Іспанія")).first.click()

    english, ukrainian = editor.locator("#id_summary"), editor.locator("#id_summary_uk")
    expect(english).to_have_value(UNTRANSLATED)
    expect(english).to_have_attribute("lang", "en")
    expect(ukrainian).to_have_attribute("lang", "uk")
    # Right under the English, with what it is for.
    below = editor.evaluate(
        "() => document.querySelector('#id_summary_uk').getBoundingClientRect().top"
        " - document.querySelector('#id_summary').getBoundingClientRect().bottom"
    )
    assert 0 <= below < 120
    ukrainian.fill(UKRAINIAN)
    editor.locator(".form-row.field-summary, .form-row.field-summary_uk").first.scroll_into_view_if_needed()
    editor.screenshot(path=str(GUIDE / "ukrainian-fields.png"))
    editor.locator('input[name="_save"]').click()

    expect(editor.locator(".messagelist")).to_be_visible()
    spanish_pledge.refresh_from_db()
    assert spanish_pledge.summary_uk == UKRAINIAN
    assert spanish_pledge.summary == UNTRANSLATED


def test_the_translation_filter_and_the_cite_page_at_phone_width(open_as, spanish_pledge):
    editor = open_as(create_editor("olena"), locale="uk-UA", viewport=PHONE)
    editor.goto("/admin/pledges/pledge/?ukrainian=missing")
    expect(editor.locator("html")).to_have_attribute("lang", "uk")
    expect(editor.get_by_text(UNTRANSLATED[:40]).first).to_be_visible()
    width = editor.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the filtered list is {width}px wide at phone width"
