"""An editor's journey in a real browser, as an editor account (not a superuser): a statement pasted as a
source becomes a published, cited pledge in three page loads, by keyboard or by mouse; the usual mistakes
are named at their field; two editors (or one in two tabs) merge instead of overwriting; history stays
usable on a phone; the cite page and the editors' home pass axe-core.

The journey counts what it took (page loads, clicks, fields filled in, keys pressed) and asserts upper
bounds on each; run with `-s` to see the counts. Screenshots for the editors' guide are written to
test-artifacts/screenshots/editors-guide/ (docs/img/editors/ holds the copies the guide shows).
"""

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Browser, Locator, Page, expect

from pledges.models import Citation, Member, Pledge, PledgeParty, PledgeType, Source
from tests.conftest import make_member, make_pledge, make_source, make_type
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.e2e.test_accessibility import BLOCKING, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long editor passphrase for the browser"
FIRST_SENTENCE = (
    "Spain will contribute two frigates to maritime security in the Black Sea once a ceasefire is agreed, "
    "the defence minister said."
)
SECOND_PARAGRAPH = "The minister’s office said the frigates are of the F-100 class."
STATEMENT = f"{FIRST_SENTENCE}\n{SECOND_PARAGRAPH}"
TITLE = "Spanish defence ministry statement"
# The words of the first sentence that say what Spain will do, without who said it.
QUOTE = "Spain will contribute two frigates to maritime security in the Black Sea once a ceasefire is agreed"
SUMMARY = "Two frigates for maritime security in the Black Sea, once a ceasefire is agreed."
GUIDE = SCREENSHOTS / "editors-guide"
AXE = Axe()


def create_editor(username: str) -> User:
    """A staff account in the Editors group, made as the guide says (not a superuser)."""
    call_command("setup_roles", stdout=io.StringIO())
    call_command(
        "create_editor",
        username,
        email=f"{username}@example.org",
        password_from_stdin=True,
        stdin=io.StringIO(PASSWORD + "\n"),
        stdout=io.StringIO(),
    )
    user = User.objects.get(username=username)
    assert user.is_staff and not user.is_superuser
    return user


def log_in(page: Page, username: str) -> None:
    page.goto("/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Start here")).to_be_visible()
    page.wait_for_load_state("load")  # so the home's own load is not counted as the journey's


@pytest.fixture
def open_as(browser: Browser, live_server, page: Page) -> Iterator[Callable[..., Page]]:
    """Open a browser window (its own context, so its own cookies) signed in as an editor.

    Depends on `page` for the test settings it applies (static files without a manifest, fast hashing).
    """
    contexts = []

    def open_window(user: User, viewport: dict = DESKTOP) -> Page:
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
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


@pytest.fixture
def olena(db) -> User:
    return create_editor("olena")


@pytest.fixture
def taras(db) -> User:
    return create_editor("taras")


@pytest.fixture
def maritime(db) -> PledgeType:
    make_type(slug="troops", name="Troops", order=1)
    make_type(slug="air-defence", name="Air defence", order=2)
    return make_type(slug="maritime-security", name="Maritime security", order=3)


@pytest.fixture
def statement(db) -> Source:
    return make_source(title=TITLE, slug="spanish-statement", kind="official-statement", text=STATEMENT)


def spanish_pledge(**overrides) -> Pledge:
    """Spain's published pledge of frigates, cited from the statement (made if not there yet)."""
    spain = Member.objects.filter(slug="spain").first() or make_member(
        name="Spain", slug="spain", country="ES"
    )
    maritime = PledgeType.objects.filter(slug="maritime-security").first() or make_type(
        slug="maritime-security", name="Maritime security"
    )
    source = Source.objects.filter(slug="spanish-statement").first() or make_source(
        title=TITLE, slug="spanish-statement", kind="official-statement", text=STATEMENT
    )
    pledge = make_pledge(member=spain, pledge_type=maritime, cited=False, **overrides)
    Citation.objects.create(source=source, pledge=pledge, quote=QUOTE, locator="Paragraph 1")
    return pledge


def guide_shot(page: Page, name: str, *regions: Locator, margin: int = 8) -> None:
    """A screenshot for the editors' guide: the smallest rectangle holding every region given (with a
    margin around it), or the visible window."""
    GUIDE.mkdir(parents=True, exist_ok=True)
    path = GUIDE / f"{name}.png"
    if regions:
        boxes = [
            region.evaluate(
                "el => { const r = el.getBoundingClientRect();"
                " return [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY]; }"
            )
            for region in regions
        ]
        left, top = max(0, min(b[0] for b in boxes) - margin), max(0, min(b[1] for b in boxes) - margin)
        right, bottom = max(b[2] for b in boxes) + margin, max(b[3] for b in boxes) + margin
        clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
        page.screenshot(path=str(path), full_page=True, clip=clip)
    else:
        page.screenshot(path=str(path))
    assert path.stat().st_size > 5_000, f"{path} looks empty"


def field_error(page: Page, name: str) -> Locator:
    """The error list shown at a field of an admin form or of the cite page."""
    return page.locator(
        f".fieldBox.field-{name} ul.errorlist, .form-row.field-{name}:not(.form-multiline) ul.errorlist"
    ).first


def no_sideways_scroll(page: Page) -> None:
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 4, f"{page.url} scrolls sideways: {scroll}px wide in a {width}px window"


# --- a. The journey, counted ---------------------------------------------------------------------


@dataclass
class Effort:
    """What a journey took: documents loaded, mouse clicks (a drag counts as one), the form fields the
    editor filled in, and the keys pressed (a character typed is one, a shortcut such as Ctrl+V one)."""

    page_loads: int = 0
    clicks: int = 0
    keystrokes: int = 0
    fields: set[str] = field(default_factory=set)
    # Of the keystrokes, the characters of text typed (the rest move, choose, paste or submit).
    characters: int = 0

    def __str__(self) -> str:
        return (
            f"{self.page_loads} page loads, {self.clicks} clicks, {len(self.fields)} fields "
            f"({', '.join(sorted(self.fields))}), {self.keystrokes} keystrokes "
            f"({self.characters} characters of text, {self.keystrokes - self.characters} other keys)"
        )


class Hands:
    """An editor's mouse and keyboard on one page, counting every move into an Effort."""

    def __init__(self, page: Page) -> None:
        self.page, self.effort = page, Effort()
        page.on("load", self._loaded)

    def _loaded(self, _page: Page) -> None:
        self.effort.page_loads += 1

    def stop(self) -> Effort:
        """Stop counting; what was counted so far."""
        self.page.remove_listener("load", self._loaded)
        return self.effort

    def _note_field(self) -> None:
        name = self.page.evaluate("document.activeElement.name || document.activeElement.id")
        assert name, "typing went to no field"
        self.effort.fields.add(name)

    def click(self, target: Locator, *, field: bool = False) -> None:
        target.click()
        self.effort.clicks += 1
        if field:
            self._note_field()

    def choose(self, select: Locator, label: str) -> None:
        """A native list chosen with the mouse: one click opens it, one picks the option."""
        select.select_option(label=label)
        self.effort.clicks += 2
        self.effort.fields.add(select.get_attribute("name"))

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.effort.keystrokes += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.effort.keystrokes += len(text)
        self.effort.characters += len(text)
        self._note_field()

    def paste(self, text: str) -> None:
        """Ctrl+V of a text copied elsewhere (the newsroom's copy of the statement)."""
        self.page.evaluate("text => navigator.clipboard.writeText(text)", text)
        self.press("ControlOrMeta+V")
        self._note_field()

    def tab_to(self, selector: str, limit: int = 40) -> None:
        """Press Tab until the element is focused, as someone without a mouse does."""
        target = self.page.locator(selector)
        for _ in range(limit):
            if target.evaluate("element => element === document.activeElement"):
                return
            self.press("Tab")
        raise AssertionError(f"{selector} was not reached in {limit} presses of Tab")

    def drag_select(self, words: Locator, first: str, last: str) -> None:
        """Select with the mouse from the first letter of `first` to the last letter of `last`."""
        # The form can be taller than the window: the words must be on screen to be reached.
        words.evaluate("el => el.scrollIntoView({block: 'center'})")
        start, end = words.evaluate(
            """(element, [first, last]) => {
              const node = element.firstChild, text = node.textContent, range = document.createRange();
              const box = (from, to) => { range.setStart(node, from); range.setEnd(node, to);
                                          return range.getBoundingClientRect(); };
              const a = text.indexOf(first), z = text.indexOf(last) + last.length;
              const s = box(a, a + 1), e = box(z - 1, z);
              return [[s.left + 1, s.top + s.height / 2], [e.right - 1, e.top + e.height / 2]];
            }""",
            [first, last],
        )
        mouse = self.page.mouse
        mouse.move(*start)
        mouse.down()
        mouse.move(*end, steps=12)
        mouse.up()
        self.effort.clicks += 1


# Upper bounds, as measured when the journey was written; the issue asks for at most 3 page loads and
# at most 10 fields. Recording the pledge: the source form, its cite page, the cite page after saving.
BOUNDS = {
    # Three Tabs more since each text has its Ukrainian field: the source's language and Ukrainian
    # description, and the cite page's Ukrainian summary, all left empty.
    "keyboard": Effort(page_loads=3, clicks=0, keystrokes=176),
    "mouse": Effort(page_loads=3, clicks=14, keystrokes=120),
}
MOST_FIELDS = 10


@pytest.mark.parametrize("route", ["keyboard", "mouse"])
def test_a_pasted_statement_becomes_a_published_cited_pledge_in_three_page_loads(
    page: Page, route, olena, maritime
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "olena")
    hands = Hands(page)
    cite_page = re.compile(r"/admin/pledges/source/\d+/cite/(#.*)?$")

    # The editors' home: "Paste a new statement as a source".
    if route == "keyboard":
        hands.press("Tab")  # the "Skip to main content" link
        hands.press("Enter")
        hands.tab_to("text=Paste a new statement as a source")
        hands.press("Enter")
    else:
        hands.click(page.get_by_role("link", name="Paste a new statement as a source"))
    expect(page).to_have_url(re.compile(r"/admin/pledges/source/add/$"))

    # The source: its title (the form opens with the cursor in it), its kind, and the pasted text.
    expect(page.locator("#id_title")).to_be_focused()
    hands.type(TITLE)
    if route == "keyboard":
        hands.tab_to("#id_kind")
        hands.type("o")  # a closed list jumps to the first option starting with the letter typed
        expect(page.locator("#id_kind")).to_have_value("official-statement")
        hands.tab_to("#id_text")
    else:
        hands.choose(page.locator("#id_kind"), "Official statement")
        hands.click(page.locator("#id_text"))
    hands.paste(STATEMENT)
    expect(page.locator("#id_text")).to_have_value(STATEMENT)
    guide_shot(page, "source-add-form", page.locator("#content h1"), page.locator("#source_form .submit-row"))
    if route == "keyboard":
        hands.tab_to('input[name="_cite"]')
        hands.press("Enter")
    else:
        hands.click(page.get_by_role("button", name="Save and record a fact from it"))
    expect(page).to_have_url(cite_page)

    # The passage: the first sentence's words, without who said them.
    quote = page.locator("#id_quote")
    if route == "keyboard":
        hands.press("Tab")  # "Skip to main content"
        hands.press("Enter")
        hands.tab_to("#p1 .cite-use")
        hands.press("Enter")  # "Quote this paragraph": the whole paragraph, the cursor at its end
        expect(quote).to_be_focused()
        expect(quote).to_have_value(FIRST_SENTENCE)
        selected = "el => el.value.slice(el.selectionStart, el.selectionEnd)"
        for _ in range(10):
            if quote.evaluate(selected) == ", the defence minister said.":
                break
            hands.press("Control+Shift+ArrowLeft")  # select one word more, backwards
        hands.press("Backspace")
        hands.effort.fields.add("quote")
    else:
        hands.drag_select(page.locator("#p1 .cite-words"), "Spain", "agreed")
    expect(quote).to_have_value(QUOTE)
    expect(page.locator("#id_locator")).to_have_value("Paragraph 1")
    expect(page.locator(".cite-status")).to_have_text(re.compile("Quote taken from paragraph 1"))

    # The pledge: Spain as a new member, the type of help, the status, a summary, published.
    if route == "keyboard":
        hands.tab_to("#id_new_member")
        hands.type("Spain")
        hands.tab_to("#id_pledge_type")
        hands.type("m")
        hands.tab_to("#id_status")
        hands.type("c")
        hands.tab_to("#id_summary")
        hands.type(SUMMARY)
        hands.tab_to("#id_publish")
        hands.press("Space")
        hands.effort.fields.add("publish")
    else:
        hands.click(page.locator("#id_new_member"))
        hands.type("Spain")
        hands.choose(page.locator("#id_pledge_type"), "Maritime security")
        hands.choose(page.locator("#id_status"), "Committed")
        hands.click(page.locator("#id_summary"))
        hands.type(SUMMARY)
        hands.click(page.locator("#id_publish"), field=True)
    expect(page.locator("#id_pledge_type")).to_have_value(str(maritime.pk))
    expect(page.locator("#id_status")).to_have_value("committed")
    expect(page.locator("#id_publish")).to_be_checked()
    if route == "mouse":
        # For the guide: the passage selected again (the same quote), so the picture shows both.
        again = Hands(page)
        again.drag_select(page.locator("#p1 .cite-words"), "Spain", "agreed")
        again.stop()
        expect(page.locator(".cite-status")).to_have_text(re.compile("Quote taken from paragraph 1"))
        expect(quote).to_have_value(QUOTE)
        guide_shot(page, "cite-page-filled", page.locator("#content h1"), page.locator("#content-main"))
    if route == "keyboard":
        hands.tab_to('input[value="Record the pledge"]')
        hands.press("Enter")
    else:
        hands.click(page.get_by_role("button", name="Record the pledge"))
    message = page.locator(".messagelist")
    expect(message).to_contain_text("was published with its citation")
    expect(page).to_have_url(cite_page)
    page.wait_for_load_state()
    recorded = hands.stop()

    # What was saved, and the public page: the message links to the pledge, whose page links to the site.
    pledge = Pledge.objects.get()
    assert [(m.name, m.country.code) for m in pledge.party_members] == [("Spain", "ES")]
    assert (pledge.pledge_type, pledge.status, pledge.summary) == (maritime, "committed", SUMMARY)
    assert pledge.is_published
    assert list(pledge.citations.values_list("quote", "locator", "source__title")) == [
        (QUOTE, "Paragraph 1", TITLE)
    ]
    assert pledge.history.earliest().history_user == olena
    checking = Hands(page)
    checking.click(message.get_by_role("link"))
    checking.click(page.locator(".object-tools").get_by_role("link", name="View on site"))
    expect(page).to_have_url(re.compile(rf"/pledges/{pledge.pk}/$"))
    expect(page.locator("figure.citation blockquote")).to_have_text(QUOTE)
    expect(page.locator("h1")).to_have_text("Spain: Maritime security")
    page.wait_for_load_state("load")
    checking.stop()

    print(f"\n{route} journey, recording the pledge: {recorded}")
    print(f"{route} journey, then seeing it on the public page: {checking.effort}")
    bound = BOUNDS[route]
    assert recorded.page_loads <= bound.page_loads
    assert len(recorded.fields) <= MOST_FIELDS
    assert recorded.clicks <= bound.clicks
    assert recorded.keystrokes <= bound.keystrokes
    assert checking.effort.page_loads <= 2


# --- b. The usual mistakes, each named at its field ----------------------------------------------


def fill_cite_form(page: Page, quote: str, **fields: str) -> None:
    """The cite page's form, filled in as the journey does, with the quote given."""
    page.locator("#id_quote").fill(quote)
    page.locator("#id_new_member").fill(fields.get("new_member", "Spain"))
    page.locator("#id_pledge_type").select_option(label="Maritime security")
    page.locator("#id_status").select_option("committed")
    page.locator("#id_summary").fill(fields.get("summary", SUMMARY))
    if "announced_on" in fields:
        page.locator("#id_announced_on").fill(fields["announced_on"])
    if "announced_precision" in fields:
        page.locator("#id_announced_precision").select_option(label=fields["announced_precision"])


def record(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Record the pledge").click()


def test_a_quote_with_a_full_stop_the_source_lacks_names_the_nearest_passage(
    page: Page, open_as, olena, maritime, statement
):
    editor = open_as(olena)
    editor.goto(f"/admin/pledges/source/{statement.pk}/cite/")
    fill_cite_form(editor, "Spain will contribute two frigates to maritime security in the Black Sea.")
    record(editor)

    error = field_error(editor, "quote")
    expect(error).to_contain_text(
        "The nearest passage is “Spain will contribute two frigates to maritime security in the Black Sea"
    )
    expect(error).to_contain_text("full stop")
    # The first character that differs is marked: a space in the source where the quote has its full stop.
    expect(error.locator("mark")).to_have_count(1)
    expect(editor.locator("#id_summary")).to_have_value(SUMMARY)  # nothing typed is lost
    assert Pledge.objects.count() == 0
    guide_shot(
        editor, "quote-mismatch", editor.locator(".cite-text"), editor.locator(".cite-form .field-quote")
    )


def test_a_straight_apostrophe_for_a_curly_one_is_named_at_the_quote(
    page: Page, open_as, olena, maritime, statement
):
    editor = open_as(olena)
    editor.goto(f"/admin/pledges/source/{statement.pk}/cite/")
    fill_cite_form(editor, "The minister's office said the frigates are of the F-100 class.")
    record(editor)

    error = field_error(editor, "quote")
    expect(error).to_contain_text("The nearest passage is “The minister’s office")
    expect(error).to_contain_text("a straight apostrophe for a curly one")
    expect(error.locator("mark")).to_have_text("’")
    assert Pledge.objects.count() == 0


def test_a_source_saved_without_its_text_cannot_back_a_fact(page: Page, open_as, olena, maritime):
    make_member(name="Spain", slug="spain", country="ES")
    editor = open_as(olena)
    editor.goto("/admin/pledges/source/add/")
    editor.locator("#id_title").fill("Statement still to be copied")
    editor.locator("#id_kind").select_option("official-statement")
    with editor.expect_navigation():
        editor.get_by_role("button", name="Save", exact=True).click()
    source = Source.objects.get(title="Statement still to be copied")

    editor.goto(f"/admin/pledges/source/{source.pk}/cite/")
    expect(editor.locator("#source-text")).to_contain_text(
        "This source has no archived text, so no quote can be checked against it."
    )
    expect(editor.locator(".cite-use")).to_have_count(0)
    fill_cite_form(editor, "Spain will contribute two frigates")
    record(editor)
    expect(field_error(editor, "quote")).to_contain_text(
        "“Statement still to be copied” has no archived text, so no quote can be checked against it."
    )

    # Nor on the full pledge form: the citation's source is refused at its field.
    editor.goto(
        f"/admin/pledges/pledge/add/?cite_source={source.pk}&cite_quote=Spain+will+contribute&cite_locator=P1"
    )
    fill_full_pledge_form(editor)
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(field_error(editor, "source")).to_contain_text("has no archived text")
    assert Pledge.objects.count() == 0 and Citation.objects.count() == 0


def test_save_and_record_on_a_source_without_text_says_why_at_the_text(page: Page, open_as, olena):
    editor = open_as(olena)
    editor.goto("/admin/pledges/source/add/")
    editor.locator("#id_title").fill("Statement still to be copied")
    editor.locator("#id_kind").select_option("official-statement")
    with editor.expect_navigation():
        editor.get_by_role("button", name="Save and record a fact from it").click()
    expect(editor.locator("body")).to_contain_text("archived text", timeout=2_000)


def test_back_and_submit_again_gives_no_error_page_and_no_lost_or_merged_pledge(
    page: Page, open_as, olena, maritime, statement
):
    editor = open_as(olena)
    editor.goto(f"/admin/pledges/source/{statement.pk}/cite/")
    fill_cite_form(editor, QUOTE)
    record(editor)
    expect(editor.locator(".messagelist")).to_contain_text("saved as a draft with its citation")

    editor.go_back()  # the form as it was filled in, Spain still named as a new member
    expect(editor.locator("#id_new_member")).to_have_value("Spain")
    with editor.expect_navigation() as again:
        editor.get_by_role("button", name="Record the pledge").click()
    assert again.value.status == 400  # not a 500
    expect(field_error(editor, "new_member")).to_have_text(
        "“Spain” is already recorded: choose it in the list above."
    )
    assert Pledge.objects.count() == 1 and Member.objects.filter(name="Spain").count() == 1

    # Choosing the member already recorded records a second pledge, under its own reference.
    editor.locator("#id_new_member").fill("")
    editor.locator("#id_member").select_option(label="Spain")
    record(editor)
    expect(editor.locator(".messagelist")).to_contain_text("saved as a draft with its citation")
    refs = list(Pledge.objects.values_list("ref", flat=True))
    assert len(refs) == 2 and len(set(refs)) == 2


def pick(page: Page, select_id: str, typed: str, choice: str) -> None:
    """Choose in an autocomplete (select2) box: open it, type, click the matching suggestion."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=choice).click()
    expect(page.locator(f"#select2-{select_id}-container")).to_have_text(re.compile(choice))


def fill_full_pledge_form(page: Page, **fields: str) -> None:
    """The full pledge form's required fields: a party (the inline's autocomplete), type, status, summary."""
    pick(page, "id_parties-0-member", "Spa", "Spain")
    pick(page, "id_pledge_type", "Mari", "Maritime security")
    page.locator("#id_status").select_option("committed")
    page.locator("#id_summary").fill(fields.get("summary", SUMMARY))
    for name, value in fields.items():
        if name != "summary":
            page.locator(f"#id_{name}").fill(value)


def test_a_negative_quantity_is_refused_at_its_field_in_words(
    page: Page, open_as, olena, maritime, statement
):
    make_member(name="Spain", slug="spain", country="ES")
    editor = open_as(olena)
    editor.goto(f"/admin/pledges/source/{statement.pk}/cite/")
    editor.locator("#p1 .cite-use").click()
    editor.locator("#cite-link-pledge").click()  # "a pledge with every field", the citation filled in
    expect(editor.locator("#id_citations-0-quote")).to_have_value(FIRST_SENTENCE)
    expect(editor.locator("#id_quantity")).to_have_attribute("min", "0")
    fill_full_pledge_form(editor, quantity="-2", quantity_unit="frigates")
    editor.get_by_role("button", name="Save", exact=True).click()

    expect(field_error(editor, "quantity")).to_contain_text("Enter zero or more.")
    page_text = editor.locator("body").inner_text()
    assert "constraint" not in page_text.lower() and "non_negative" not in page_text
    expect(editor.locator("#id_quantity")).to_have_value("-2")
    assert Pledge.objects.count() == 0


def test_month_with_a_full_date_is_refused_at_the_precision(page: Page, open_as, olena, maritime, statement):
    editor = open_as(olena)
    editor.goto(f"/admin/pledges/source/{statement.pk}/cite/")
    fill_cite_form(editor, QUOTE, announced_on="2025-07-10", announced_precision="Month")
    record(editor)
    expect(field_error(editor, "announced_precision")).to_have_text(
        "You typed a full date (2025-07-10) but chose “Month”: type 2025-07 for a month, or choose “Day”."
    )

    # Typed as the month alone, the precision follows what was typed.
    editor.locator("#id_announced_on").fill("2025-07")
    editor.locator("#id_announced_precision").select_option(label="Unknown")
    record(editor)
    expect(editor.locator(".messagelist")).to_contain_text("saved as a draft")
    pledge = Pledge.objects.get()
    assert (pledge.announced_on, pledge.announced_precision) == (date(2025, 7, 1), "month")


def test_a_control_character_pasted_into_the_summary_is_removed_with_a_warning(page: Page, open_as, olena):
    pledge = spanish_pledge(summary="Two frigates.")
    editor = open_as(olena)
    editor.goto(f"/admin/pledges/pledge/{pledge.pk}/change/")
    editor.locator("#id_summary").fill("Two frigates\x0bfor the Black Sea\x01.")
    editor.get_by_role("button", name="Save", exact=True).click()

    expect(editor.locator(".messagelist .warning")).to_have_text(
        "Invisible control characters (often pasted from a PDF) were removed from: Summary."
    )
    expect(editor.locator(".messagelist .success")).to_contain_text("was changed successfully")
    pledge.refresh_from_db()
    assert pledge.summary == "Two frigates\nfor the Black Sea."


def test_a_control_character_pasted_on_the_cite_page_is_removed_with_a_warning(
    page: Page, open_as, olena, maritime, statement
):
    editor = open_as(olena)
    editor.goto(f"/admin/pledges/source/{statement.pk}/cite/")
    fill_cite_form(editor, QUOTE, summary="Two frigates\x0bfor the Black Sea.")
    record(editor)
    assert Pledge.objects.get().summary == "Two frigates\nfor the Black Sea."
    expect(editor.locator(".messagelist")).to_contain_text("control characters", timeout=2_000)


# --- c. Two editors, or one in two tabs -----------------------------------------------------------


def save_pledge(window: Page) -> None:
    with window.expect_navigation():
        window.get_by_role("button", name="Save", exact=True).click()


def test_two_editors_changing_different_fields_keep_both_changes(page: Page, open_as, olena, taras):
    pledge = spanish_pledge(summary="Spain will send frigates.", conditions="")
    url = f"/admin/pledges/pledge/{pledge.pk}/change/"
    hers, his = open_as(olena), open_as(taras)
    hers.goto(url)
    his.goto(url)

    his.locator("#id_summary").fill("Spain will send two F-100 frigates.")
    save_pledge(his)
    expect(his.locator(".messagelist")).to_contain_text("was changed successfully")
    hers.locator("#id_conditions").fill("Once a ceasefire is agreed.")
    save_pledge(hers)

    expect(hers.locator(".messagelist")).to_contain_text("was changed successfully")
    pledge.refresh_from_db()
    assert (pledge.summary, pledge.conditions) == (
        "Spain will send two F-100 frigates.",
        "Once a ceasefire is agreed.",
    )


def test_two_editors_changing_the_same_field_see_both_values_and_choose(page: Page, open_as, olena, taras):
    pledge = spanish_pledge(summary="Spain will send frigates.", conditions="")
    url = f"/admin/pledges/pledge/{pledge.pk}/change/"
    hers, his = open_as(olena), open_as(taras)
    hers.goto(url)
    his.goto(url)

    hers.locator("#id_summary").fill("Spain will send two frigates (F-100 class).")
    save_pledge(hers)
    his.locator("#id_summary").fill("Spain will send two frigates.")
    his.locator("#id_conditions").fill("Once a ceasefire is agreed.")
    save_pledge(his)

    expect(his.locator(".errornote")).to_contain_text(re.compile(r"Please correct the errors? below"))
    expect(his.locator(".errorlist.nonfield")).to_contain_text(
        "This was saved by olena after you opened it. You both changed: Summary."
    )
    conflict = field_error(his, "summary")
    expect(conflict).to_contain_text("Changed by olena too.")
    expect(conflict).to_contain_text("When you opened the form: “Spain will send frigates.”")
    expect(conflict).to_contain_text("Theirs: “Spain will send two frigates (F-100 class).”")
    expect(conflict).to_contain_text("Yours: “Spain will send two frigates.”")
    yours = his.get_by_role("radio", name="keep yours: “Spain will send two frigates.”")
    theirs = his.get_by_role("radio", name="keep theirs: “Spain will send two frigates (F-100 class).”")
    expect(yours).to_be_checked()
    expect(his.locator("#id_conditions")).to_have_value(
        "Once a ceasefire is agreed."
    )  # his other change waits
    pledge.refresh_from_db()
    assert pledge.summary == "Spain will send two frigates (F-100 class)."  # nothing overwritten yet
    guide_shot(his, "conflict-choice", his.locator(".errornote"), his.locator(".form-row.field-conditions"))

    theirs.check()
    save_pledge(his)
    expect(his.locator(".messagelist")).to_contain_text("was changed successfully")
    pledge.refresh_from_db()
    assert pledge.summary == "Spain will send two frigates (F-100 class)."  # theirs, as chosen
    assert pledge.conditions == "Once a ceasefire is agreed."  # and his other change kept


def test_the_same_editor_in_two_tabs_is_told_it_was_them(page: Page, open_as, olena):
    pledge = spanish_pledge(summary="First.")
    url = f"/admin/pledges/pledge/{pledge.pk}/change/"
    first = open_as(olena)
    second = first.context.new_page()
    first.goto(url)
    second.goto(url)

    first.locator("#id_summary").fill("From the first tab.")
    save_pledge(first)
    second.locator("#id_summary").fill("From the second tab.")
    save_pledge(second)

    expect(second.locator(".errorlist.nonfield")).to_contain_text(
        "This was saved by you, in another tab or window after you opened it."
    )
    expect(field_error(second, "summary")).to_contain_text("Changed by you, in another tab or window too.")


def test_a_citation_corrected_on_its_own_page_survives_saving_the_open_pledge_form(
    page: Page, open_as, olena, taras, statement
):
    pledge = spanish_pledge(summary="Two frigates.")
    citation = pledge.citations.get()
    hers, his = open_as(olena), open_as(taras)
    hers.goto(f"/admin/pledges/pledge/{pledge.pk}/change/")
    expect(hers.locator("#id_citations-0-locator")).to_have_value("Paragraph 1")

    his.goto(f"/admin/pledges/citation/{citation.pk}/change/")
    his.locator("#id_locator").fill("Paragraph 2, corrected")
    save_pledge(his)
    expect(his.locator(".messagelist")).to_contain_text("was changed successfully")

    hers.locator("#id_summary").fill("Two frigates for the Black Sea.")
    save_pledge(hers)
    expect(hers.locator(".messagelist")).to_contain_text("was changed successfully")
    citation.refresh_from_db()
    pledge.refresh_from_db()
    assert citation.locator == "Paragraph 2, corrected"
    assert pledge.summary == "Two frigates for the Black Sea."

    hers.goto(f"/admin/pledges/pledge/{pledge.pk}/history/")
    related = hers.locator("h2", has_text="Its citations").locator("xpath=following-sibling::table[1]")
    expect(related).to_contain_text("Paragraph 2, corrected")
    expect(related).to_contain_text("taras")


# --- d. History on a phone ------------------------------------------------------------------------


def saved_by(record, user: User, reason: str = "") -> None:
    """Save a record as an editor would, for its history: who and why."""
    record._history_user, record._change_reason = user, reason or None
    record.save()


def pledge_with_history(editor: User, other: User) -> Pledge:
    """A pledge in three versions by two editors, with long values, and its citation corrected once."""
    spain = make_member(name="Spain", slug="spain", country="ES")
    source = make_source(title=TITLE, slug="spanish-statement", kind="official-statement", text=STATEMENT)
    pledge = Pledge(
        pledge_type=make_type(slug="maritime-security", name="Maritime security"),
        status="committed",
        summary="Spain will contribute two frigates to maritime security in the Black Sea.",
        is_published=True,
    )
    saved_by(pledge, editor, "Recorded from a passage of its source")
    saved_by(PledgeParty(pledge=pledge, member=spain, position=0), editor)
    citation = Citation(pledge=pledge, source=source, quote=QUOTE, locator="Paragraph 1")
    saved_by(citation, editor)
    pledge.summary = (
        "Spain will contribute two F-100 class frigates to maritime security in the Black Sea, "
        "with their helicopters and a supply ship, for as long as the coalition's mission lasts."
    )
    pledge.conditions = "Once a ceasefire is agreed and the coalition's maritime task force is formed."
    saved_by(pledge, other, "Class of frigates from the second paragraph")
    pledge.announced_on, pledge.announced_precision = date(2025, 7, 10), "day"
    saved_by(pledge, editor, "Date of the minister's statement")
    citation.locator = "Paragraph 1, first sentence"
    saved_by(citation, other, "Where exactly")
    return pledge


def test_history_compare_and_revert_fit_a_phone(page: Page, open_as, olena, taras):
    pledge = pledge_with_history(olena, taras)
    phone = open_as(olena, viewport=PHONE)
    phone.goto(f"/admin/pledges/pledge/{pledge.pk}/history/")
    expect(phone.locator("#change-history tbody tr")).to_have_count(3)
    expect(phone.get_by_role("heading", name="Its citations: their changes")).to_be_visible()
    no_sideways_scroll(phone)
    assert_no_serious_violation(phone)
    phone.screenshot(path=str(SCREENSHOTS / "editor-history-phone.png"), full_page=True)

    # The newest and the one before are chosen; compare the first version with the newest instead.
    phone.locator('input[name="a"]').last.check()
    phone.get_by_role("button", name="Compare the two versions chosen").click()
    expect(phone.locator("#version-compare")).to_be_visible()
    expect(phone.locator("#content-main > p").first).to_contain_text("4 fields differ")
    # The summary, the conditions, the date and its precision.
    expect(phone.locator("#version-compare tr.differs")).to_have_count(4)
    no_sideways_scroll(phone)
    assert_no_serious_violation(phone)
    phone.screenshot(path=str(SCREENSHOTS / "editor-history-compare-phone.png"), full_page=True)
    guide_shot(phone, "history-compare-phone")

    phone.goto(f"/admin/pledges/pledge/{pledge.pk}/history/")
    phone.get_by_role("link", name="View or revert to this version").last.click()
    preview = phone.locator(".revert-preview")
    expect(preview.get_by_role("heading", name="What reverting will change")).to_be_visible()
    expect(preview.locator("tbody tr")).to_have_count(4)  # summary, conditions, the date and its precision
    expect(preview).to_contain_text("Citations and parties are kept as they are now.")
    no_sideways_scroll(phone)
    assert_no_serious_violation(phone)
    phone.screenshot(path=str(SCREENSHOTS / "editor-revert-phone.png"), full_page=True)
    guide_shot(phone, "revert-preview-phone")

    desktop = open_as(olena)
    desktop.goto(f"/admin/pledges/pledge/{pledge.pk}/history/")
    desktop.locator('input[name="a"]').last.check()
    desktop.get_by_role("button", name="Compare the two versions chosen").click()
    guide_shot(desktop, "history-compare", desktop.locator("#content"), margin=0)
    desktop.goto(f"/admin/pledges/pledge/{pledge.pk}/history/")
    guide_shot(desktop, "history", desktop.locator("#content"), margin=0)
    desktop.get_by_role("link", name="View or revert to this version").last.click()
    guide_shot(desktop, "revert-preview", desktop.locator("#content h1"), desktop.locator(".revert-preview"))


# --- e. Accessibility of the editors' own pages ---------------------------------------------------


def assert_no_serious_violation(window: Page) -> None:
    results = AXE.run(window).response
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"axe found on {window.url}:\n{describe(blocking)}"


def test_the_cite_page_passes_axe_empty_filled_and_with_errors(
    page: Page, open_as, olena, maritime, statement
):
    editor = open_as(olena)
    editor.goto(f"/admin/pledges/source/{statement.pk}/cite/")
    assert_no_serious_violation(editor)
    editor.locator("#p2 .cite-use").click()
    expect(editor.locator(".cite-status")).to_have_text(re.compile("paragraph 2"))
    assert_no_serious_violation(editor)
    fill_cite_form(editor, "The minister's office said")
    record(editor)
    expect(field_error(editor, "quote")).to_be_visible()
    assert_no_serious_violation(editor)


def test_the_editors_home_lists_the_work_waiting_and_passes_axe(page: Page, open_as, olena, taras, settings):
    settings.REVIEW_BEFORE_PUBLISH = True
    spain = make_member(name="Spain", slug="spain", country="ES")
    poland = make_member(name="Poland", slug="poland", country="PL")
    maritime = make_type(slug="maritime-security", name="Maritime security")
    air = make_type(slug="air-policing", name="Air policing")
    statement = make_source(title=TITLE, slug="spanish-statement", kind="official-statement", text=STATEMENT)
    mine = make_pledge(
        is_published=False, member=spain, pledge_type=maritime, summary=SUMMARY, citation_source=statement
    )
    mine.history.update(history_user=olena)
    Citation.objects.filter(pledge=mine).update(quote=QUOTE)
    theirs = make_pledge(
        is_published=False,
        member=poland,
        pledge_type=air,
        status="willing",
        summary="Ready to help police the airspace over western Ukraine.",
    )
    theirs.history.update(history_user=taras)
    Pledge.objects.filter(pk=theirs.pk).update(ready_by=taras)
    broken = make_pledge(
        member=spain,
        pledge_type=maritime,
        summary="Mine clearance in the Black Sea.",
        citation_source=statement,
    )
    Citation.objects.filter(pledge=broken).update(quote="Spain will help clear mines in the Black Sea.")
    make_source(title="Romanian defence ministry statement, 12 July", slug="romania-statement", text="")
    changed = make_pledge(member=poland, pledge_type=air, summary="Training for Ukrainian pilots.")
    changed.summary = "Training for Ukrainian F-16 pilots."
    saved_by(changed, taras, "Aircraft type from the source")

    editor = open_as(olena)
    editor.goto("/admin/")
    home = editor.locator("#editors-home")

    def panel(heading: str) -> Locator:
        return home.locator("section", has=editor.get_by_role("heading", name=heading))

    expect(panel("Ready for you to review")).to_contain_text(
        "Poland: Ready to help police the airspace over western Ukraine. (Air policing, willing; ready, "
        "marked by taras)"
    )
    expect(panel("My drafts")).to_contain_text("Spain: Two frigates for maritime security in the Black Sea")
    expect(panel("Other editors’ drafts")).to_contain_text("Poland: Ready to help police")
    expect(panel("Quotes that fail the check")).to_contain_text(
        "Spain will help clear mines in the Black Sea."
    )
    expect(panel("Sources with no facts yet")).to_contain_text(
        "Romanian defence ministry statement, 12 July (no archived text yet)"
    )
    expect(panel("Latest changes by others")).to_contain_text(
        "taras changed Training for Ukrainian F-16 pilots. (Aircraft type from the source)"
    )
    assert_no_serious_violation(editor)
    guide_shot(editor, "editors-home")
