"""A reader of the Ukrainian pages, in a real browser with the shipped dataset: every page under /uk/
passes axe-core's checks at desktop and phone width, the header's switch leads by keyboard to the same
page in the other language and back, quotes stay marked as English, and both languages are pictured."""

import json
import re
from collections import Counter

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, PUBLIC_PAGES, SCREENSHOTS, public_path
from tests.e2e.test_accessibility import BLOCKING, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

AXE = Axe()
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
# What axe found on each Ukrainian page at each width, by impact, for the record of the run.
AXE_FIGURES = ARTIFACTS / "axe-ukrainian.json"
# The pages pictured in both languages, in test-artifacts/screenshots/languages/ (docs/img/languages/
# keeps a copy of the first screens).
PICTURED = ("overview", "member-france", "pledge-list", "pledge-detail", "type-troops", "source-detail")


def ukrainian(path: str) -> str:
    """The Ukrainian page: "/uk" before the path, after a release's prefix ("/releases/1/uk/…")."""
    release = re.match(r"^/releases/\d+(?=/.)", path)
    if release:
        return release.group(0) + "/uk" + path[release.end() :]
    return "/uk" + path


@pytest.fixture(scope="module")
def axe_figures():
    figures: dict[str, dict[str, int]] = {}
    yield figures
    AXE_FIGURES.parent.mkdir(parents=True, exist_ok=True)
    AXE_FIGURES.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", [*PUBLIC_PAGES, "pledge-list-bad-filter"])
def test_no_serious_accessibility_violation_in_ukrainian(visitor: Page, axe_figures, name, width):
    bad = name == "pledge-list-bad-filter"
    path = ukrainian("/pledges/?status=bogus" if bad else public_path(name))
    visitor.set_viewport_size(WIDTHS[width])
    response = visitor.goto(path)
    assert response is not None and response.status == (400 if bad else 200)
    expect(visitor.locator("html")).to_have_attribute("lang", "uk")

    violations = AXE.run(visitor).response["violations"]

    axe_figures[f"{path} {width}"] = dict(Counter(v["impact"] for v in violations))
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe found on {path} at {width} width:\n{describe(blocking)}"


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element is focused, as someone without a mouse does."""
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} was not reached in {limit} presses of Tab")


def test_the_language_switch_leads_by_keyboard_to_the_same_page_in_ukrainian_and_back(visitor: Page):
    visitor.goto("/members/france/")
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    switch = visitor.locator(".site-header a.language-switch")
    expect(switch).to_have_attribute("hreflang", "uk")
    expect(switch).to_have_attribute("lang", "uk")

    tab_to(visitor, ".site-header a.language-switch")
    visitor.keyboard.press("Enter")

    expect(visitor).to_have_url(re.compile(r"/uk/members/france/$"))
    expect(visitor.locator("html")).to_have_attribute("lang", "uk")
    expect(visitor.locator("h1")).not_to_have_text(re.compile("France"))
    # Quotes are never translated: each stays in its source's words, marked as English.
    quotes = visitor.locator("figure.citation blockquote")
    expect(quotes.first).to_be_visible()
    for n in range(quotes.count()):
        assert quotes.nth(n).evaluate("el => el.closest('[lang]').lang") == "en"

    tab_to(visitor, ".site-header a.language-switch")
    expect(visitor.locator(".site-header a.language-switch")).to_have_attribute("hreflang", "en")
    visitor.keyboard.press("Enter")
    expect(visitor).to_have_url(re.compile(r"/members/france/$"))
    assert "/uk/" not in visitor.url
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    expect(visitor.locator("h1")).to_contain_text("France")


def test_a_filtered_list_keeps_its_filters_in_the_other_language(visitor: Page):
    visitor.goto("/pledges/?type=troops&status=committed")
    visitor.locator(".site-header a.language-switch").click()
    expect(visitor).to_have_url(re.compile(r"/uk/pledges/\?.*type=troops"))
    assert "status=committed" in visitor.url
    expect(visitor.locator("html")).to_have_attribute("lang", "uk")


@pytest.mark.parametrize("name", PICTURED)
def test_screenshots_of_both_languages(visitor: Page, name):
    for language, prefix in (("en", ""), ("uk", "/uk")):
        response = visitor.goto(prefix + public_path(name))
        assert response is not None and response.status == 200
        folder = SCREENSHOTS / "languages" / language
        folder.mkdir(parents=True, exist_ok=True)
        for width, viewport in WIDTHS.items():
            visitor.set_viewport_size(viewport)
            # The first screen, as the guide shows it, and the whole page, to look over its layout.
            shot = folder / f"{name}-{width}.png"
            visitor.screenshot(path=str(shot))
            visitor.screenshot(path=str(folder / f"{name}-{width}-full.png"), full_page=True)
            assert shot.stat().st_size > 5_000
            # Longer Ukrainian words must not push the page sideways at phone width either.
            scroll = visitor.evaluate("document.documentElement.scrollWidth")
            assert scroll <= viewport["width"], (
                f"{prefix}{public_path(name)} is {scroll}px wide at {width} width"
            )
        visitor.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_no_ukrainian_page_is_wider_than_a_phone(visitor: Page, name):
    visitor.set_viewport_size(PHONE)
    response = visitor.goto(ukrainian(public_path(name)))
    assert response is not None and response.status == 200
    scroll = visitor.evaluate("document.documentElement.scrollWidth")
    assert scroll <= PHONE["width"], f"/uk{public_path(name)} is {scroll}px wide at phone width"
