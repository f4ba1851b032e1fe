"""Backups: the whole tracker as one JSON file, and its exact restore into an empty database.

A backup holds every row of the pledges app (published facts, drafts, and the change history of
each), the editors' accounts and groups, and the admin's log of recent actions. Sessions, login
throttling records, content types and permissions are left out: they are rebuilt by `migrate` or
are of no use on another server.

Primary keys are kept. Pledge pages live at /pledges/<id>/ and every history row names the id of
the object it records, so a restore that renumbered rows would break links and history alike.
Foreign keys to content types, permissions and users are written as natural keys, so the backup
loads into any freshly migrated database whatever ids those got there.
"""

from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test.utils import override_settings

from pledges.caching import bump_data_version
from pledges.tallies import recount_all

# What a backup holds, as dumpdata labels.
BACKUP_LABELS = ("auth.Group", "auth.User", "pledges", "admin.LogEntry")
# Derived rows: the counts kept ready and the data's version, left out and made afresh on restore.
DERIVED = ("pledges.PartyTally", "pledges.SourceTally", "pledges.DataVersion")


class NotEmptyError(Exception):
    """The database already holds data, and the restore was not told to replace it."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        # The facts themselves first, their history rows after.
        largest = sorted(counts.items(), key=lambda item: (".Historical" in item[0], -item[1]))[:3]
        listed = ", ".join(f"{count} {label}" for label, count in largest)
        super().__init__(f"The database already holds data: {sum(counts.values())} rows ({listed}...).")


def backup_models(include_auto_created: bool = False) -> Iterator[type[models.Model]]:
    """The models whose rows a backup holds; with include_auto_created, their many-to-many tables too."""
    for model in apps.get_models(include_auto_created=include_auto_created):
        owner = model._meta.auto_created or model
        if owner._meta.label in DERIVED:
            continue
        if owner._meta.app_label in BACKUP_LABELS or owner._meta.label in BACKUP_LABELS:
            yield model


def row_counts() -> dict[str, int]:
    """How many rows each backed-up model holds, leaving out the empty ones. Queries once per model."""
    counts = {model._meta.label: model._base_manager.count() for model in backup_models()}
    return {label: count for label, count in counts.items() if count}


def export_backup(output: str | None, stdout) -> int:
    """Write the backup to the file `output` (compressed when it ends in .gz, .bz2, .xz or .lzma),
    or to `stdout` when it is None. Returns the number of objects written.

    Everything is read in one transaction so that an editor saving meanwhile cannot leave a
    citation in the file without its pledge: on PostgreSQL a repeatable-read snapshot; on SQLite
    the transaction holds the database lock for the few moments the export takes.
    """
    if output:
        # The file holds the editors' password hashes: readable by its owner only.
        Path(output).touch(mode=0o600, exist_ok=True)
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        call_command(
            "dumpdata",
            *BACKUP_LABELS,
            exclude=list(DERIVED),
            natural_foreign=True,
            use_base_manager=True,
            format="json-exact",
            indent=1,
            output=output,
            stdout=stdout,
            verbosity=0,
        )
        return sum(row_counts().values())


def import_backup(path: Path, replace: bool = False) -> int:
    """Load a backup written by export_backup; returns the number of rows loaded.

    Refuses (NotEmptyError) when the database already holds tracker data, unless `replace`, which
    deletes that data first. All of it happens in one transaction: a backup that fails to load
    leaves the database exactly as it was.
    """
    with transaction.atomic():
        existing = row_counts()
        if existing and not replace:
            raise NotEmptyError(existing)
        if existing:
            delete_backed_up_rows()
        # loaddata saves rows raw, which django-simple-history ignores, but then sets many-to-many
        # fields (a meeting's hosts), which it would record as new changes: the history in the
        # backup is already complete.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", str(path), verbosity=0)
        recount_all()  # the counts kept ready are derived: made afresh from what was restored
        bump_data_version()  # every cached page and download predates the restore
        loaded = sum(row_counts().values())
    # Cached pages were rendered from the data just replaced.
    cache.clear()
    return loaded


def delete_backed_up_rows() -> None:
    """Delete every row a backup holds, and every session (they belong to the accounts replaced).

    Raw deletes, without signals: no history rows for deletions made only to restore. Foreign keys
    are deferred to the end of the transaction, so the order does not matter.
    """
    for model in backup_models(include_auto_created=True):
        model._base_manager.all()._raw_delete(connection.alias)
    for label in DERIVED:  # made afresh once the backup is in
        apps.get_model(label)._base_manager.all()._raw_delete(connection.alias)
    Session.objects.all()._raw_delete(connection.alias)
