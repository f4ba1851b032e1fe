from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError

from pledges.backup import NotEmptyError, import_backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py export_data` into an empty, migrated database. "
        "Refuses a database that already holds tracker data, unless --force, which replaces it. "
        "All or nothing: a backup that fails to load changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The backup (.json, or compressed .json.gz...).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete the tracker data already in the database (and every session) and load the "
            "backup in its place.",
        )

    def handle(self, *args, file: str, force: bool = False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {file}.")
        try:
            count = import_backup(path.resolve(), replace=force)
        except NotEmptyError as error:
            raise CommandError(
                f"{error} import_data restores into an empty database: run it on a freshly migrated "
                "one, or add --force to replace the data that is there."
            ) from error
        except (DeserializationError, DatabaseError, ValueError) as error:
            raise CommandError(f"The backup could not be loaded; nothing was changed. {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Imported {count} objects from {file}."))
