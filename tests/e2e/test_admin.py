"""An editor, in a real browser, adds a cited pledge in the admin, saves it as a draft, publishes it,
and the public pledge page shows it. The admin must run under the site's strict CSP."""

import io
import os
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import ConsoleMessage, Page, expect

from pledges.models import Pledge
from tests.conftest import SOURCE_TEXT, make_member, make_source, make_type
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long editor passphrase for the browser"
SUMMARY = "Ready to pay for two Patriot systems for Ukraine's air defence."
QUOTE = "Germany is prepared to pay for two Patriot systems for Ukraine."


def csp_violations(page: Page) -> list[str]:
    """Collect the browser's reports of anything the Content-Security-Policy blocked."""
    seen: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            seen.append(f"{page.url}: {message.text}")

    page.on("console", note)
    return seen


def pick(page: Page, select_id: str, typed: str, choice: str) -> None:
    """Choose in an autocomplete (select2) box: open it, type, click the matching suggestion."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(typed)
    page.locator(".select2-results__option", has_text=choice).click()
    expect(page.locator(f"#select2-{select_id}-container")).to_have_text(re.compile(choice))


def test_an_editor_adds_a_cited_pledge_as_a_draft_publishes_it_and_the_public_sees_it(page: Page):
    call_command("setup_roles", stdout=io.StringIO())
    call_command(
        "create_editor",
        "olena",
        email="olena@example.org",
        password_from_stdin=True,
        stdin=io.StringIO(PASSWORD + "\n"),
        stdout=io.StringIO(),
    )
    make_member(name="Germany", country="DE")
    make_member(name="Georgia", country="GE")
    make_type(name="Air defence")
    make_source(title="Chancellor's statement on air defence", text=SOURCE_TEXT)
    violations = csp_violations(page)

    page.goto("/admin/")
    page.get_by_label("Username").fill("olena")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Data")).to_be_visible()

    page.goto("/admin/pledges/pledge/add/")
    # The parties are an inline: the first row's member autocomplete names the lead.
    pick(page, "id_parties-0-member", "Ger", "Germany")
    pick(page, "id_pledge_type", "air", "Air defence")
    page.get_by_label("Status").select_option("committed")
    page.locator("#id_summary").fill(SUMMARY)  # its Ukrainian field is labelled "Summary (Ukrainian)"
    page.locator("#id_announced_on").fill("2025-07-10")  # ISO, as precise as the source
    page.get_by_label("Announced precision").select_option("day")
    page.locator("#id_quantity").fill("2")
    page.locator("#id_quantity_unit").fill("Patriot systems")
    pick(page, "id_citations-0-source", "Chancellor", "Chancellor's statement on air defence")
    page.locator("#id_citations-0-quote").fill(QUOTE)
    page.locator("#id_citations-0-locator").fill("Paragraph 1")
    page.get_by_label("Reason for this change").fill("First entry, from the statement.")
    expect(page.get_by_label("Published")).not_to_be_checked()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-pledge-form.png"), full_page=True)

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    pledge = Pledge.objects.get(summary=SUMMARY)
    assert pledge.is_published is False
    assert list(pledge.citations.values_list("quote", flat=True)) == [QUOTE]
    assert page.request.get(f"/pledges/{pledge.pk}/").status == 404

    page.locator(f'input[name="_selected_action"][value="{pledge.pk}"]').check()
    page.locator('select[name="action"]').select_option("publish_selected")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("Published 1 pledge.")
    pledge.refresh_from_db()
    assert pledge.is_published is True
    assert pledge.history.latest().history_user.username == "olena"

    page.goto(f"/admin/pledges/pledge/{pledge.pk}/history/")
    history = page.locator("#change-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("olena")
    expect(history.nth(0)).to_contain_text("Published")
    expect(history.nth(1)).to_contain_text("First entry, from the statement.")

    page.goto(f"/pledges/{pledge.pk}/")
    expect(page.get_by_text(SUMMARY)).to_be_visible()
    assert violations == []
    assert os.path.getsize(SCREENSHOTS / "admin-pledge-form.png") > 10_000
