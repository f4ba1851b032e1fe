from django.core.management.base import BaseCommand

from pledges.backup import export_backup


class Command(BaseCommand):
    help = (
        "Write a backup of the whole tracker as JSON: every pledge, member, source, citation, meeting and "
        "count, drafts included, with their change history, the editors' accounts and groups, and the "
        "admin log. Restore it with `manage.py import_data FILE`. The file holds password hashes: keep "
        "it private."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="Where to write the backup (compressed when FILE ends in .gz, .bz2, .xz or .lzma). "
            "Standard output when omitted.",
        )

    def handle(self, *args, output: str | None = None, **options):
        if not output:
            # The JSON goes to standard output as dumpdata writes it, with no line endings added.
            self.stdout.ending = ""
        count = export_backup(output, stdout=self.stdout)
        # With the backup itself on standard output, the summary must not mix into it.
        report = self.stdout if output else self.stderr
        report.write(f"Exported {count} objects to {output or 'standard output'}.")
