"""Build a large synthetic dataset for the benchmark, in a database of its own.

    python bench/synth.py --pledges 10000 --url sqlite:///bench/bench-10000.sqlite3   # build unless built
    python bench/synth.py --pledges 50000 --rebuild \
        --url 'postgres://postgres@127.0.0.1:5432/tracker_bench?options=-c%20search_path%3Dsynthetic_50000'

Never point it at a real database: it refuses any database but a SQLite file under bench/ or a
PostgreSQL database whose name ends in "_bench", and --rebuild deletes that database first (or, when the
URL sets a search_path, only that schema: bench/run.py keeps each size in a schema of its own,
"synthetic_<pledges>", in the one database tracker_bench).

Size: --pledges N (default 50,000); sources scale with it (one per ten pledges, at least 1,000), with two
citations per pledge; 300 members, 12 types, 200 meetings and 120 headline counts at every size.

Parties are skewed on purpose, like the real data the issue copied: "Synthetic member 001" (a country)
is a party to every 12.5th pledge, 8 % (800 of 10,000, about 760 of them published; 4,000 of 50,000);
every other party is drawn from members 002-300 with Zipf-like weights (rank^-0.6), so the next largest
has under half as many and the smallest a handful. 85 % of pledges have one party, 10 % two and 5 %
three (joint pledges); one in twenty is a draft. Member kinds: 241 countries, 38 organisations, the
coalition itself, 2 blocs and 18 unnamed groups (part of the coalition), spread over the ranks so that
every kind has pledges.

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
VERSION = 3  # 3: with the tallies the pages read

MEMBERS = 300
TYPES = 12
DEFAULT_PLEDGES = 50_000
CITATIONS_PER_PLEDGE = 2
# The largest member's share of all pledges: ~760 published of 10,000, as in the measurement.
LARGEST_SHARE = 0.08
ZIPF_EXPONENT = 0.6
PARTY_COUNTS, PARTY_WEIGHTS = (1, 2, 3), (85, 10, 5)
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

STATUSES = ["proposed", "willing", "committed", "delivered", "ruled-out", "reservations", "not-offered"]
STATUS_WEIGHTS = [20, 30, 30, 15, 3, 1, 1]


def stamp_slug(pledges: int) -> str:
    return f"synthetic-dataset-stamp-v{VERSION}-{pledges}"


def sources_for(pledges: int) -> int:
    return max(1_000, pledges // 10)


def member_kind(n: int) -> str:
    """Kinds spread over the ranks (n = 1 is the largest), so each kind has big and small members."""
    if n == 1:
        return "country"
    if n == 5:
        return "coalition"
    if n in (9, 40):
        return "bloc"
    if n % 17 == 3:  # 17 of them
        return "unnamed-group"
    if n % 7 == 2 and n < 290:  # 40 of them
        return "organisation"
    return "country"


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


def pg_schema(url: str) -> str | None:
    """The schema a PostgreSQL URL's `options=-c search_path=…` names, if any (it must start "synthetic_")."""
    from urllib.parse import parse_qs

    for option in parse_qs(urlsplit(url).query).get("options", []):
        for word in option.split():
            if word.startswith("search_path="):
                schema = word.removeprefix("search_path=")
                if not schema.startswith("synthetic_") or not schema.replace("_", "").isalnum():
                    raise SystemExit(f"The benchmark's schema must be named synthetic_…, not {schema!r}.")
                return schema
    return None


def drop_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path(url)}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = parts.path.strip("/")
    if schema := pg_schema(url):
        with psycopg.connect(parts._replace(query="").geturl(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        return
    admin_url = parts._replace(path="/postgres", query="").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return
    import psycopg

    name = parts.path.strip("/")
    admin_url = parts._replace(path="/postgres", query="").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    if schema := pg_schema(url):
        with psycopg.connect(parts._replace(query="").geturl(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')


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


def build(log, pledge_total: int) -> None:
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
        PledgeParty,
        PledgeType,
        Region,
        Source,
    )
    from pledges.tallies import recount_all

    rng = random.Random(20250904)
    started = time.monotonic()
    source_total = sources_for(pledge_total)
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
            kind = member_kind(n)
            members.append(
                Member(
                    slug=f"synthetic-member-{n:03d}",
                    name=f"Synthetic member {n:03d} ({kind})",
                    kind=kind,
                    country=codes[n % len(codes)] if kind == "country" else "",
                    region=regions[n % len(regions)] if kind in ("country", "unnamed-group") else "",
                    description="Synthetic member for the benchmark.",
                )
            )
        members = Member.objects.bulk_create(members, batch_size=BATCH)
        coalition = next(m for m in members if m.kind == "coalition")
        for member in members:
            if member.kind == "unnamed-group":
                member.part_of = coalition
        Member.objects.bulk_update([m for m in members if m.part_of_id], ["part_of"], batch_size=BATCH)
        log(f"types and members: {time.monotonic() - started:.1f} s")

        sources, source_sentences = [], []
        for n in range(1, source_total + 1):
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

        # Zipf-like weights for every member but the largest, whose share is fixed (see the docstring).
        others = members[1:]
        cumulative, total = [], 0.0
        for rank in range(2, MEMBERS + 1):
            total += rank**-ZIPF_EXPONENT
            cumulative.append(total)

        def parties_for(n: int) -> list:
            wanted = rng.choices(PARTY_COUNTS, PARTY_WEIGHTS)[0]
            largest = int(n * LARGEST_SHARE) != int((n - 1) * LARGEST_SHARE)  # exactly the share
            chosen = [members[0]] if largest else []
            while len(chosen) < wanted:
                candidate = rng.choices(others, cum_weights=cumulative)[0]
                if candidate not in chosen:
                    chosen.append(candidate)
            if len(chosen) > 1 and rng.random() < 0.3:  # the largest is not always the lead
                chosen[0], chosen[1] = chosen[1], chosen[0]
            return chosen

        # Drafts drawn apart from the parties, so the largest member has its share of them too.
        drafts = random.Random(7)
        pledges, party_lists = [], []
        for n in range(1, pledge_total + 1):
            has_amount = n % 7 == 0
            party_lists.append(parties_for(n))
            announced = day(rng) if n % 11 else None
            pledges.append(
                Pledge(
                    pledge_type=types[rng.randrange(TYPES)],
                    ref=f"synthetic-pledge-{n:06d}",
                    status=rng.choices(STATUSES, STATUS_WEIGHTS)[0],
                    summary=f"Synthetic pledge {n}: {' '.join(rng.choices(WORDS, k=10))}.",
                    conditions="Synthetic condition: after a ceasefire." if n % 5 == 0 else "",
                    announced_on=announced,
                    announced_precision="day" if announced else "unknown",
                    reported_on=announced + timedelta(days=rng.randint(0, 3)) if announced else None,
                    reported_precision="day" if announced else "unknown",
                    quantity=rng.randint(1, 5000) if n % 3 == 0 else None,
                    quantity_unit="synthetic units" if n % 3 == 0 else "",
                    amount=rng.randint(1, 10_000) * 100_000 if has_amount else None,
                    currency="EUR" if has_amount else "",
                    # A few drafts, so the published filter has something to leave out.
                    is_published=drafts.random() >= 0.05,
                )
            )
        pledges = Pledge.objects.bulk_create(pledges, batch_size=BATCH)
        PledgeParty.objects.bulk_create(
            (
                PledgeParty(pledge=pledge, member=member, position=position)
                for pledge, parties in zip(pledges, party_lists, strict=True)
                for position, member in enumerate(parties)
            ),
            batch_size=BATCH,
        )
        log(f"pledges and parties: {time.monotonic() - started:.1f} s")

        citations = []
        serial = 0

        def cite(**target) -> None:
            nonlocal serial
            serial += 1
            source, quote = quote_from(rng.randrange(source_total))
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
                Membership(
                    ref=f"{member.slug}-coalition-member",
                    member=member,
                    role="coalition-member",
                    since=day(rng),
                    since_precision="day",
                )
                for member in members
            ]
            + [
                Membership(ref=f"{member.slug}-guarantor", member=member, role="guarantor")
                for member in members[::3]
            ],
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
        recount_all()  # bulk inserts send no signal: the counts the pages read are made here
        log(f"tallies: {time.monotonic() - started:.1f} s")

        Source.objects.create(
            slug=stamp_slug(pledge_total),
            title=f"Synthetic dataset stamp, version {VERSION}, {pledge_total} pledges",
            kind=Source.Kind.NEWS_ARTICLE,
            description="Marks a complete synthetic benchmark dataset; bench/run.py reuses it.",
        )

    # Fresh statistics, so the query planner sees the data as it will be measured.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    log(f"done in {time.monotonic() - started:.1f} s")


def describe() -> dict:
    """What the benchmark needs to know: counts, a pledge type to filter by and a typical member."""
    from django.db.models import Count, Q

    from pledges.models import (
        Citation,
        HeadlineCount,
        Meeting,
        Member,
        Pledge,
        PledgeParty,
        PledgeType,
        Source,
    )

    pledge_type = PledgeType.objects.get(slug="synthetic-type-01")
    ranked = list(
        Member.objects.filter(slug__startswith="synthetic-")
        .annotate(
            n=Count("pledge_parties", filter=Q(pledge_parties__pledge__is_published=True), distinct=True)
        )
        .order_by("-n", "slug")
        .values_list("slug", "n")
    )
    largest_slug, largest_n = ranked[0]
    sizes = sorted(n for _, n in ranked)
    return {
        "version": VERSION,
        "type_slug": pledge_type.slug,
        "type_id": pledge_type.pk,
        "member_slug": largest_slug,
        "member_pledges": largest_n,
        "member_pledges_all": Pledge.objects.filter(parties__member__slug=largest_slug).count(),
        "party_distribution": {
            "largest": [n for _, n in ranked[:5]],
            "median": sizes[len(sizes) // 2],
            "smallest": sizes[0],
            "joint_pledges": Pledge.objects.annotate(k=Count("parties")).filter(k__gt=1).count(),
        },
        "counts": {
            "members": Member.objects.count(),
            "sources": Source.objects.count(),
            "pledges": Pledge.objects.count(),
            "pledge_parties": PledgeParty.objects.count(),
            "citations": Citation.objects.count(),
            "meetings": Meeting.objects.count(),
            "headline_counts": HeadlineCount.objects.count(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="", help="default: sqlite:///bench/bench-<pledges>.sqlite3")
    parser.add_argument(
        "--pledges", type=int, default=DEFAULT_PLEDGES, help=f"how many pledges (default {DEFAULT_PLEDGES:,})"
    )
    parser.add_argument("--rebuild", action="store_true", help="delete the database and build it again")
    args = parser.parse_args()
    if not 1_000 <= args.pledges <= 500_000:
        parser.error("--pledges must be within 1,000–500,000")
    args.url = args.url or f"sqlite:///{ROOT / 'bench' / f'bench-{args.pledges}.sqlite3'}"

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
    if Source.objects.filter(slug=stamp_slug(args.pledges)).exists():
        log(f"reusing the synthetic dataset (version {VERSION}, {args.pledges:,} pledges)")
        # A migration may have added indexes since the build: refresh the planner's statistics.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    elif Source.objects.exists() and not args.rebuild:
        # Left over from another version or an interrupted run: start again from an empty database.
        log("the database holds data without the current stamp; rebuilding it")
        from django.db import connections

        connections.close_all()
        os.execv(
            sys.executable,
            [sys.executable, __file__, "--url", args.url, "--pledges", str(args.pledges), "--rebuild"],
        )
    else:
        build(log, args.pledges)
    print(json.dumps(describe()))


if __name__ == "__main__":
    main()
