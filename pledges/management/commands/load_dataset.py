from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from pledges.dataset import fixture_path
from pledges.models import (
    Citation,
    HeadlineCount,
    Meeting,
    Member,
    Membership,
    Pledge,
    PledgeParty,
    PledgeType,
    Release,
    ReviewEntry,
    Source,
    SourcePart,
    data_as_of,
)
from pledges.releases import cut_release
from pledges.tallies import recount_all

FIRST_RELEASE_NOTE = (
    "The shipped dataset: every published, cited fact compiled from the five source documents."
)
FIRST_RELEASE_NOTE_UK = (
    "Набір даних, що постачається з трекером: усі опубліковані факти з цитатами, зібрані з п’яти "
    "документів-джерел."
)
FIRST_RELEASE_BY = "Tracker editors"


class Command(BaseCommand):
    help = (
        "Load the shipped dataset (fixtures/tracker.json) and give every object without history its "
        "first history record. Safe to run again: natural keys update the same rows."
    )

    def handle(self, *args, **options):
        path = fixture_path()
        if not path.exists():
            self.stdout.write("No dataset to load yet (fixtures/tracker.json is missing).")
            return
        with transaction.atomic():
            self.forget_derived_rows(path)
            call_command("loaddata", str(path), verbosity=0)
            recount_all()  # loaddata saves raw rows: the counts kept ready are made afresh
            created = sum(
                self.record_initial_history(model)
                for model in (
                    Source,
                    SourcePart,
                    Member,
                    Membership,
                    PledgeType,
                    Pledge,
                    PledgeParty,
                    Meeting,
                    HeadlineCount,
                    Citation,
                    ReviewEntry,
                )
            )
        # loaddata writes rows without history, so the data version may not move: drop cached pages.
        cache.clear()
        # Fresh planner statistics after a bulk load (SQLite never gathers them on its own).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Loaded the dataset: {Pledge.objects.count()} pledges, {Member.objects.count()} members, "
            f"{Source.objects.count()} sources, {Citation.objects.count()} citations"
            + (f"; {created} first history records." if created else ".")
        )
        self.first_release()

    def first_release(self) -> None:
        """The shipped dataset comes as release 1, dated when its data last changed (the same on every
        machine), so a newcomer finds releases, pinned embeds and per-release downloads at once. Once
        any release exists, loading cuts none: releases are the editors' to cut."""
        latest = Release.objects.order_by("-number").first()
        if latest is not None:
            self.stdout.write(f"Releases exist already (the latest is release {latest.number}): none cut.")
            return
        release = cut_release(FIRST_RELEASE_NOTE, FIRST_RELEASE_NOTE_UK, by=FIRST_RELEASE_BY, at=data_as_of())
        self.stdout.write(f"Cut release 1 from the shipped dataset: {release.added} records, /releases/1/.")

    def forget_derived_rows(self, path) -> None:
        """The shipped pledges' parties and the shipped sources' ledgers are the fixture's alone: drop
        them before loading, so a party or ledger entry removed from the curated files goes too."""
        import json

        objects = json.loads(path.read_text(encoding="utf-8"))
        refs = [o["fields"]["ref"] for o in objects if o["model"] == "pledges.pledge"]
        slugs = [o["fields"]["slug"] for o in objects if o["model"] == "pledges.source"]
        PledgeParty.objects.filter(pledge__ref__in=refs).delete()
        ReviewEntry.objects.filter(source__slug__in=slugs).delete()

    def record_initial_history(self, model) -> int:
        """loaddata saves raw rows, which django-simple-history does not record; record them once."""
        history = model.history.model
        recorded = history.objects.values("id")
        missing = list(model.objects.exclude(pk__in=recorded))
        if not missing:
            return 0
        manager = model.history
        manager.bulk_history_create(missing, default_change_reason="Loaded from the curated dataset")
        return len(missing)
