"""Draw the site-wide images kept in static/img/: the link preview for pages without a card of their own,
and the favicon. Run it after changing the site's name, tagline or colours (pledges/cards.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from pledges.cards import SITE_TAGLINE, draw_favicon, draw_site_preview
from pledges.context_processors import SITE_NAME

PREVIEW = "preview.png"
FAVICON = "favicon.ico"


class Command(BaseCommand):
    help = f"Draw static/img/{PREVIEW} (1200×630, the site-wide link preview) and static/img/{FAVICON}."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.BASE_DIR / "static" / "img",
            help="The folder to write to.",
        )

    def handle(self, *args, output: Path, **options):
        output.mkdir(parents=True, exist_ok=True)
        (output / PREVIEW).write_bytes(draw_site_preview(SITE_NAME, SITE_TAGLINE))
        (output / FAVICON).write_bytes(draw_favicon())
        self.stdout.write(f"Wrote {PREVIEW} and {FAVICON} in {output}.")
