"""manage.py cut_release --note "…": cut the next numbered release from what is public now."""

from django.core.management.base import BaseCommand, CommandError

from pledges.releases import cut_release


class Command(BaseCommand):
    help = (
        "Cut the next numbered release: an immutable copy of every published, cited fact as it is now, "
        "with its downloads and their SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("--note", required=True, help="What this release brings, for readers.")
        parser.add_argument("--note-uk", default="", help="The same note in Ukrainian.")
        parser.add_argument("--by", default="", help="Who cuts it (a name shown on the release's page).")

    def handle(self, *args, note, note_uk, by, **options):
        try:
            release = cut_release(note, note_uk, by=by)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Cut release {release.number}: {release.added} added, {release.changed} changed, "
                f"{release.withdrawn} withdrawn; {release.rows_bytes:,} bytes of rows and "
                f"{release.files_bytes:,} bytes of files stored. /releases/{release.number}/"
            )
        )
