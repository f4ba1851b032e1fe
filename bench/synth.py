"""Build a large synthetic dataset for the benchmark, in a database of its own.

    python bench/synth.py --url sqlite:///bench/bench.sqlite3            # build unless already built
    python bench/synth.py --url postgres://postgres@127.0.0.1:5432/tracker_bench --rebuild

Never point it at a real database: it refuses any database but a SQLite file under bench/ or a
PostgreSQL database whose name ends in "_bench", and --rebuild deletes that database first.

Every row is marked as made up: names and titles start with "Synthetic", slugs with "synthetic-", and
sources carry no URL. Quotes are cut from their source's text, so the data passes the same checks as
the real dataset. The last line printed is JSON describing what the benchmark can ask for (a pledge
type, a member), for bench/run.py.
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Bump when the shape of the data changes, so run.py rebuilds instead of reusing an old database.
VERSION = 1
STAMP_SLUG = f"synthetic-dataset-stamp-v{VERSION}"

MEMBERS = 300
TYPES = 12
SOURCES = 5_000
PLEDGES = 50_000
CITATIONS_PER_PLEDGE = 2
MEETINGS = 200
COUNTS = 120
BATCH = 5_000

WORDS = (
    "coalition guarantee security troops air policing maritime demining training funding deployment "
    "ceasefire reassurance force ministers summit leaders agreed support readiness logistics headquarters "
    "contribution partners defence capability rotation monitoring border drones munitions reconstruction "
    "framework commitment conditions mandate parliament approval coordination planning intelligence "
    "satellite engineers instructors aircraft frigates minesweepers brigade battalion observers "
    "the of and to in for with on after before under within across between"
).split()

STATUSES = ["proposed", "willing", "committed", "delivered", "ruled-out"]
STATUS_WEIGHTS = [20, 30, 30, 15, 5]


def check_target(url: str) -> None:
    """Refuse anything that looks like a database somebody cares about."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = sqlite_path(url)
        if path.parent != (ROOT / "bench").resolve():
            raise SystemExit(f"The synthetic SQLite file must live in bench/, not {path}.")
    elif parts.scheme in {"postgres", "postgresql"}:
        if not parts.path.strip("/").endswith("_bench"):
            raise SystemExit("The synthetic PostgreSQL database's name must end in _bench.")
        if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
            raise SystemExit("The synthetic PostgreSQL database must be on this machine.")
    else:
        raise SystemExit(f"Unsupported database URL {url!r}: use sqlite:///… or postgres://….")


def sqlite_path(url: str) -> Path:
    """sqlite:////absolute/file or sqlite:///relative/file, as dj-database-url reads them."""
    path = urlsplit(url).path
    if path.startswith("//"):
        return Path("/" + path.lstrip("/")).resolve()
    return (Path.cwd() / path.removeprefix("/")).resolve()


def drop_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path(url)}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = parts.path.strip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return
    import psycopg

    name = parts.path.strip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-any-deployment")
    os.environ.setdefault("DJANGO_SECURE_SSL", "false")
    import django

    django.setup()


def sentence(rng: random.Random, label: str) -> str:
    words = rng.choices(WORDS, k=rng.randint(12, 24))
    return f"Synthetic {label}: {' '.join(words)}."


def day(rng: random.Random) -> date:
    return date(2025, 1, 1) + timedelta(days=rng.randint(0, 364))


def build(log) -> None:
    """Write the whole dataset in one transaction, stamp last, so a half-built database is never reused."""
    from django.db import connection, transaction
    from django_countries import countries

    from pledges.models import (
        Citation,
        HeadlineCount,
        Meeting,
        Member,
        Membership,
        Pledge,
        PledgeType,
        Region,
        Source,
    )

    rng = random.Random(20250904)
    started = time.monotonic()
    codes = [country.code for country in countries]
    regions = Region.values

    with transaction.atomic():
        types = PledgeType.objects.bulk_create(
            PledgeType(
                slug=f"synthetic-type-{n:02d}",
                name=f"Synthetic type {n:02d}",
                description="Synthetic pledge type for the benchmark.",
                order=n,
            )
            for n in range(1, TYPES + 1)
        )
        members = []
        for n in range(1, MEMBERS + 1):
            kind = "country" if n <= 250 else ("organisation" if n <= 280 else "unnamed-group")
            members.append(
                Member(
                    slug=f"synthetic-member-{n:03d}",
                    name=f"Synthetic member {n:03d}",
                    kind=kind,
                    country=codes[n % len(codes)] if kind == "country" else "",
                    region=regions[n % len(regions)],
                    description="Synthetic member for the benchmark.",
                )
            )
        members = Member.objects.bulk_create(members, batch_size=BATCH)
        log(f"types and members: {time.monotonic() - started:.1f} s")

        sources, source_sentences = [], []
        for n in range(1, SOURCES + 1):
            lines = [sentence(rng, f"passage {k} of source {n}") for k in range(1, 13)]
            source_sentences.append(lines)
            published = day(rng)
            sources.append(
                Source(
                    slug=f"synthetic-source-{n:05d}",
                    title=f"Synthetic source {n:05d}",
                    publisher=f"Synthetic publisher {n % 40:02d}",
                    kind=Source.Kind.values[n % len(Source.Kind.values)],
                    published_on=published,
                    covers_from=published - timedelta(days=30),
                    covers_to=published,
                    description="Synthetic document for the benchmark; it does not exist.",
                    text=" ".join(lines),
                )
            )
        sources = Source.objects.bulk_create(sources, batch_size=BATCH)
        log(f"sources: {time.monotonic() - started:.1f} s")

        def quote_from(index: int) -> tuple[Source, str]:
            return sources[index], rng.choice(source_sentences[index])

        pledges = []
        for n in range(1, PLEDGES + 1):
            has_amount = n % 7 == 0
            pledges.append(
                Pledge(
                    member=members[rng.randrange(MEMBERS)],
                    pledge_type=types[rng.randrange(TYPES)],
                    ref=f"synthetic-pledge-{n:06d}",
                    status=rng.choices(STATUSES, STATUS_WEIGHTS)[0],
                    summary=f"Synthetic pledge {n}: {' '.join(rng.choices(WORDS, k=10))}.",
                    conditions="Synthetic condition: after a ceasefire." if n % 5 == 0 else "",
                    announced_on=day(rng) if n % 11 else None,
                    announced_precision="day" if n % 11 else "unknown",
                    quantity=rng.randint(1, 5000) if n % 3 == 0 else None,
                    quantity_unit="synthetic units" if n % 3 == 0 else "",
                    amount=rng.randint(1, 10_000) * 100_000 if has_amount else None,
                    currency="EUR" if has_amount else "",
                    # A few drafts, so the published filter has something to leave out.
                    is_published=n % 20 != 0,
                )
            )
        pledges = Pledge.objects.bulk_create(pledges, batch_size=BATCH)
        log(f"pledges: {time.monotonic() - started:.1f} s")

        citations = []
        serial = 0

        def cite(**target) -> None:
            nonlocal serial
            serial += 1
            source, quote = quote_from(rng.randrange(SOURCES))
            citations.append(
                Citation(
                    source=source,
                    ref=f"synthetic-citation-{serial:07d}",
                    quote=quote,
                    locator=f"Synthetic paragraph {rng.randint(1, 12)}",
                    **target,
                )
            )

        for pledge in pledges:
            for _ in range(CITATIONS_PER_PLEDGE):
                cite(pledge=pledge)

        memberships = Membership.objects.bulk_create(
            [
                Membership(member=member, role="coalition-member", since=day(rng), since_precision="day")
                for member in members
            ]
            + [Membership(member=member, role="guarantor") for member in members[::3]],
            batch_size=BATCH,
        )
        for membership in memberships:
            cite(membership=membership)

        meetings = Meeting.objects.bulk_create(
            [
                Meeting(
                    slug=f"synthetic-meeting-{n:03d}",
                    title=f"Synthetic meeting {n:03d}",
                    held_on=day(rng),
                    held_precision="day",
                    place=f"Synthetic city {n % 25:02d}",
                    format=Meeting.Format.values[n % len(Meeting.Format.values)],
                    agreed="Synthetic agreement: " + " ".join(rng.choices(WORDS, k=30)) + ".",
                )
                for n in range(1, MEETINGS + 1)
            ],
            batch_size=BATCH,
        )
        Meeting.hosts.through.objects.bulk_create(
            [
                Meeting.hosts.through(meeting=meeting, member=members[rng.randrange(MEMBERS)])
                for meeting in meetings
            ],
            batch_size=BATCH,
        )
        for meeting in meetings:
            cite(meeting=meeting)

        counts = HeadlineCount.objects.bulk_create(
            [
                HeadlineCount(
                    slug=f"synthetic-count-{n:03d}",
                    number=rng.randint(5, 60),
                    qualifier=HeadlineCount.Qualifier.values[n % 4],
                    counts=f"synthetic members counted ({n})",
                    kind=HeadlineCount.Kind.values[n % len(HeadlineCount.Kind.values)],
                    as_of=day(rng),
                    as_of_precision="day",
                    meeting=meetings[n % MEETINGS],
                )
                for n in range(1, COUNTS + 1)
            ],
            batch_size=BATCH,
        )
        for count in counts:
            cite(headline_count=count)

        Citation.objects.bulk_create(citations, batch_size=BATCH)
        log(f"citations: {time.monotonic() - started:.1f} s")

        Source.objects.create(
            slug=STAMP_SLUG,
            title=f"Synthetic dataset stamp, version {VERSION}",
            kind=Source.Kind.NEWS_ARTICLE,
            description="Marks a complete synthetic benchmark dataset; bench/run.py reuses it.",
        )

    # Fresh statistics, so the query planner sees the data as it will be measured.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"done in {time.monotonic() - started:.1f} s")


def describe() -> dict:
    """What the benchmark needs to know: counts, a pledge type to filter by and a typical member."""
    from django.db.models import Count

    from pledges.models import Citation, HeadlineCount, Meeting, Member, Pledge, PledgeType, Source

    pledge_type = PledgeType.objects.get(slug="synthetic-type-01")
    member = (
        Member.objects.filter(kind="country", slug__startswith="synthetic-")
        .annotate(n=Count("pledges"))
        .order_by("slug")
        .first()
    )
    return {
        "version": VERSION,
        "type_slug": pledge_type.slug,
        "type_id": pledge_type.pk,
        "member_slug": member.slug,
        "member_pledges": member.n,
        "counts": {
            "members": Member.objects.count(),
            "sources": Source.objects.count(),
            "pledges": Pledge.objects.count(),
            "citations": Citation.objects.count(),
            "meetings": Meeting.objects.count(),
            "headline_counts": HeadlineCount.objects.count(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}")
    parser.add_argument("--rebuild", action="store_true", help="delete the database and build it again")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(f"synth: {message}", file=sys.stderr, flush=True)

    check_target(args.url)
    if args.rebuild:
        drop_database(args.url)
    create_database(args.url)
    setup_django(args.url)

    from django.core.management import call_command

    from pledges.models import Source

    call_command("migrate", verbosity=0, interactive=False)
    if Source.objects.filter(slug=STAMP_SLUG).exists():
        log(f"reusing the synthetic dataset (version {VERSION})")
        # A migration may have added indexes since the build: refresh the planner's statistics.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elif Source.objects.exists() and not args.rebuild:
        # Left over from another version or an interrupted run: start again from an empty database.
        log("the database holds data without the current stamp; rebuilding it")
        from django.db import connections

        connections.close_all()
        os.execv(sys.executable, [sys.executable, __file__, "--url", args.url, "--rebuild"])
    else:
        build(log)
    print(json.dumps(describe()))


if __name__ == "__main__":
    main()
