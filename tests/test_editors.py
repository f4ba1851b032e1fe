"""Editors add sources and cited pledges in the admin, publish them, and cannot break what is public."""

import io
import re
import threading
import time
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.forms import CheckboxInput
from django.urls import reverse

from pledges.admin import SourceAdmin
from pledges.forms import NO_CITATION_MESSAGE, PledgeAdminForm
from pledges.management.commands.setup_roles import editor_permission_codenames
from pledges.models import Citation, Pledge, Source
from pledges.services import publish_pledges, recent_public_changes
from tests.conftest import (
    SOURCE_TEXT,
    make_citation,
    make_meeting,
    make_member,
    make_pledge,
    make_source,
    make_type,
)

PASSWORD = "a long editor passphrase 2025"
QUOTE = "Germany is prepared to pay for two Patriot systems for Ukraine."
# Whether or not it names the nearest passage, the message says the quote is not in the text.
WRONG_QUOTE_MESSAGE = re.compile(r"This quote is not (?:found )?in the source’s archived text")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def create_editor(username: str = "editor") -> User:
    call_command("setup_roles", stdout=io.StringIO())
    call_command(
        "create_editor",
        username,
        email=f"{username}@example.org",
        password_from_stdin=True,
        stdin=io.StringIO(PASSWORD + "\n"),
        stdout=io.StringIO(),
    )
    return User.objects.get(username=username)


@pytest.fixture
def editor(db) -> User:
    return create_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:pledges_{model._meta.model_name}_{view}", args=args)


def browser_data(response) -> dict:
    """What a browser would send back from the admin form on this page, unchanged."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context.get("inline_admin_formsets", []):
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, CheckboxInput):
                if value:
                    data[field.html_name] = "on"
                continue
            shown = field.field.widget.format_value(value)
            data[field.html_name] = shown[0] if isinstance(shown, list) else (shown or "")
    return data


def empty_inlines(*prefixes: str) -> dict:
    """The management forms of inlines an editor leaves empty."""
    data = {}
    for prefix in prefixes:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    return data


def pledge_form(member, pledge_type, citations: list[dict], **fields) -> dict:
    """The admin's add-pledge form as an editor fills it in: its party (the lead), its citations inline."""
    data = {
        "parties-TOTAL_FORMS": 1,
        "parties-INITIAL_FORMS": 0,
        "parties-MIN_NUM_FORMS": 0,
        "parties-MAX_NUM_FORMS": 1000,
        "parties-0-member": member.pk,
        "parties-0-position": 0,
        "pledge_type": pledge_type.pk,
        "status": "committed",
        "summary": "Prepared to pay for two Patriot systems.",
        "conditions": "",
        "announced_on": "2025-07-10",
        "announced_precision": "day",
        "reported_on": "",
        "reported_precision": "unknown",
        "quantity_qualifier": "exact",
        "quantity": "2",
        "quantity_unit": "Patriot systems",
        "amount_qualifier": "exact",
        "amount": "",
        "currency": "",
        "note": "",
        "change_reason": "",
        "citations-TOTAL_FORMS": len(citations),
        "citations-INITIAL_FORMS": 0,
        "citations-MIN_NUM_FORMS": 0,
        "citations-MAX_NUM_FORMS": 1000,
    }
    for n, citation in enumerate(citations):
        for name, value in citation.items():
            data[f"citations-{n}-{name}"] = value
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def inline_formset(response, prefix: str):
    """The inline formset of the admin page with this prefix ("parties", "citations")."""
    return next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
    )


def errors_of(response) -> str:
    """Every error message the admin page shows, as one text."""
    context = response.context
    parts = [str(error) for error in context["errors"]]
    for inline in context.get("inline_admin_formsets", []):
        parts += [str(inline.formset.non_form_errors())] + [str(form.errors) for form in inline.formset.forms]
    return " ".join(parts)


def test_an_editor_adds_a_source_and_a_cited_pledge_and_publishes_it(editor_client, editor):
    member, pledge_type = make_member(name="Germany", country="DE"), make_type(name="Air defence")

    source_response = editor_client.post(
        admin_url(Source, "add"),
        {
            "title": "Chancellor's statement on air defence",
            "slug": "",
            "publisher": "Federal Government",
            "kind": "official-statement",
            "url": "https://example.org/statement",
            "published_on": "10/07/2025",
            "description": "",
            "text": SOURCE_TEXT,
            **empty_inlines("parts", "review_entries"),
        },
    )
    assert source_response.status_code == 302, errors_of(source_response)
    source = Source.objects.get(url="https://example.org/statement")
    assert (source.slug, source.text) == ("chancellors-statement-on-air-defence", SOURCE_TEXT)

    pledge_response = editor_client.post(
        admin_url(Pledge, "add"),
        pledge_form(member, pledge_type, [{"source": source.pk, "quote": QUOTE, "locator": "Paragraph 1"}]),
    )
    assert pledge_response.status_code == 302, errors_of(pledge_response)
    pledge = Pledge.objects.by_party(member).get()
    assert pledge.party_members == [member]
    assert pledge.is_published is False
    assert list(pledge.citations.values_list("quote", flat=True)) == [QUOTE]
    assert pledge not in Pledge.objects.published()

    publish = editor_client.post(
        admin_url(Pledge, "changelist"),
        {"action": "publish_selected", "_selected_action": [pledge.pk]},
        follow=True,
    )

    assert "Published 1 pledge." in publish.text
    pledge.refresh_from_db()
    assert pledge.is_published is True
    assert pledge in Pledge.objects.published()
    latest = pledge.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (editor, "Published")
    public = editor_client.get(reverse("pledges:pledge_detail", args=[pledge.pk]))
    assert public.status_code == 200
    assert "Prepared to pay for two Patriot systems." in public.text


def test_an_editor_adds_a_joint_pledge_with_its_lead_first(editor_client):
    uk, france, source = make_member(name="United Kingdom"), make_member(name="France"), make_source()
    data = pledge_form(uk, make_type(), [{"source": source.pk, "quote": QUOTE, "locator": ""}])
    data.update({"parties-TOTAL_FORMS": 2, "parties-1-member": france.pk, "parties-1-position": 1})

    response = editor_client.post(admin_url(Pledge, "add"), data)

    assert response.status_code == 302, errors_of(response)
    pledge = Pledge.objects.get()
    assert pledge.party_members == [uk, france]
    assert set(Pledge.objects.by_party(france)) == {pledge}


@pytest.mark.parametrize(
    ("parties", "message"),
    [
        ({"parties-0-member": ""}, "Name at least one party"),
        # Django's own check of the (pledge, member) constraint answers before the formset's words.
        ({"parties-TOTAL_FORMS": 2, "parties-1-position": 1}, "already a party|duplicate data for member"),
    ],
    ids=["no-party", "same-party-twice"],
)
def test_a_pledge_without_a_party_or_with_one_twice_is_refused(editor_client, parties, message):
    member = make_member()
    data = pledge_form(member, make_type(), [{"source": make_source().pk, "quote": QUOTE, "locator": ""}])
    data.update({"parties-1-member": member.pk, **parties})

    response = editor_client.post(admin_url(Pledge, "add"), data)

    assert response.status_code == 200
    assert re.search(
        message, errors_of(response) + str(inline_formset(response, "parties").non_form_errors())
    )
    assert not Pledge.objects.exists()


def test_a_draft_is_not_public(client, db):
    draft = make_pledge(is_published=False, summary="A draft still under review.")
    published = make_pledge(summary="A published pledge.")

    assert list(Pledge.objects.published()) == [published]
    assert "A draft still under review." not in client.get(reverse("pledges:pledge_list")).text
    assert client.get(reverse("pledges:pledge_detail", args=[draft.pk])).status_code == 404


def test_a_quote_not_in_the_source_is_refused_with_a_message_on_the_citation(editor_client):
    source = make_source()
    data = pledge_form(
        make_member(),
        make_type(),
        [{"source": source.pk, "quote": "Germany will send troops.", "locator": ""}],
    )

    response = editor_client.post(admin_url(Pledge, "add"), data)

    assert response.status_code == 200
    citation_form = inline_formset(response, "citations").forms[0]
    assert WRONG_QUOTE_MESSAGE.search(" ".join(citation_form.errors["quote"]))
    assert WRONG_QUOTE_MESSAGE.search(response.text)
    # The editor's input is kept.
    assert "Germany will send troops." in response.text
    assert not Pledge.objects.exists()


def test_a_quote_copied_across_line_breaks_is_accepted(editor_client):
    source = make_source()
    quote = "Germany is prepared to pay\nfor two Patriot systems   for Ukraine."
    data = pledge_form(make_member(), make_type(), [{"source": source.pk, "quote": quote, "locator": ""}])

    response = editor_client.post(admin_url(Pledge, "add"), data)

    assert response.status_code == 302, errors_of(response)
    assert Citation.objects.get().quote == quote


def test_publishing_a_new_pledge_without_a_citation_is_refused(editor_client):
    data = pledge_form(
        make_member(), make_type(), [{"source": "", "quote": "", "locator": ""}], is_published="on"
    )

    response = editor_client.post(admin_url(Pledge, "add"), data)

    assert response.status_code == 200
    assert NO_CITATION_MESSAGE in errors_of(response)
    assert not Pledge.objects.exists()


def test_the_publish_action_skips_pledges_without_a_citation_and_names_them(editor_client):
    cited = make_pledge(is_published=False)
    bare = make_pledge(is_published=False, cited=False, member=make_member(name="Uncited Land"))

    response = editor_client.post(
        admin_url(Pledge, "changelist"),
        {"action": "publish_selected", "_selected_action": [cited.pk, bare.pk]},
        follow=True,
    )

    assert "Published 1 pledge." in response.text
    assert "Not published, because they have no citation yet" in response.text
    assert f'href="{admin_url(Pledge, "change", bare.pk)}"' in response.text
    assert list(Pledge.objects.published()) == [cited]


def test_the_publish_service_reports_each_pledge(db):
    cited, bare, already = (
        make_pledge(is_published=False),
        make_pledge(is_published=False, cited=False),
        make_pledge(),
    )

    result = publish_pledges(Pledge.objects.all(), user=None)

    assert (result.changed, result.without_citation, result.unchanged) == ([cited], [bare], [already])
    cited.refresh_from_db()
    assert (cited.is_published, cited.version) == (True, 2)


def test_unpublishing_turns_pledges_back_into_drafts(editor_client):
    pledge = make_pledge()

    response = editor_client.post(
        admin_url(Pledge, "changelist"),
        {"action": "unpublish_selected", "_selected_action": [pledge.pk]},
        follow=True,
    )

    assert "Unpublished 1 pledge." in response.text
    assert not Pledge.objects.published().exists()


def test_removing_the_last_citation_of_a_published_pledge_is_refused(editor_client):
    pledge = make_pledge()
    citation = pledge.citations.get()
    data = browser_data(editor_client.get(admin_url(Pledge, "change", pledge.pk)))
    data["citations-0-DELETE"] = "on"

    response = editor_client.post(admin_url(Pledge, "change", pledge.pk), data)

    assert response.status_code == 200
    assert NO_CITATION_MESSAGE in response.text
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_unpublishing_and_removing_the_last_citation_together_is_allowed(editor_client):
    pledge = make_pledge()
    data = browser_data(editor_client.get(admin_url(Pledge, "change", pledge.pk)))
    data["citations-0-DELETE"] = "on"
    del data["is_published"]

    response = editor_client.post(admin_url(Pledge, "change", pledge.pk), data)

    assert response.status_code == 302, errors_of(response)
    pledge.refresh_from_db()
    assert (pledge.is_published, pledge.citations.count()) == (False, 0)


def test_deleting_the_last_citation_of_a_published_pledge_in_the_citation_admin_is_refused(editor_client):
    pledge = make_pledge()
    citation = pledge.citations.get()

    page = editor_client.get(admin_url(Citation, "delete", citation.pk))
    confirm = editor_client.post(admin_url(Citation, "delete", citation.pk), {"post": "yes"})
    bulk = editor_client.post(
        admin_url(Citation, "changelist"),
        {"action": "delete_selected", "_selected_action": [citation.pk], "post": "yes"},
    )

    assert page.status_code == confirm.status_code == bulk.status_code == 200
    assert "cannot be deleted" in page.text
    assert "a published pledge, left without any citation" in page.text
    assert "a published pledge, left without any citation" in bulk.text
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_deleting_one_of_two_citations_of_a_published_pledge_is_allowed(editor_client):
    pledge = make_pledge()
    second = make_citation(pledge, quote="Germany is prepared to pay")

    response = editor_client.post(admin_url(Citation, "delete", second.pk), {"post": "yes"})

    assert response.status_code == 302
    assert pledge.citations.count() == 1


def test_moving_the_only_citation_of_a_published_pledge_elsewhere_is_refused(editor_client):
    pledge, other = make_pledge(), make_pledge(is_published=False, cited=False)
    citation = pledge.citations.get()
    data = browser_data(editor_client.get(admin_url(Citation, "change", citation.pk)))
    data["pledge"] = other.pk

    response = editor_client.post(admin_url(Citation, "change", citation.pk), data)

    assert response.status_code == 200
    assert "This is the only citation of a published pledge." in response.text
    assert pledge.citations.get() == citation


def test_a_citation_must_support_exactly_one_fact(editor_client):
    pledge = make_pledge()
    source = make_source()
    data = {"source": source.pk, "quote": QUOTE, "locator": "", "note": "", "pledge": ""}

    neither = editor_client.post(admin_url(Citation, "add"), data)
    both = editor_client.post(
        admin_url(Citation, "add"), {**data, "pledge": pledge.pk, "meeting": make_meeting().pk}
    )

    for response in (neither, both):
        assert response.status_code == 200
        assert "A citation supports exactly one fact" in response.text
        assert "is violated" not in response.text
    assert Citation.objects.filter(source=source).count() == 0
    assert pledge.citations.count() == 1


def test_a_second_concurrent_save_shows_the_conflict_and_loses_nothing(editor, client):
    other = create_editor("second")
    pledge = make_pledge(summary="Original summary.")
    first_client, second_client = client, type(client)()
    first_client.force_login(editor)
    second_client.force_login(other)
    # Both open the pledge before either saves.
    first = browser_data(first_client.get(admin_url(Pledge, "change", pledge.pk)))
    second = browser_data(second_client.get(admin_url(Pledge, "change", pledge.pk)))

    first["summary"] = "The first editor's summary."
    second["summary"] = "The second editor's summary."
    second["conditions"] = "After a ceasefire."
    saved = first_client.post(admin_url(Pledge, "change", pledge.pk), first)
    refused = second_client.post(admin_url(Pledge, "change", pledge.pk), second)

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert "This was saved by editor after you opened it" in refused.text
    assert "Theirs: “The first editor&#x27;s summary.”" in refused.text
    # Nothing is lost: the second editor's input is still in the form.
    assert "The second editor&#x27;s summary." in refused.text
    assert "After a ceasefire." in refused.text
    pledge.refresh_from_db()
    assert (pledge.summary, pledge.conditions) == ("The first editor's summary.", "")

    # Having seen both, the second editor keeps their own summary; their conditions go in as well.
    again = second_client.post(
        admin_url(Pledge, "change", pledge.pk), {**browser_data(refused), "keep_summary": "mine"}
    )
    assert again.status_code == 302, errors_of(again)
    pledge.refresh_from_db()
    assert (pledge.summary, pledge.conditions) == ("The second editor's summary.", "After a ceasefire.")
    assert [record.summary for record in pledge.history.all()[:2]] == [
        "The second editor's summary.",
        "The first editor's summary.",
    ]


# Two requests really at once need two database connections writing at once. PostgreSQL takes the
# row lock this test is about; SQLite serialises every write transaction (IMMEDIATE mode) so the race
# cannot happen there, and its in-memory test database refuses a second writer outright ("table is
# locked") instead of letting it wait. So this test exists in the PostgreSQL run of the suite only.
ROW_LOCKS = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.mark.django_db(transaction=True)
def _two_saves_at_the_same_moment_cannot_both_pass_the_version_check(client, monkeypatch):
    first_editor, second_editor = create_editor("first"), create_editor("second")
    pledge = make_pledge(summary="Original summary.")
    # A request that fails answers 500 here instead of raising inside its thread.
    clients = {name: type(client)(raise_request_exception=False) for name in ("first", "second")}
    clients["first"].force_login(first_editor)
    clients["second"].force_login(second_editor)
    forms = {name: browser_data(c.get(admin_url(Pledge, "change", pledge.pk))) for name, c in clients.items()}
    first_has_checked = threading.Event()
    original_check = PledgeAdminForm.check_version

    def slow_first_check(form, cleaned):
        original_check(form, cleaned)
        if threading.current_thread().name == "first":
            # The first save has passed the check and holds the row: the second starts now.
            first_has_checked.set()
            time.sleep(0.5)

    monkeypatch.setattr(PledgeAdminForm, "check_version", slow_first_check)
    responses = {}

    def save(name: str) -> None:
        try:
            if name == "second":
                first_has_checked.wait(10)
            data = {**forms[name], "summary": f"Saved by the {name} editor."}
            responses[name] = clients[name].post(admin_url(Pledge, "change", pledge.pk), data)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(name,), name=name) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert responses["first"].status_code == 302
    assert responses["second"].status_code == 200
    assert "This was saved by first after you opened it" in responses["second"].text
    pledge.refresh_from_db()
    assert (pledge.summary, pledge.version) == ("Saved by the first editor.", 2)


if ROW_LOCKS:
    test_two_saves_at_the_same_moment_cannot_both_pass_the_version_check = (
        _two_saves_at_the_same_moment_cannot_both_pass_the_version_check
    )


def test_a_form_without_its_version_is_refused(editor_client):
    pledge = make_pledge(summary="Original summary.")
    data = browser_data(editor_client.get(admin_url(Pledge, "change", pledge.pk)))
    del data["opened_version"]
    data["summary"] = "Changed without a version."

    response = editor_client.post(admin_url(Pledge, "change", pledge.pk), data)

    assert response.status_code == 200
    assert "missing the version it was opened with" in response.text
    pledge.refresh_from_db()
    assert pledge.summary == "Original summary."


def test_each_change_is_in_the_history_with_its_editor_reason_and_diff(editor_client, editor):
    pledge = make_pledge(summary="Original summary.")
    data = browser_data(editor_client.get(admin_url(Pledge, "change", pledge.pk)))
    data.update(summary="Corrected summary.", change_reason="The source says two systems, not three.")

    assert editor_client.post(admin_url(Pledge, "change", pledge.pk), data).status_code == 302
    history = editor_client.get(admin_url(Pledge, "history", pledge.pk))

    latest = pledge.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        editor,
        "The source says two systems, not three.",
    )
    assert history.status_code == 200
    assert "The source says two systems, not three." in history.text
    assert "editor" in history.text
    assert 'Original summary. <span aria-label="changed to">→</span> Corrected summary.' in history.text


def test_revert_restores_the_earlier_values(editor_client, editor):
    pledge = make_pledge(summary="Original summary.", status="willing")
    original = pledge.history.latest()
    data = browser_data(editor_client.get(admin_url(Pledge, "change", pledge.pk)))
    data.update(summary="A mistaken summary.", status="delivered", announced_on="", announced_precision="day")
    assert editor_client.post(admin_url(Pledge, "change", pledge.pk), data).status_code == 302
    pledge.refresh_from_db()
    assert (pledge.summary, pledge.status, pledge.announced_on) == ("A mistaken summary.", "delivered", None)

    revert_url = admin_url(Pledge, "simple_history", pledge.pk, original.history_id)
    page = editor_client.get(revert_url)
    assert page.status_code == 200
    assert "Revert" in page.text
    response = editor_client.post(revert_url, {**browser_data(page), "_save": "Revert"})

    assert response.status_code == 302, errors_of(response)
    pledge.refresh_from_db()
    assert (pledge.summary, pledge.status, pledge.announced_on) == (
        "Original summary.",
        "willing",
        date(2025, 7, 10),
    )
    assert pledge.announced_precision == "day"
    latest = pledge.history.latest()
    assert latest.history_user == editor
    assert latest.history_change_reason.startswith("Reverted to the version of ")


def test_reverting_an_unpublished_pledge_to_a_published_version_needs_a_citation(editor_client):
    pledge = make_pledge()
    published_version = pledge.history.latest()
    pledge.citations.all().delete()
    pledge.is_published = False
    pledge.save()

    revert_url = admin_url(Pledge, "simple_history", pledge.pk, published_version.history_id)
    response = editor_client.post(
        revert_url, {**browser_data(editor_client.get(revert_url)), "_save": "Revert"}
    )

    assert response.status_code == 200
    assert NO_CITATION_MESSAGE in response.text
    pledge.refresh_from_db()
    assert pledge.is_published is False


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": "1000000", "currency": ""}, "currency", "Choose the currency of the amount."),
        ({"quantity": "2", "quantity_unit": ""}, "quantity_unit", "Say what the quantity counts"),
        (
            {"announced_on": "2025-07-10", "announced_precision": "month"},
            "announced_precision",
            "You typed a full date (2025-07-10) but chose “Month”",
        ),
        (
            {"announced_on": "", "announced_precision": "month"},
            "announced_on",
            "Enter the date, or set the precision",
        ),
    ],
    ids=[
        "amount-needs-currency",
        "quantity-needs-unit",
        "precision-contradicts-date",
        "precision-needs-date",
    ],
)
def test_a_pledge_with_fields_that_disagree_is_refused_on_the_field(editor_client, fields, field, message):
    data = pledge_form(make_member(), make_type(), [], **fields)

    response = editor_client.post(admin_url(Pledge, "add"), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    assert not Pledge.objects.exists()


def test_clearing_the_date_makes_its_precision_unknown(editor_client):
    pledge = make_pledge()
    data = browser_data(editor_client.get(admin_url(Pledge, "change", pledge.pk)))
    data["announced_on"] = ""

    response = editor_client.post(admin_url(Pledge, "change", pledge.pk), data)

    assert response.status_code == 302, errors_of(response)
    pledge.refresh_from_db()
    assert (pledge.announced_on, pledge.announced_precision) == (None, "unknown")


def test_an_editor_cannot_delete_sources_or_members_nor_manage_accounts(editor_client):
    pledge = make_pledge()
    cited_source = pledge.citations.get().source
    unused_source = make_source()

    for url in (
        admin_url(Source, "delete", cited_source.pk),
        admin_url(Source, "delete", unused_source.pk),
        admin_url(pledge.member, "delete", pledge.member.pk),
    ):
        assert editor_client.get(url).status_code == 403
        assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert Source.objects.count() == 2
    assert "delete_selected" not in editor_client.get(admin_url(Source, "changelist")).text


def test_deleting_a_cited_source_shows_why_instead_of_failing(admin_client):
    pledge = make_pledge()
    source = pledge.citations.get().source

    page = admin_client.get(admin_url(Source, "delete", source.pk))
    confirm = admin_client.post(admin_url(Source, "delete", source.pk), {"post": "yes"})

    assert page.status_code == confirm.status_code == 200
    assert "cannot be deleted" in page.text
    assert "A source quoted by citations is kept" in page.text
    assert Source.objects.filter(pk=source.pk).exists()


def test_a_delete_that_meets_a_protected_row_after_confirming_says_so_instead_of_failing(
    admin_client, monkeypatch
):
    source = make_source(title="Quoted meanwhile")
    page = admin_client.get(admin_url(Source, "delete", source.pk))
    assert "Are you sure" in page.text
    # Someone cites the source between the confirmation page and the click.
    make_pledge(citation_source=source)
    monkeypatch.setattr(SourceAdmin, "get_deleted_objects", lambda self, objs, request: ([], {}, set(), []))

    response = admin_client.post(admin_url(Source, "delete", source.pk), {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert "Nothing was deleted: other records depend on it" in response.text
    assert "A source quoted by citations is kept" in response.text
    assert Source.objects.filter(pk=source.pk).exists()


def test_a_source_whose_url_is_recorded_is_refused_with_a_link_to_it(editor_client):
    existing = make_source(title="The first copy", url="https://example.org/statement")

    response = editor_client.post(
        admin_url(Source, "add"),
        {
            "title": "A second copy",
            "slug": "",
            "kind": "news-article",
            "url": "http://EXAMPLE.org/statement/",
        },
    )

    assert response.status_code == 200
    link = f'<a href="{admin_url(Source, "change", existing.pk)}">The first copy</a>'
    assert f"This URL is already recorded for the source {link}" in response.text
    assert Source.objects.count() == 1


def test_setup_roles_is_idempotent_and_restores_the_editors_permissions(db):
    first, second = io.StringIO(), io.StringIO()
    call_command("setup_roles", stdout=first)
    group = Group.objects.get(name="Editors")
    group.permissions.remove(group.permissions.get(codename="change_pledge"))
    call_command("setup_roles", stdout=io.StringIO())
    call_command("setup_roles", stdout=second)

    assert "Created the group “Editors”" in first.getvalue()
    assert "no change" in second.getvalue()
    assert Group.objects.filter(name="Editors").count() == 1
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == set(editor_permission_codenames())
    assert {"add_source", "change_pledge", "delete_pledge", "delete_citation"} <= codenames
    assert not {"delete_source", "delete_member", "delete_pledgetype"} & codenames
    assert not group.permissions.filter(content_type__app_label="auth").exists()


def test_create_editor_makes_a_staff_account_in_the_editors_group(db):
    out = io.StringIO()
    call_command(
        "create_editor",
        "maria",
        email="maria@example.org",
        password_from_stdin=True,
        stdin=io.StringIO(PASSWORD + "\n"),
        stdout=out,
    )

    user = User.objects.get(username="maria")
    assert (user.is_staff, user.is_superuser, user.email) == (True, False, "maria@example.org")
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert user.check_password(PASSWORD)
    assert PASSWORD not in out.getvalue()


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("tiny7", "too short"),
        ("password1234", "too common"),
        ("839201746381", "entirely numeric"),
        ("maria-example", "too similar to the email address"),
    ],
)
def test_create_editor_refuses_a_weak_password_clearly(db, password, reason):
    with pytest.raises(CommandError) as refused:
        call_command(
            "create_editor",
            "maria",
            email="maria@example.org",
            password_from_stdin=True,
            stdin=io.StringIO(password + "\n"),
            stdout=io.StringIO(),
        )

    assert reason in str(refused.value)
    assert password not in str(refused.value)
    assert not User.objects.filter(username="maria").exists()


def test_create_editor_without_a_terminal_or_stdin_password_says_how(db):
    class NoTerminal(io.StringIO):
        def isatty(self) -> bool:
            return False

    with pytest.raises(CommandError, match="use --password-from-stdin"):
        call_command("create_editor", "maria", email="maria@example.org", stdin=NoTerminal())


def test_an_editor_logs_in_to_the_admin_with_the_password_given(client, editor):
    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": PASSWORD, "next": reverse("admin:index")}
    )

    assert response.status_code == 302
    assert client.get(admin_url(Pledge, "changelist")).status_code == 200


# The public trace of changes (/changes/).


def edit(pledge: Pledge, **fields) -> None:
    for name, value in fields.items():
        setattr(pledge, name, value)
    pledge.save()


def test_recent_public_changes_lists_published_changes_with_their_diff_and_no_editor(db, editor):
    pledge = make_pledge(is_published=False, summary="Draft wording nobody should see.")
    edit(pledge, summary="Public wording.", is_published=True)
    pledge._history_user = editor
    edit(pledge, status="delivered", announced_precision="month")
    draft = make_pledge(is_published=False, summary="Another draft.")
    edit(draft, summary="Still a draft.")

    changes = recent_public_changes()

    assert [(change.pledge_id, change.kind) for change in changes] == [
        (pledge.pk, "changed"),
        (pledge.pk, "published"),
    ]
    changed, published = changes
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("Status", "Committed", "Delivered"),
        ("Announced", "10 July 2025", "July 2025"),
    ]
    assert published.changes == ()
    assert changed.url == reverse("pledges:pledge_detail", args=[pledge.pk])
    shown = repr(changes)
    assert "Draft wording" not in shown and "Another draft" not in shown and "editor" not in shown


def test_recent_public_changes_leaves_out_pledges_unpublished_since(db):
    pledge = make_pledge()
    edit(pledge, summary="Corrected.")
    edit(pledge, is_published=False)

    assert recent_public_changes() == []


def test_recent_public_changes_respects_the_limit_newest_first(db):
    pledges = [make_pledge(summary=f"Pledge {n}.") for n in range(5)]

    changes = recent_public_changes(limit=3)

    assert [change.pledge_id for change in changes] == [p.pk for p in reversed(pledges)][:3]


@pytest.mark.parametrize("count", [2, 25])
def test_recent_public_changes_takes_four_queries_whatever_the_history(db, django_assert_num_queries, count):
    for n in range(count):
        pledge = make_pledge(summary=f"Pledge {n}.", members=[make_member(name=f"Lead {n}"), make_member()])
        edit(pledge, summary=f"Pledge {n}, corrected.", status="delivered")

    # The latest records with the key of each one's previous record; then those previous records;
    # both join the type. Then the pledges and their parties with members, for the names.
    with django_assert_num_queries(4):
        changes = recent_public_changes(limit=50)

    assert len(changes) == 2 * count
    assert {c.label for change in changes for c in change.changes} == {"Status", "Summary"}
    assert {change.member.split(", ")[0] for change in changes} == {f"Lead {n}" for n in range(count)}
