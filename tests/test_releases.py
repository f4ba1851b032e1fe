"""Releases: cut one, change and withdraw facts afterwards, and find the release's pages, embed and
downloads unchanged, the next release's page listing exactly those changes, and the live site new."""

import hashlib
import io
import json
import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges.models import Pledge, Release, ReleaseFile, ReleaseRow, data_as_of
from pledges.releases import NothingToRelease, cut_release
from pledges.validation import release_problems
from tests.conftest import make_member, make_pledge, make_type, text_of
from tests.test_editors import create_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    """Three members' pledges, release 1 cut, then one pledge changed, one withdrawn, one added."""
    france = make_member(slug="france", name="France", name_uk="Франція")
    germany = make_member(slug="germany", name="Germany", country="DE")
    italy = make_member(slug="italy", name="Italy", country="IT")
    troops = make_type(slug="troops", name="Troops")
    kept = make_pledge(member=france, summary="Ready to lead a reassurance force.", pledge_type=troops)
    changed = make_pledge(member=france, summary="Will train pilots.")
    withdrawn = make_pledge(member=germany, summary="Pays for two Patriot systems.")
    steady = make_pledge(member=italy, summary="Will clear mines at sea.")
    as_of = data_as_of()
    first = cut_release("The first release.", by="Editor One")
    return SimpleNamespace(
        as_of=as_of,
        france=france, germany=germany, italy=italy, troops=troops, kept=kept, changed=changed,
        withdrawn=withdrawn, steady=steady, first=first,
    )  # fmt: skip


def change_the_data(world) -> Pledge:
    world.changed.summary = "Will train pilots and ground crews."
    world.changed.save()
    world.withdrawn.is_published = False
    world.withdrawn.save()
    return make_pledge(member=world.france, summary="Sends air defence after the release.")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- pages at a release stay as they were -------------------------------------------------------------


def test_a_release_page_keeps_showing_the_data_as_it_was_while_the_live_page_moves_on(client, world):
    before = text_of(client.get("/releases/1/members/france/"))
    added = change_the_data(world)

    at_release = text_of(client.get("/releases/1/members/france/"))
    live = text_of(client.get("/members/france/"))
    assert "Will train pilots." in at_release and "ground crews" not in at_release
    assert "Sends air defence after the release." not in at_release
    assert "ground crews" in live and "Sends air defence after the release." in live
    # The page at the release is the very same text as before the changes.
    assert at_release == before
    # A withdrawn pledge is still at the release, and gone from the live site.
    assert client.get(f"/releases/1/pledges/{world.withdrawn.pk}/").status_code == 200
    assert client.get(f"/pledges/{world.withdrawn.pk}/").status_code == 404
    # A pledge added later is not at the release.
    assert client.get(f"/releases/1/pledges/{added.pk}/").status_code == 404


def test_a_filtered_list_at_a_release_lists_the_pledges_of_that_release(client, world):
    change_the_data(world)
    text = text_of(client.get("/releases/1/pledges/?member=germany"))
    assert "Pays for two Patriot systems." in text
    assert "Pays for two Patriot systems." not in text_of(client.get("/pledges/?member=germany"))
    # A filtered export is streamed after the view returns: it is still read at the release.
    export = body(client.get("/releases/1/pledges/?member=germany&format=csv")).decode()
    assert "Pays for two Patriot systems." in export
    assert (
        "Pays for two Patriot systems."
        not in body(client.get("/pledges/?member=germany&format=csv")).decode()
    )


def test_a_release_page_has_a_banner_naming_the_release_and_linking_to_the_page_today(client, world):
    response = client.get("/releases/1/members/france/")
    content = response.content.decode()
    assert "Release 1" in text_of(response)
    banner = re.search(r'<aside class="release-banner".*?</aside>', content, re.S).group(0)
    assert 'href="/members/france/"' in banner
    assert 'href="/releases/1/"' in banner
    # Its links stay inside the release.
    assert 'href="/releases/1/pledges/' in content
    assert 'href="/releases/1/members/"' in content


def test_pages_at_a_release_are_cached_as_immutable_and_say_their_release(client, world):
    response = client.get("/releases/1/members/france/")
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Tracker-Release"] == "1"
    # The live page still asks browsers to check back.
    assert "immutable" not in client.get("/members/france/")["Cache-Control"]


def test_a_ukrainian_page_at_a_release_is_under_the_release_prefix(client, world):
    response = client.get("/releases/1/uk/members/france/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="uk">' in content
    assert "Франція" in text_of(response)
    assert 'href="/uk/members/france/"' in content  # "see this page today", in Ukrainian
    assert client.get("/uk/releases/1/").status_code == 200
    assert client.get("/releases/1/uk/")["Location"] == "/uk/releases/1/"
    # The language before the release is put after it, as every link has it.
    assert (
        client.get("/uk/releases/1/members/france/?a=1")["Location"] == "/releases/1/uk/members/france/?a=1"
    )


@pytest.mark.parametrize(
    "path",
    ["/releases/9/members/france/", "/releases/1/changes/", "/releases/1/feeds/pledges.atom", "/releases/0/"],
)
def test_what_a_release_does_not_have_is_not_found(client, world, path):
    assert client.get(path).status_code == 404


def test_the_overview_at_a_release_counts_the_pledges_of_that_release(client, world):
    change_the_data(world)
    at_release = client.get("/releases/1/overview/")
    assert at_release.status_code == 200
    assert "Sends air defence after the release." not in text_of(at_release)
    assert "Sends air defence after the release." in text_of(client.get("/"))


# --- downloads ---------------------------------------------------------------------------------------


def test_a_release_keeps_its_downloads_byte_for_byte_with_their_checksums(client, world):
    stored = {f.name: f.sha256 for f in ReleaseFile.objects.filter(release=world.first)}
    assert {"tracker.json", "tracker-csv.zip", "datapackage.json", "pledges.csv"} <= set(stored)
    first = body(client.get("/releases/1/download/tracker.json"))
    assert sha256(first) == stored["tracker.json"]
    change_the_data(world)
    again = body(client.get("/releases/1/download/tracker.json"))
    assert again == first
    data = json.loads(again)
    assert data["release"] == 1
    assert data["as_of"] == world.as_of.isoformat()  # the rows' own dates, not when they were copied
    summaries = {p["summary"] for p in data["pledges"]}
    assert "Will train pilots." in summaries and "Pays for two Patriot systems." in summaries
    # The live download has moved on.
    live = json.loads(body(client.get("/download/tracker.json")))
    assert "Will train pilots and ground crews." in {p["summary"] for p in live["pledges"]}
    # The release's page lists every file with its checksum.
    page = client.get("/releases/1/").content.decode()
    for name, checksum in stored.items():
        assert name in page and checksum in page
    zipped = body(client.get("/releases/1/download/tracker-csv.zip"))
    assert sha256(zipped) == stored["tracker-csv.zip"]


def test_the_data_package_of_a_release_carries_the_release_number_as_its_version(client, world):
    package = json.loads(body(client.get("/releases/1/download/datapackage.json")))
    assert package["version"] == "1"


# --- what the next release changed -------------------------------------------------------------------


def listed_pledges(content: str) -> dict[str, set[str]]:
    """The pledges on a release's page of changes, by action."""
    found: dict[str, set[str]] = {}
    for action, label in re.findall(
        r'<li class="release-change release-change-(\w+)">.*?<span class="change-kind">Pledge</span>:\s*'
        r"(?:<a [^>]*>)?([^<]+)",
        content,
        re.S,
    ):
        found.setdefault(action, set()).add(label.strip())
    return found


def test_the_next_release_lists_exactly_the_pledges_added_changed_and_withdrawn(client, world):
    change_the_data(world)
    second = cut_release("Second release.", by="Editor Two")
    assert (second.number, second.cut_by) == (2, "Editor Two")
    content = client.get("/releases/2/").content.decode()
    assert listed_pledges(content) == {
        "added": {"Sends air defence after the release."},
        "changed": {"Will train pilots and ground crews."},
        "withdrawn": {"Pays for two Patriot systems."},
    }
    # Field by field: the summary, before and after.
    assert re.search(
        r'<th scope="row">Summary</th><td><del lang="en">Will train pilots.</del></td>'
        r'<td><ins lang="en">Will train pilots and ground crews.</ins></td>',
        content,
    )
    # Nothing about the pledges that did not change.
    assert "Ready to lead a reassurance force." not in content and "Will clear mines at sea." not in content
    # The withdrawn pledge links to its page in the release before, where it still is.
    assert f'href="/releases/1/pledges/{world.withdrawn.pk}/"' in content
    assert client.get(f"/releases/1/pledges/{world.withdrawn.pk}/").status_code == 200
    # The live pages show the new state.
    assert "ground crews" in text_of(client.get(f"/pledges/{world.changed.pk}/"))


def test_a_release_stores_only_what_changed(world):
    first_rows = ReleaseRow.objects.filter(release=world.first).count()
    change_the_data(world)
    second = cut_release("Second release.")
    rows = ReleaseRow.objects.filter(release=second)
    # The changed pledge; the withdrawn pledge with its party, quote, source and member; the new pledge
    # with its party, quote and source: far fewer than the first release's rows.
    assert rows.filter(model="pledges.pledge").count() == 3
    assert rows.count() < first_rows
    assert rows.filter(withdrawn=True, model="pledges.member").count() == 1  # Germany has nothing left
    assert second.rows_bytes > 0 and second.files_bytes > 0


def test_cutting_a_release_with_nothing_changed_is_refused(world):
    with pytest.raises(NothingToRelease):
        cut_release("Nothing new.")
    with pytest.raises(CommandError, match="Nothing public has changed since release 1"):
        call_command("cut_release", note="Nothing new.", stdout=io.StringIO())
    with pytest.raises(ValueError, match="note"):
        cut_release("   ")


def test_the_list_of_changes_answers_in_a_fixed_number_of_queries(client, world):
    change_the_data(world)
    cut_release("Second release.")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/releases/2/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(8):
        make_pledge(member=world.italy, summary=f"Another pledge {n}.")
    world.steady.summary = "Will clear mines at sea and in ports."
    world.steady.save()
    cut_release("Third release.")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/releases/3/").status_code == 200
    assert len(captured) == few


# --- pinned embeds -----------------------------------------------------------------------------------


def test_a_pinned_embed_says_updated_since_once_a_later_release_changes_its_member(client, world):
    assert "Updated since" not in text_of(client.get("/releases/1/members/france/embed/"))
    change_the_data(world)
    # Live changes alone are no release: the pinned embed still has nothing to say.
    assert "Updated since" not in text_of(client.get("/releases/1/members/france/embed/"))
    cut_release("Second release.")
    response = client.get("/releases/1/members/france/embed/")
    assert "Updated since (release 2): see the latest" in text_of(response)
    assert 'href="http://127.0.0.1:8000/members/france/"' in response.content.decode()
    assert "Will train pilots." in text_of(response)  # still the data of release 1
    assert response["Cache-Control"] == "public, max-age=3600"
    # Italy did not change: its pinned embed has no such line.
    assert "Updated since" not in text_of(client.get("/releases/1/members/italy/embed/"))


def test_the_embed_panel_offers_the_release_for_reports_and_the_latest(client, world):
    content = client.get("/members/france/").content.decode()
    boxes = dict(re.findall(r'<textarea id="(embed-code-[^"]+)"[^>]*>(.*?)</textarea>', content, re.S))
    assert "/releases/1/members/france/embed/" in boxes["embed-code-france"]
    assert 'src="http://testserver/members/france/embed/"' in boxes["embed-code-france-latest"].replace(
        "&quot;", '"'
    )
    assert "recommended for reports" in text_of(client.get("/members/france/"))


def test_oembed_pins_a_release_address_or_the_latest_release_when_asked(client, world):
    def html_for(**query) -> str:
        response = client.get("/oembed/", query)
        assert response.status_code == 200, response.content
        return response.json()["html"]

    assert "/releases/1/members/france/embed/" in html_for(url="http://testserver/releases/1/members/france/")
    assert "/releases/1/members/france/embed/" in html_for(
        url="http://testserver/members/france/", release="latest"
    )
    assert "/releases/" not in html_for(url="http://testserver/members/france/")
    assert (
        client.get("/oembed/", {"url": "http://testserver/members/france/", "release": "x"}).status_code
        == 400
    )
    assert (
        client.get("/oembed/", {"url": "http://testserver/members/france/", "release": "7"}).status_code
        == 404
    )


# --- citing ------------------------------------------------------------------------------------------


def test_cite_this_page_gives_the_release_and_its_permanent_link_in_three_styles(client, world):
    at_release = client.get(f"/releases/1/pledges/{world.kept.pk}/").content.decode()
    permanent = f"http://127.0.0.1:8000/releases/1/pledges/{world.kept.pk}/"
    assert permanent in at_release
    bibtex = re.search(
        r'<pre class="citation-text" id="cite-bibtex"[^>]*>(.*?)</pre>', at_release, re.S
    ).group(1)
    assert "version = {1}" in bibtex and permanent in bibtex and bibtex.startswith("@misc{tracker-release-1,")
    assert re.search(r"\(Release 1\) \[Data set\]", at_release)
    # A live page names the newest release and links the page as it is there.
    live = client.get(f"/pledges/{world.kept.pk}/").content.decode()
    assert "Permanent link: release 1" in live and permanent in live
    # A pledge published after the newest release has no permanent link yet: it would lead nowhere.
    added = change_the_data(world)
    newer = text_of(client.get(f"/pledges/{added.pk}/"))
    assert "Permanent link" not in newer
    assert (
        "This page is newer than release 1, the latest: it gets a permanent link with the next release."
        in newer
    )


# --- releases themselves -----------------------------------------------------------------------------


def test_the_list_of_releases_and_its_feed(client, world):
    change_the_data(world)
    cut_release("Second release.", by="Editor Two")
    text = text_of(client.get("/releases/"))
    assert text.index("Release 2") < text.index("Release 1")
    assert "The first release." in text and "Second release." in text
    feed = client.get("/releases/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    entries = re.findall(r"<entry>.*?</entry>", feed.content.decode(), re.S)
    assert len(entries) == 2 and "Second release." in entries[0]


def test_a_release_can_never_be_changed_or_deleted(world):
    release = Release.objects.get(number=1)
    release.note = "Rewritten."
    with pytest.raises(PermissionDenied):
        release.save()
    with pytest.raises(PermissionDenied):
        release.delete()
    with pytest.raises(PermissionDenied):
        Release.objects.filter(number=1).update(note="Rewritten.")
    with pytest.raises(PermissionDenied):
        ReleaseRow.objects.filter(release=release).delete()
    # Nor by SQL: the database refuses an UPDATE of a release's rows.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE pledges_releaserow SET data = NULL WHERE release_number = 1")
    assert Release.objects.get(number=1).note == "The first release."


def test_an_editor_cuts_a_release_in_the_admin_and_can_then_only_look_at_it(client, world):
    editor = create_editor()
    client.force_login(editor)
    add = reverse("admin:pledges_release_add")
    # Nothing changed since release 1: the form says so and keeps the note typed.
    refused = client.post(add, {"note": "Nothing new."})
    assert refused.status_code == 200
    assert "Nothing public has changed since the latest release" in text_of(refused)
    assert "Nothing new." in refused.content.decode()
    change_the_data(world)
    done = client.post(add, {"note": "Second release.", "note_uk": "Другий випуск."}, follow=True)
    assert done.status_code == 200
    second = Release.objects.get(number=2)
    assert (second.cut_by, second.note, second.note_uk) == (
        editor.username,
        "Second release.",
        "Другий випуск.",
    )
    # Looking is allowed; changing and deleting are not.
    change = client.get(reverse("admin:pledges_release_change", args=[second.pk]))
    assert change.status_code == 200 and 'name="note"' not in change.content.decode()
    assert (
        client.post(reverse("admin:pledges_release_delete", args=[second.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Release.objects.filter(number=2).exists()


def test_the_shipped_dataset_comes_with_release_1(client):
    out = io.StringIO()
    call_command("load_dataset", stdout=out)
    assert "Cut release 1 from the shipped dataset" in out.getvalue()
    release = Release.objects.get()
    published = Pledge.objects.published().filter(~Q(citations=None)).distinct().count()
    assert ReleaseRow.objects.filter(release=release, model="pledges.pledge").count() == published
    assert client.get("/releases/1/members/france/").status_code == 200
    # Loading again cuts nothing more.
    call_command("load_dataset", stdout=out)
    assert Release.objects.count() == 1


def test_editors_notes_never_go_into_a_release(world):
    world.kept.editor_note = "Check with the ministry before publishing more."
    world.kept.save()
    # A change to what the public never sees is no change to release.
    with pytest.raises(NothingToRelease):
        cut_release("Second release.")
    stored = json.dumps(list(ReleaseRow.objects.values_list("data", flat=True)))
    assert "Check with the ministry" not in stored
    assert "editor_note" not in stored


def test_validate_data_finds_a_release_row_changed_behind_the_app(world):
    assert list(release_problems()) == []
    with connection.cursor() as cursor:  # what only a trigger-less copy of the database would allow
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER pledges_releaserow_immutable")
        else:
            cursor.execute("DROP TRIGGER pledges_releaserow_immutable ON pledges_releaserow")
        cursor.execute(
            "UPDATE pledges_releaserow SET data = %s WHERE model = 'pledges.pledge' AND object_id = %s",
            [json.dumps({"summary": "Forged."}), world.kept.pk],
        )
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("validate_data", stdout=io.StringIO(), stderr=errors)
    assert (
        f"Release 1: the row pledges.pledge {world.kept.pk} no longer matches its digest."
        in errors.getvalue()
    )


def test_a_save_made_while_a_release_is_built_waits_for_the_next_release(client, world, monkeypatch):
    """The release's database and files are built from the data as it was read, after that reading:
    an editor's save meanwhile goes through, and is not in the release."""
    import pledges.releases as releases

    building = releases.build_files

    def build_while_an_editor_saves(release, rows):
        world.steady.summary = "Saved during the cut."
        world.steady.save()
        return building(release, rows)

    change_the_data(world)
    monkeypatch.setattr(releases, "build_files", build_while_an_editor_saves)
    cut_release("Second release.")
    assert Pledge.objects.get(pk=world.steady.pk).summary == "Saved during the cut."
    assert "Will clear mines at sea." in text_of(client.get(f"/releases/2/pledges/{world.steady.pk}/"))
    assert "Saved during the cut." in text_of(client.get(f"/pledges/{world.steady.pk}/"))


def test_a_cut_overtaken_by_another_is_made_again_from_the_data_as_it_then_is(world, monkeypatch):
    import pledges.releases as releases

    change_the_data(world)
    building = releases.build_files
    overtaken = []

    def another_editor_cuts_first(release, rows):
        if not overtaken:  # while the first attempt builds its files, someone else cuts release 2
            overtaken.append(True)
            monkeypatch.setattr(releases, "build_files", building)
            cut_release("The other editor's release.")
            world.steady.summary = "Changed after the other release."
            world.steady.save()
        return building(release, rows)

    monkeypatch.setattr(releases, "build_files", another_editor_cuts_first)
    mine = cut_release("My release.")
    assert [r.note for r in Release.objects.order_by("number")] == [
        "The first release.",
        "The other editor's release.",
        "My release.",
    ]
    assert (mine.number, mine.changed, mine.added, mine.withdrawn) == (3, 1, 0, 0)


def test_a_release_database_built_for_other_tables_is_built_again_and_the_old_one_removed(
    client, world, monkeypatch, settings
):
    import pledges.releases as releases

    assert client.get("/releases/1/members/france/").status_code == 200
    folder = settings.DOWNLOADS_DIR / "releases"
    before = {path.name for path in folder.glob("release-1-*.sqlite3")}
    assert len(before) == 1
    # A deploy that changes the models' columns: the file's name no longer matches them.
    monkeypatch.setattr(releases, "schema_signature", lambda: "other-tables")
    assert "Will train pilots." in text_of(client.get("/releases/1/pledges/?member=france"))
    after = {path.name for path in folder.glob("release-1-*.sqlite3")}
    assert len(after) == 1 and after != before


def test_a_country_page_asks_once_whether_its_member_is_in_the_newest_release(client, world):
    """The embed panel and "Cite this page" both need it: one query for both."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/members/france/").status_code == 200
    asked = [q["sql"] for q in captured.captured_queries if "pledges_releaserow" in q["sql"]]
    assert len(asked) == 1
