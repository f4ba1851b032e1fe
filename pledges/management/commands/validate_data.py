from django.core.management.base import BaseCommand, CommandError

from pledges.validation import find_problems


class Command(BaseCommand):
    help = (
        "Check the whole database: every quote is in its source, every published fact is cited, every "
        "member has a name (and a country its code), every date lies within its sources' dates."
    )

    def handle(self, *args, **options):
        problems = find_problems()
        if problems:
            for problem in problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(f"{len(problems)} problem(s) found.")
        self.stdout.write(self.style.SUCCESS("The data is sound: no problems found."))
