"""A visitor, in a real browser, reads the public pages with the shipped dataset: the overview and its
matrix, the filtered pledge list, a country page and the quotes behind it, a bad filter, the keyboard
path, and no page breaks the Content-Security-Policy or logs an error."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from pledges.models import LADDER, STANCES, Citation, Pledge, PledgeType, Source, Status, strongest_status
from tests.e2e.conftest import PUBLIC_PAGES, public_path, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def squash(text: str) -> str:
    return " ".join(text.split())


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_the_overview_shows_the_counts_and_a_matrix_cell_leads_to_its_pledges(visitor: Page):
    published = Pledge.objects.published()
    visitor.goto("/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("who pledged what")

    counts = visitor.locator("section[aria-labelledby=counts-heading]")
    sourced = counts.locator(".count-group").nth(0).locator(".count-number")
    expect(sourced.filter(has_text=re.compile(r"^35$"))).to_have_count(1)
    expect(sourced.filter(has_text=re.compile(r"^26$"))).to_have_count(1)
    ours = counts.locator(".count-group").nth(1)
    # Offers and stances are counted apart: a refusal is never counted as an offer.
    expect(
        ours.locator(".count", has_text="offers of help, each cited").locator(".count-number")
    ).to_have_text(str(published.filter(status__in=LADDER).count()))
    expect(ours.locator(".count", has_text="stances, each cited").locator(".count-number")).to_have_text(
        str(published.filter(status__in=STANCES).count())
    )
    expect(ours.locator(".count", has_text="source documents").locator(".count-number")).to_have_text(
        str(Source.objects.filter(citations__in=Citation.objects.published()).distinct().count())
    )

    matrix = visitor.locator("table.matrix")
    expect(matrix.locator("thead th[scope=col]")).to_have_count(PledgeType.objects.count() + 1)
    expect(matrix.get_by_role("rowheader", name="France")).to_be_visible()
    cells = matrix.locator("td a")
    assert cells.count() >= 10

    cell = matrix.get_by_role("link", name=re.compile(r"^France, Troops"))
    troops = published.filter(parties__member__slug="france", pledge_type__slug="troops")
    expect(cell).to_contain_text(str(Status(strongest_status(troops.values_list("status", flat=True))).label))
    cell.click()
    visitor.wait_for_url(re.compile(r"/pledges/\?"))
    assert query(visitor) == {"member": ["france"], "type": ["troops"]}
    expected = published.filter(parties__member__slug="france", pledge_type__slug="troops").count()
    expect(visitor.locator("#results-heading")).to_have_text(
        f"{expected} pledge{'s' if expected > 1 else ''} of {published.count()}"
    )
    rows = visitor.locator("table.pledges tbody tr")
    expect(rows).to_have_count(expected)
    for row in rows.all():
        # France alone, or France among the parties of a joint pledge.
        expect(row.get_by_role("rowheader")).to_contain_text("France")
        expect(row.locator("td").nth(0)).to_have_text("Troops / reassurance forces")
    expect(visitor.locator("input[name=member][value=france]")).to_be_checked()
    expect(visitor.locator("input[name=type][value=troops]")).to_be_checked()


def test_filtering_pledges_by_two_types_and_a_status(visitor: Page):
    visitor.goto("/pledges/")
    filters = visitor.get_by_role("form", name="Filter pledges")
    filters.get_by_role("group", name="Type of help").get_by_role(
        "checkbox", name=re.compile(r"^Troops")
    ).check()
    filters.get_by_role("group", name="Type of help").get_by_role(
        "checkbox", name=re.compile(r"^Air policing")
    ).check()
    filters.get_by_role("group", name="Status").get_by_role(
        "checkbox", name=re.compile(r"^Committed")
    ).check()
    filters.get_by_role("button", name="Apply filters").click()

    visitor.wait_for_url(re.compile(r"status=committed"))
    assert "type=troops&type=air-policing&status=committed" in visitor.url
    chosen = query(visitor)
    assert chosen["type"] == ["troops", "air-policing"]
    assert chosen["status"] == ["committed"]

    published = Pledge.objects.published()
    expected = published.filter(pledge_type__slug__in=["troops", "air-policing"], status="committed").count()
    assert expected > 0
    expect(visitor.locator("#results-heading")).to_have_text(f"{expected} pledges of {published.count()}")
    rows = visitor.locator("table.pledges tbody tr")
    expect(rows).to_have_count(expected)
    for row in rows.all():
        expect(row.locator("td").nth(0)).to_have_text(
            re.compile(r"^(Troops / reassurance forces|Air policing)$")
        )
        expect(row.locator("td").nth(1).locator(".status-label")).to_have_text("Committed")
    # The form remembers the choice, and the facet counts say what each option would give.
    expect(visitor.locator("input[name=type][value=troops]")).to_be_checked()
    expect(visitor.locator("input[name=type][value=air-policing]")).to_be_checked()
    expect(visitor.locator("input[name=status][value=committed]")).to_be_checked()
    expect(visitor.locator("input[name=status][value=willing]")).not_to_be_checked()
    screenshot(visitor, "journey-pledges-filtered")


def test_a_country_page_shows_its_pledges_and_a_citation_leads_to_the_quote_in_its_source(visitor: Page):
    france = Pledge.objects.published().filter(parties__member__slug="france")
    visitor.goto("/members/")
    visitor.locator("table.matrix").get_by_role("link", name="France", exact=True).click()
    visitor.wait_for_url("**/members/france/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("France")

    # Offers first, then the stances in their own section; every pledge is an article with its quotes.
    offers = visitor.locator("section[aria-labelledby=pledges-heading]")
    offer_count = france.filter(status__in=LADDER).count()
    expect(offers.get_by_role("heading", level=2)).to_have_text(f"Offers of help ({offer_count})")
    expect(offers.locator("article.pledge")).to_have_count(offer_count)
    stance_count = france.filter(status__in=STANCES).count()
    stances = visitor.locator("section[aria-labelledby=stances-heading]")
    if stance_count:
        expect(stances.get_by_role("heading", level=2)).to_have_text(
            f"Refusals, reservations and offers not made ({stance_count})"
        )
    else:
        expect(stances).to_have_count(0)
    articles = visitor.locator("article.pledge")
    expect(articles).to_have_count(france.count())
    for article in articles.all():
        expect(article.locator("figure.citation").first).to_be_visible()
        expect(article.locator("figure.citation blockquote").first).not_to_be_empty()

    figure = articles.first.locator("figure.citation").first
    quote = squash(figure.locator("blockquote").inner_text())
    link = figure.locator("figcaption a").first
    href = link.get_attribute("href")
    match = re.fullmatch(r"/sources/([\w-]+)/#citation-(\d+)", href or "")
    assert match, href
    link.click()
    visitor.wait_for_url(f"**/sources/{match[1]}/#citation-{match[2]}")
    target = visitor.locator(f"#citation-{match[2]}")
    expect(target).to_be_in_viewport()
    if target.evaluate("element => element.tagName") == "MARK":
        assert squash(target.inner_text()) == quote
    else:  # a quote not marked on its own: the same words as another marked quote, or listed in full
        fact = visitor.locator(f"#fact-{match[2]}")
        same = fact.get_by_role("link", name=re.compile(r"^\[\d+\]$")).last
        if "The same words as quote" in fact.inner_text():
            assert quote in squash(visitor.locator(same.get_attribute("href")).inner_text())
        else:
            assert quote in squash(fact.inner_text())


def test_a_bad_filter_shows_the_form_and_its_error_with_status_400(visitor: Page):
    response = visitor.goto("/pledges/?status=bogus")
    assert response is not None and response.status == 400
    expect(visitor).to_have_title(re.compile(r"^Bad filter"))
    error = visitor.get_by_role("alert")
    expect(error).to_contain_text("Some of the filters could not be used")
    expect(error).to_contain_text("bogus")
    expect(visitor.get_by_role("form", name="Filter pledges")).to_be_visible()
    expect(visitor.get_by_role("button", name="Apply filters")).to_be_visible()
    expect(visitor.locator("table.pledges")).to_have_count(0)
    # The site's own frame and stylesheet, not a bare error page.
    expect(visitor.get_by_role("navigation", name="Main")).to_be_visible()
    expect(visitor.locator(".skip-link")).not_to_be_in_viewport()
    assert (
        visitor.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )
    screenshot(visitor, "journey-bad-filter")


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(visitor: Page):
    visitor.goto("/pledges/")
    visitor.keyboard.press("Tab")
    skip = visitor.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    visitor.keyboard.press("Enter")
    expect(visitor.locator("main#main")).to_be_focused()
    visitor.keyboard.press("Tab")
    # The next stop is inside the content, not back in the header.
    assert visitor.evaluate("document.activeElement.closest('main') !== null")


def test_no_page_logs_an_error_or_breaks_the_content_security_policy(visitor: Page, console_errors):
    for name in PUBLIC_PAGES:
        response = visitor.goto(public_path(name))
        assert response is not None and response.status == 200, name
        visitor.wait_for_load_state("load")
        # A page that names no icon makes the browser fetch /favicon.ico, which is not there (a 404).
        expect(visitor.locator('head link[rel~="icon"]'), name).to_have_count(1)
    # A filtered list, and a bad filter answered with 400, load the same scripts and styles.
    visitor.goto("/pledges/?type=troops&status=committed")
    visitor.goto("/pledges/?status=bogus")
    assert console_errors == []


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_screenshots_of_every_public_page(visitor: Page, console_errors, name):
    response = visitor.goto(public_path(name))
    assert response is not None and response.status == 200
    desktop, phone = screenshot(visitor, name)
    assert desktop.stat().st_size > 10_000 and phone.stat().st_size > 5_000
    # At phone width nothing pushes the page sideways: wide tables scroll inside their own box.
    visitor.set_viewport_size({"width": 390, "height": 844})
    width = visitor.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} is {width}px wide at phone width: it scrolls sideways"
    assert console_errors == []
