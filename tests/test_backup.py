"""Backups: `export_data` writes the whole tracker, `import_data` restores it exactly, or refuses."""

import io
import json
import stat
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from pledges.models import Citation, Meeting, Member, Pledge, Source
from tests.conftest import (
    make_count,
    make_meeting,
    make_member,
    make_membership,
    make_pledge,
    make_source,
    make_type,
)

# Text that must come back character for character: quotes, accents, Cyrillic, right-to-left, emoji.
AWKWARD_TEXT = "«Ми готові» — l’Élysée said; ‏مرحبا‏ 🇺🇦 <b>&amp;</b> \"quoted\" 'single' \\ back\nslash"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The round trip keeps whatever hash it is given; the slow production hasher adds nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_everything() -> dict:
    """One of each kind of row a backup must carry: published and draft facts, history made by an
    editor, an editor account in the Editors group, and the admin log."""
    editors = Group.objects.create(name="Editors")
    editors.permissions.set(Permission.objects.filter(content_type__app_label="pledges"))
    editor = User.objects.create_user("editor", "editor@example.org", "a long editor passphrase 42")
    editor.groups.add(editors)
    editor.user_permissions.add(Permission.objects.get(codename="view_logentry"))
    User.objects.create_superuser("admin", "admin@example.org", "another long passphrase 43")

    source = make_source(title=AWKWARD_TEXT[:200], publisher="Élysée", text=AWKWARD_TEXT, covers_from=None)
    member = make_member(name="Україна-friendly", description=AWKWARD_TEXT, region="northern-europe")
    draft = make_pledge(
        member=member,
        summary=AWKWARD_TEXT,
        is_published=False,
        quantity=Decimal("12.50"),
        quantity_unit="jets",
        amount=Decimal("1000000.00"),
        currency="EUR",
        citation_source=source,
    )
    undated = make_pledge(announced_on=None, announced_precision="unknown", conditions="After a ceasefire.")
    # A change made by the editor: history rows naming who made it.
    undated._history_user = editor
    undated.status = "delivered"
    undated.save()
    membership = make_membership(member=member, since=date(2025, 1, 6), since_precision="day")
    meeting = make_meeting(agreed=AWKWARD_TEXT, held_on=None, held_precision="unknown")
    meeting.hosts.set([member, make_member(country="GB")])
    count = make_count(meeting=meeting, qualifier="about", number=26)
    make_type(description="Kept even with no pledge of its own.")
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Pledge),
        object_id=str(undated.pk),
        object_repr=str(undated)[:200],
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Status"]}}]',
    )
    return {"draft": draft, "undated": undated, "membership": membership, "meeting": meeting, "count": count}


def export(path: Path) -> str:
    call_command("export_data", "--output", str(path), stdout=io.StringIO())
    return path.read_text(encoding="utf-8")


def everything_counted() -> dict[str, int]:
    return {
        "pledges": Pledge.objects.count(),
        "pledge history": Pledge.history.count(),
        "citations": Citation.objects.count(),
        "users": User.objects.count(),
        "log": LogEntry.objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_export_then_import_into_an_empty_database_restores_it_exactly(tmp_path):
    built = build_everything()
    first = export(tmp_path / "first.json")

    call_command("flush", interactive=False, verbosity=0)
    assert not Pledge.objects.exists() and not User.objects.exists()

    out = io.StringIO()
    call_command("import_data", str(tmp_path / "first.json"), stdout=out)
    assert "Imported" in out.getvalue()
    second = export(tmp_path / "second.json")

    assert second == first
    # The restored rows keep their ids (pledge pages live at /pledges/<id>/) and what they hold.
    draft = Pledge.objects.get(pk=built["draft"].pk)
    assert (draft.summary, draft.is_published, draft.quantity) == (AWKWARD_TEXT, False, Decimal("12.50"))
    assert set(Meeting.objects.get(pk=built["meeting"].pk).hosts.values_list("country", flat=True)) == {
        "FR",
        "GB",
    }
    editor = User.objects.get(username="editor")
    assert editor.check_password("a long editor passphrase 42")
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert Pledge.history.filter(id=built["undated"].pk, status="delivered").get().history_user == editor
    # New rows get fresh ids after a restore (PostgreSQL's sequences were moved past the loaded ids).
    assert make_pledge().pk > max(p.pk for p in built.values() if isinstance(p, Pledge))


@pytest.mark.django_db
def test_the_backup_holds_drafts_history_editors_and_the_admin_log(tmp_path):
    build_everything()
    rows = json.loads(export(tmp_path / "backup.json"))
    models = {row["model"] for row in rows}

    assert {
        "auth.group",
        "auth.user",
        "admin.logentry",
        "pledges.source",
        "pledges.member",
        "pledges.membership",
        "pledges.pledgetype",
        "pledges.pledge",
        "pledges.meeting",
        "pledges.headlinecount",
        "pledges.citation",
        "pledges.historicalpledge",
        "pledges.historicalmeeting_hosts",
    } <= models
    assert not models & {"sessions.session", "axes.accessattempt", "contenttypes.contenttype"}
    assert any(row["model"] == "pledges.pledge" and not row["fields"]["is_published"] for row in rows)
    # Permissions are written by name, so the backup loads whatever ids a new database gave them.
    editors = next(row for row in rows if row["model"] == "auth.group")
    assert ["add_pledge", "pledges", "pledge"] in editors["fields"]["permissions"]


@pytest.mark.django_db
def test_the_backup_file_is_private_to_its_owner(tmp_path):
    build_everything()
    export(tmp_path / "backup.json")
    mode = stat.S_IMODE((tmp_path / "backup.json").stat().st_mode)
    assert mode & (stat.S_IRWXG | stat.S_IRWXO) == 0


@pytest.mark.django_db
def test_export_without_output_writes_the_same_json_to_standard_output(tmp_path):
    build_everything()
    out, err = io.StringIO(), io.StringIO()
    call_command("export_data", stdout=out, stderr=err)
    assert out.getvalue() == export(tmp_path / "backup.json")
    assert "Exported" in err.getvalue()


@pytest.mark.django_db
def test_a_compressed_backup_round_trips(tmp_path):
    build_everything()
    plain = export(tmp_path / "plain.json")
    call_command("export_data", "-o", str(tmp_path / "backup.json.gz"), stdout=io.StringIO())
    call_command("import_data", str(tmp_path / "backup.json.gz"), "--force", stdout=io.StringIO())
    assert export(tmp_path / "again.json") == plain


@pytest.mark.django_db
def test_import_refuses_a_database_that_already_holds_data(tmp_path):
    build_everything()
    export(tmp_path / "backup.json")
    make_pledge(summary="Added after the backup.")
    before = everything_counted()

    with pytest.raises(CommandError) as refused:
        call_command("import_data", str(tmp_path / "backup.json"), stdout=io.StringIO())

    message = str(refused.value)
    assert "already holds data" in message and "--force" in message and "empty database" in message
    assert everything_counted() == before
    assert Pledge.objects.filter(summary="Added after the backup.").exists()


@pytest.mark.django_db
def test_import_with_force_replaces_the_data_with_the_backup(tmp_path):
    built = build_everything()
    backup = export(tmp_path / "backup.json")
    make_pledge(summary="Added after the backup.")
    Pledge.objects.filter(pk=built["draft"].pk).update(summary="Changed after the backup.")
    User.objects.create_user("intruder", password="an intruder's long passphrase")

    call_command("import_data", str(tmp_path / "backup.json"), "--force", stdout=io.StringIO())

    assert export(tmp_path / "restored.json") == backup
    assert not Pledge.objects.filter(summary__contains="after the backup").exists()
    assert not User.objects.filter(username="intruder").exists()
    assert Pledge.objects.get(pk=built["draft"].pk).summary == AWKWARD_TEXT


@pytest.mark.django_db
def test_a_broken_backup_is_refused_and_changes_nothing(tmp_path):
    build_everything()
    backup = export(tmp_path / "backup.json")
    before = everything_counted()
    broken = tmp_path / "broken.json"
    broken.write_text(backup[: len(backup) // 2], encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import_data", str(broken), "--force", stdout=io.StringIO())

    assert "nothing was changed" in str(refused.value)
    assert everything_counted() == before
    assert export(tmp_path / "after.json") == backup


@pytest.mark.django_db
def test_a_backup_citing_a_missing_source_is_refused_and_changes_nothing(tmp_path):
    pledge = make_pledge()
    source = Source.objects.get(citations__pledge=pledge)
    rows = json.loads(export(tmp_path / "backup.json"))
    # A hand-edited backup whose citation points at a source that is not in it.
    for row in rows:
        if row["model"] == "pledges.citation":
            row["fields"]["source"] = source.pk + 1000
    (tmp_path / "bad.json").write_text(json.dumps(rows), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import_data", str(tmp_path / "bad.json"), "--force", stdout=io.StringIO())

    assert "nothing was changed" in str(refused.value)
    assert Citation.objects.get(pledge=pledge).source == source


def test_import_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("import_data", str(tmp_path / "nowhere.json"))


@pytest.mark.django_db
def test_an_empty_database_exports_an_empty_backup_that_imports(tmp_path):
    assert json.loads(export(tmp_path / "empty.json")) == []
    with pytest.warns(RuntimeWarning, match="No fixture data"):
        call_command("import_data", str(tmp_path / "empty.json"), stdout=io.StringIO())
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_timestamps_keep_their_microseconds_through_a_backup(tmp_path):
    pledge = make_pledge(summary="Saved at an odd moment.")
    moment = datetime(2025, 9, 4, 12, 0, 0, 123, tzinfo=UTC)  # 123 µs: below Django's millisecond cut
    Pledge.objects.filter(pk=pledge.pk).update(updated_at=moment)
    export(tmp_path / "backup.json")
    call_command("import_data", str(tmp_path / "backup.json"), "--force", stdout=io.StringIO())
    assert Pledge.objects.get(ref=pledge.ref).updated_at == moment
