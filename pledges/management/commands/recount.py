from django.core.management.base import BaseCommand

from pledges.tallies import differences, recount_all


class Command(BaseCommand):
    help = (
        "Count afresh the tallies the overview, members list, map, country pages and sources list read "
        "(needed only after rows were written without the app: raw SQL, bulk inserts)."
    )

    def handle(self, *args, **options):
        before = differences()
        recount_all()
        self.stdout.write(
            f"Recounted the tallies: {len(before)} difference(s) corrected."
            if before
            else "The tallies were right."
        )
