import json

from django.core.management.base import BaseCommand, CommandError

from pledges.dataset import CurationError, build_fixture, fixture_path


class Command(BaseCommand):
    help = "Build fixtures/tracker.json from the curated TOML files in fixtures/curated/."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the fixture is not up to date.")

    def handle(self, *args, check: bool = False, **options):
        try:
            objects = build_fixture()
        except (CurationError, KeyError, ValueError) as error:
            raise CommandError(f"The curated data has a problem: {error}") from error
        text = json.dumps(objects, ensure_ascii=False, indent=1) + "\n"
        path = fixture_path()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path.name} is out of date: run `manage.py build_fixtures`.")
            self.stdout.write(f"{path.name} is up to date ({len(objects)} objects).")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(objects)} objects to fixtures/{path.name}."))
