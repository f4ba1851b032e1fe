"""Releases: cutting one, reading the state of any release, and serving any public page as it was.

**What a release holds.** Every published, cited fact and what it needs to be shown: the pledges with
their parties, the roles, meetings and headline counts, their citations, the quoted sources with their
parts and review ledgers, the members these name (and the larger groups they are part of), and the
pledge types. Editors' notes and review bookkeeping never go in. Each row is stored as its model's
fields (`ReleaseRow`), once when it first appears or changes; the state of release n is each row's
newest version up to n (`state`).

**Pages at a release.** `/releases/<n>/<path>` is the page at `<path>` run against a database of that
release alone: a read-only SQLite file built from the release's rows the first time it is asked for
(and when it is cut), kept beside the downloads, on SQLite and PostgreSQL deployments alike. The
`ReleaseMiddleware` strips the prefix, sends the pledges app's queries to that file (`ReleaseRouter`)
and sets the script prefix, so every link the page makes stays inside the release. Its answer never
changes; only a pinned embed may gain an "updated since" line when a later release changes its member.

**Downloads at a release** are the files built when it was cut, stored byte for byte with their SHA-256.
"""

import contextlib
import contextvars
import hashlib
import io
import json
import os
import re
import threading
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connections, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.utils import load_backend
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
)
from django.urls import get_script_prefix, set_script_prefix
from django.utils import timezone, translation

from pledges.compression import brotli
from pledges.files import _built_once
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
    ReleaseFile,
    ReleaseMember,
    ReleaseRow,
    ReviewEntry,
    Source,
    SourcePart,
)

# Fields never shown publicly: they stay out of every release.
PRIVATE_FIELDS = {"editor_note", "ready_by", "ready_at", "version"}
# Fields that move on every save whatever changed: kept, but a change to them alone is no change.
VOLATILE_FIELDS = {"created_at", "updated_at"}
HOSTS = Meeting.hosts.through
# In the order a database can take them (what a row points at comes first).
RELEASED_MODELS = (
    PledgeType,
    Member,
    Source,
    SourcePart,
    Meeting,
    HOSTS,
    HeadlineCount,
    Membership,
    Pledge,
    PledgeParty,
    Citation,
    ReviewEntry,
)
LABELS = {model._meta.label_lower: model for model in RELEASED_MODELS}
ORDER = {label: index for index, label in enumerate(LABELS)}
RELEASE_MODELS = {Release, ReleaseRow, ReleaseMember, ReleaseFile}


# --- the public snapshot ---------------------------------------------------------------------------


def public_querysets() -> dict[str, models.QuerySet]:
    """What is public now, model by model: published, cited facts and what they need to be shown."""
    cited = Exists(Citation.objects.filter(pledge=OuterRef("pk")))
    pledges = Pledge.objects.published().filter(cited)
    roles = Membership.objects.public()
    meetings = Meeting.objects.public()
    counts = HeadlineCount.objects.public()
    citations = Citation.objects.filter(
        Q(pledge__in=pledges)
        | Q(membership__in=roles)
        | Q(meeting__in=meetings)
        | Q(headline_count__in=counts)
    )
    sources = Source.objects.filter(Exists(citations.filter(source=OuterRef("pk"))))
    parties = PledgeParty.objects.filter(pledge__in=pledges)
    hosts = HOSTS.objects.filter(meeting__in=meetings)
    named = set(parties.values_list("member_id", flat=True))
    named |= set(roles.values_list("member_id", flat=True)) | set(hosts.values_list("member_id", flat=True))
    members = set()
    while named - members:  # and the larger groups they are part of
        members |= named
        named = members | set(
            Member.objects.filter(pk__in=members, part_of__isnull=False).values_list("part_of_id", flat=True)
        )
    return {
        "pledges.pledgetype": PledgeType.objects.all(),
        "pledges.member": Member.objects.filter(pk__in=members),
        "pledges.source": sources,
        "pledges.sourcepart": SourcePart.objects.filter(source__in=sources),
        "pledges.meeting": meetings,
        HOSTS._meta.label_lower: hosts,
        "pledges.headlinecount": counts,
        "pledges.membership": roles,
        "pledges.pledge": pledges,
        "pledges.pledgeparty": parties,
        "pledges.citation": citations,
        "pledges.reviewentry": ReviewEntry.objects.filter(source__in=sources),
    }


# Rows that nothing links to by their id and that an import may write afresh with new ids (the shipped
# pledges' parties and ledgers are): a release knows them by what they join, so the same row is the
# same row whatever its id. Their id in a release's database is that key.
NATURAL_KEYS = {
    "pledges.pledgeparty": ("pledge", "member"),
    HOSTS._meta.label_lower: ("meeting", "member"),
    "pledges.reviewentry": ("source", "position"),
}


def identity(label: str, pk: int, fields: dict) -> int:
    """The id a release knows a row by: its own, or for NATURAL_KEYS a number made from that key."""
    key = NATURAL_KEYS.get(label)
    if key is None:
        return pk
    made = hashlib.sha256(json.dumps([fields[name] for name in key]).encode()).hexdigest()
    return int(made[:15], 16)  # 60 bits: a positive BigIntegerField


def stored_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in PRIVATE_FIELDS]


def digest(fields: dict) -> str:
    compared = {key: value for key, value in fields.items() if key not in VOLATILE_FIELDS}
    return hashlib.sha256(json.dumps(compared, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, with times to the microsecond (Django's stops at milliseconds, as JavaScript)."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def as_json(value):
    return json.loads(json.dumps(value, cls=ExactEncoder))


def public_snapshot() -> dict[tuple[str, int], dict]:
    """(model label, pk) → the row's stored fields, for everything public now. A nullable link to a row
    that is not public is left empty (a role names its meeting only if the meeting is public); a row
    that cannot be shown without a row that is not public is left out."""
    rows: dict[tuple[str, int], dict] = {}
    for label, queryset in public_querysets().items():
        model = LABELS[label]
        names = stored_fields(model)
        for item in serializers.serialize("python", queryset.order_by("pk"), fields=names):
            fields = as_json(item["fields"])
            rows[(label, identity(label, int(item["pk"]), fields))] = fields
    links = {
        label: [f for f in model._meta.concrete_fields if f.is_relation and f.name not in PRIVATE_FIELDS]
        for label, model in LABELS.items()
    }
    while True:
        dropped = False
        for (label, pk), fields in list(rows.items()):
            for field in links[label]:
                target = fields.get(field.name)
                target_label = field.related_model._meta.label_lower
                if target is None or (target_label, int(target)) in rows:
                    continue
                if field.null:
                    fields[field.name] = None
                else:
                    del rows[(label, pk)]
                    dropped = True
                    break
        if not dropped:
            return rows


# --- reading a release's state ---------------------------------------------------------------------


def state(number: int) -> models.QuerySet:
    """The rows of release `number`: each row's newest version in a release up to `number` (withdrawn
    ones included; filter `withdrawn=False` for the public state)."""
    newer = ReleaseRow.objects.filter(
        model=OuterRef("model"),
        object_id=OuterRef("object_id"),
        release_id__gt=OuterRef("release_id"),
        release_id__lte=number,
    )
    return ReleaseRow.objects.filter(release_id__lte=number).filter(~Exists(newer))


def rows_of_release(number: int) -> Iterator[tuple[str, int, dict]]:
    yield from state(number).filter(withdrawn=False).values_list("model", "object_id", "data").iterator(2000)


# --- cutting a release -----------------------------------------------------------------------------


@dataclass
class Cut:
    release: Release
    rows: int
    seconds: float


def members_touched(changed: dict, before: dict[tuple[str, int], dict], now: dict[tuple[str, int], dict]):
    """Members whose public data changes with these rows: the member itself, its roles and hosted
    meetings, and each pledge it is a party to (the pledge, its parties, its citations, its type)."""
    parties: dict[int, set[int]] = defaultdict(set)
    for state_rows in (before, now):
        for (label, _pk), data in state_rows.items():
            if label == "pledges.pledgeparty":
                parties[data["pledge"]].add(data["member"])
    of_role = {
        pk: data["member"]
        for (label, pk), data in (*before.items(), *now.items())
        if label == "pledges.membership"
    }
    typed: dict[int, set[int]] = defaultdict(set)
    for (label, pk), data in now.items():
        if label == "pledges.pledge":
            typed[data["pledge_type"]] |= parties[pk]
    members: set[int] = set()
    for label, pk in changed:
        for data in (before.get((label, pk)), now.get((label, pk))):
            if data is None:
                continue
            if label == "pledges.member":
                members.add(pk)
            elif label in ("pledges.pledgeparty", "pledges.membership", HOSTS._meta.label_lower):
                members.add(data["member"])
            elif label == "pledges.pledge":
                members |= parties[pk]
            elif label == "pledges.pledgetype":
                members |= typed[pk]
            elif label == "pledges.citation":
                if data.get("pledge"):
                    members |= parties[data["pledge"]]
                if data.get("membership") in of_role:
                    members.add(of_role[data["membership"]])
    return members


def changed_since_latest() -> bool:
    """Whether anything public differs from the latest release (True when there is none yet)."""
    latest = Release.objects.order_by("-number").values_list("number", flat=True).first()
    if latest is None:
        return True
    now = {key: digest(fields) for key, fields in public_snapshot().items()}
    kept = dict(
        ((label, pk), stored)
        for label, pk, stored in state(latest)
        .filter(withdrawn=False)
        .values_list("model", "object_id", "digest")
    )
    return now != kept


class NothingToRelease(ValueError):
    """Cutting a release identical to the one before it."""


WATCHED = ("pledges.pledgeparty", "pledges.membership", "pledges.pledge", "pledges.citation")


class CutRace(ValueError):
    """Another cut took the release's number while this one was being built."""


def cut_release(note: str, note_uk: str = "", by: str = "", at: datetime | None = None) -> Release:
    """Cut the next release from what is public now, with its downloads (see `cut_once`). A cut that
    another one overtook is made again from the data as it then is (NothingToRelease if that other
    cut released everything)."""
    for _attempt in range(3):
        try:
            return cut_once(note, note_uk, by, at)
        except CutRace:
            continue
    raise CutRace("Other releases kept being cut at the same moment: try again.")


def cut_once(note: str, note_uk: str = "", by: str = "", at: datetime | None = None) -> Release:
    """Cut the next release from what is public now, with its downloads.

    Three steps, so that editors are held up only while the data is read: the public data is read in
    one transaction (consistent, other writers waiting); the release's database and downloads are then
    built from what was read, outside any lock; the release, its rows and files are written in a
    second short transaction, or not at all (CutRace when another cut took the number first)."""
    note = note.strip()
    if not note:
        raise ValueError("A release needs a note saying what it brings.")
    with transaction.atomic():
        connection = connections["default"]
        if connection.vendor == "postgresql":
            # One cut at a time, and one consistent view of the data: no change can commit while the
            # cut reads (SHARE blocks writers, not readers), inside an outer transaction too (the
            # admin's). SQLite's transactions hold the whole database already.
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE pledges_release IN SHARE ROW EXCLUSIVE MODE")
                tables = ", ".join(model._meta.db_table for model in RELEASED_MODELS)
                cursor.execute(f"LOCK TABLE {tables} IN SHARE MODE")
        previous = Release.objects.order_by("-number").values_list("number", flat=True).first() or 0
        number = previous + 1
        now = public_snapshot()
        prior = {
            (label, pk): (withdrawn, stored)
            for label, pk, withdrawn, stored in state(previous).values_list(
                "model", "object_id", "withdrawn", "digest"
            )
        }
        before = {
            (label, pk): data
            for label, pk, data in state(previous)
            .filter(model__in=WATCHED, withdrawn=False)
            .values_list("model", "object_id", "data")
        }
        added, changed, withdrawn = [], [], []
        for key, fields in now.items():
            was = prior.get(key)
            if was is None or was[0]:
                added.append(key)
            elif was[1] != digest(fields):
                changed.append(key)
        withdrawn = [key for key, (gone, _d) in prior.items() if not gone and key not in now]
        if previous and not (added or changed or withdrawn):
            raise NothingToRelease(
                f"Nothing public has changed since release {previous}: there is nothing to release."
            )
        new_rows = [
            ReleaseRow(
                release_id=number,
                model=label,
                object_id=pk,
                data=now[(label, pk)],
                digest=digest(now[(label, pk)]),
            )
            for label, pk in sorted(added + changed, key=lambda k: (ORDER[k[0]], k[1]))
        ] + [
            ReleaseRow(release_id=number, model=label, object_id=pk, withdrawn=True, digest="")
            for label, pk in withdrawn
        ]
        rows_bytes = sum(
            len(json.dumps(row.data, ensure_ascii=False).encode()) for row in new_rows if row.data
        )
        touched = members_touched(
            {*added, *changed, *withdrawn},
            before,
            {k: v for k, v in now.items() if k[0] in (*WATCHED, "pledges.pledge")},
        )
        fingerprint = hashlib.sha256(
            "".join(f"{label}:{pk}:{digest(now[(label, pk)])}\n" for label, pk in sorted(now)).encode()
        ).hexdigest()
        release = Release(
            fingerprint=fingerprint,
            number=number,
            cut_at=at or timezone.now(),
            note=note,
            note_uk=note_uk.strip(),
            cut_by=by or "",
            added=len(added),
            changed=len(changed),
            withdrawn=len(withdrawn),
            rows_bytes=rows_bytes,
        )
    files = build_files(release, ((label, pk, fields) for (label, pk), fields in now.items()))
    release.files_bytes = sum(len(f.content) for f in files)
    try:
        with transaction.atomic():
            if Release.objects.filter(number=number).exists():
                raise CutRace(f"Release {number} was cut meanwhile.")
            release.save()
            ReleaseRow.objects.bulk_create(new_rows, batch_size=1000)
            ReleaseMember.objects.bulk_create(
                [ReleaseMember(release_id=number, member_id=m) for m in sorted(touched)]
            )
            ReleaseFile.objects.bulk_create(files)
    except IntegrityError as error:  # the same number written by a cut that committed in between
        raise CutRace(f"Release {number} was cut meanwhile.") from error
    return release


# --- a release's own database ----------------------------------------------------------------------

_active: contextvars.ContextVar[tuple[str, bool, Release] | None] = contextvars.ContextVar(
    "release", default=None
)
_databases: dict[str, tuple[Path, bool]] = {}  # alias → (file, read-only) of each release database


def current_release() -> Release | None:
    """The release the current page is shown at, or None for the live data."""
    active = _active.get()
    return active[2] if active else None


class ReleaseRouter:
    """Sends the pledges app's queries to the active release's database (none outside a release page)."""

    def db_for_read(self, model, **hints):
        active = _active.get()
        if active and model._meta.app_label == "pledges" and model not in RELEASE_MODELS:
            _connect(active[0])
            return active[0]
        return None

    def db_for_write(self, model, **hints):
        active = _active.get()
        if active and active[1] and model._meta.app_label == "pledges" and model not in RELEASE_MODELS:
            _connect(active[0])
            return active[0]
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True


def _settings_for(path: Path, read_only: bool) -> dict:
    name = f"file:{path}?mode=ro&immutable=1" if read_only else str(path)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "OPTIONS": {},
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 600 if read_only else 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {"CHARSET": None, "COLLATION": None, "MIGRATE": True, "MIRROR": None, "NAME": None},
    }


def _register(alias: str, path: Path, read_only: bool = True) -> None:
    """Make `alias` name the database at `path` (in every thread, each opening its own connection).

    The alias stays out of `connections.settings`: a release's database is no database of the site's
    (migrations, checks and the test runner's isolation leave it alone), only a read-only file."""
    _databases[alias] = (path, read_only)


def _connect(alias: str) -> None:
    """This thread's connection to a registered release database, opened the first time it is used."""
    if not hasattr(connections._connections, alias):
        path, read_only = _databases[alias]
        connections[alias] = load_backend("django.db.backends.sqlite3").DatabaseWrapper(
            _settings_for(path, read_only), alias
        )


def _unregister(alias: str) -> None:
    if hasattr(connections._connections, alias):
        connections[alias].close()
        delattr(connections._connections, alias)
    _databases.pop(alias, None)


def schema_signature() -> str:
    """Changes when the models' columns change: a release's database is then built again."""
    tables = [
        (
            model._meta.db_table,
            [(f.column, f.get_internal_type(), f.null) for f in model._meta.concrete_fields],
        )
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label == "pledges"
    ]
    return hashlib.sha256(json.dumps(tables).encode()).hexdigest()[:12]


def database_path(release: Release) -> Path:
    """Where this host keeps the release's database: named by the release, its contents and the
    site's tables, so a file built from other data or for other tables is never read for it."""
    stamp = f"{release.number}|{release.cut_at.isoformat()}|{release.fingerprint}|{schema_signature()}"
    name = f"release-{release.number}-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}.sqlite3"
    return Path(settings.DOWNLOADS_DIR) / "releases" / name


def build_database(path: Path, release: Release, rows: Iterable[tuple[str, int, dict]]) -> None:
    """A SQLite database at `path` with the site's tables and the release's rows, its counts made."""
    from pledges.models import DataVersion
    from pledges.tallies import recount_all

    alias = f"release_build_{os.getpid()}_{threading.get_ident()}"
    path.unlink(missing_ok=True)
    _register(alias, path, read_only=False)
    token = _active.set((alias, True, release))
    try:
        _connect(alias)
        connection = connections[alias]
        with connection.schema_editor() as editor:
            for model in apps.get_models():
                if model._meta.managed and not model._meta.proxy:
                    editor.create_model(model)
        by_model: dict[str, list] = defaultdict(list)
        for label, pk, data in rows:
            by_model[label].append({"model": label, "pk": pk, "fields": data})
        with transaction.atomic(using=alias):
            for label in sorted(by_model, key=ORDER.__getitem__):
                objects = [
                    item.object
                    for item in serializers.deserialize(
                        "python", by_model[label], using=alias, ignorenonexistent=True
                    )
                ]
                model = LABELS[label]
                # Raw inserts, as loaddata's: the rows' own dates (updated_at…) kept, not set to now.
                for start in range(0, len(objects), 500):
                    model._base_manager.using(alias)._insert(
                        objects[start : start + 500],
                        fields=model._meta.concrete_fields,
                        using=alias,
                        raw=True,
                    )
            recount_all()
            DataVersion.objects.using(alias).create(pk=1, changed_at=release.cut_at)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    finally:
        _active.reset(token)
        _unregister(alias)


def release_database(release: Release, rows: Iterable[tuple[str, int, dict]] | None = None) -> str:
    """The alias of the release's read-only database, built first if this host has none."""
    path = database_path(release)
    # One alias per file: a connection opened on one file is never used for another.
    alias = f"release_{release.number}_{hashlib.sha256(str(path).encode()).hexdigest()[:16]}"
    if alias in _databases and path.exists():
        return alias

    def build(partial: Path) -> None:
        build_database(partial, release, rows if rows is not None else rows_of_release(release.number))

    if not path.exists():
        _built_once(path, path.stem, build)
        # The same release's database built for other tables (before a deploy) is of no more use.
        for old in path.parent.glob(f"release-{release.number}-*.sqlite3"):
            if old != path:
                old.unlink(missing_ok=True)
    _register(alias, path)
    return alias


def release_prefix(number: int) -> str:
    return f"/releases/{number}/"


@contextlib.contextmanager
def at_release(release: Release, rows: Iterable[tuple[str, int, dict]] | None = None):
    """Everything inside reads the release's data and links within it."""
    alias = release_database(release, rows)
    token = _active.set((alias, False, release))
    prefix = get_script_prefix()
    set_script_prefix(release_prefix(release.number))
    try:
        yield release
    finally:
        set_script_prefix(prefix)
        _active.reset(token)


# --- downloads kept with the release ---------------------------------------------------------------


ZIP_NAME = "tracker-csv.zip"


def build_files(release: Release, rows: Iterable[tuple[str, int, dict]]) -> list[ReleaseFile]:
    """The release's downloads, built from its own database, as rows to store with their SHA-256.

    The zip is kept as it is (it is compressed already); a file the zip holds byte for byte (each CSV,
    the Data Package) is kept once, inside it; the rest brotli-compressed."""
    from pledges.views import downloads

    built: dict[str, tuple[str, bytes]] = {}
    with at_release(release, rows), translation.override(settings.LANGUAGE_CODE):
        directory = Path(settings.DOWNLOADS_DIR) / "releases"
        directory.mkdir(parents=True, exist_ok=True)
        for name, content_type, build in downloads.release_builds():
            partial = directory / f".{release.number}-{name}.{os.getpid()}.partial"
            try:
                build(partial)
                built[name] = (content_type, partial.read_bytes())
            finally:
                partial.unlink(missing_ok=True)
    packed = {}
    if ZIP_NAME in built:
        with zipfile.ZipFile(io.BytesIO(built[ZIP_NAME][1])) as archive:
            packed = {info.filename: archive.read(info) for info in archive.infolist()}
    files = []
    for name, (content_type, data) in built.items():
        inside = ZIP_NAME if name != ZIP_NAME and packed.get(name) == data else ""
        if inside:
            content, compression = b"", ""
        elif name == ZIP_NAME:
            content, compression = data, ""
        else:
            content, compression = brotli.compress(data, quality=9, lgwin=24), "br"
        files.append(
            ReleaseFile(
                release_id=release.number,
                name=name,
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                content=content,
                compression=compression,
                inside=inside,
            )
        )
    return files


def release_file_path(stored: ReleaseFile) -> Path:
    """The stored download as a file on this host (written once), for the usual file answers."""
    path = (
        Path(settings.DOWNLOADS_DIR)
        / "releases"
        / f"release-{stored.release_id}-{stored.sha256[:16]}-{stored.name}"
    )

    def write(partial: Path) -> None:
        if stored.inside:
            holder = ReleaseFile.objects.get(release_id=stored.release_id, name=stored.inside)
            with zipfile.ZipFile(release_file_path(holder)) as archive:
                data = archive.read(stored.name)
        elif stored.compression == "br":
            data = brotli.decompress(bytes(stored.content))
        else:
            data = bytes(stored.content)
        if hashlib.sha256(data).hexdigest() != stored.sha256:
            raise ValueError(f"{stored} does not match its SHA-256: it is not served.")
        partial.write_bytes(data)

    return _built_once(path, path.name, write)


# --- serving pages at a release --------------------------------------------------------------------

RELEASE_PATH = re.compile(r"^/releases/(?P<number>[1-9][0-9]{0,8})(?P<rest>/.*)$")
LANGUAGE_FIRST = re.compile(
    rf"^/(?P<language>{'|'.join(code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE)})"
    r"/releases/(?P<number>[1-9][0-9]{0,8})(?P<rest>/.+)$"
)
OVERVIEW = re.compile(r"^(?P<language>/[a-z]{2})?/overview/$")
# Pages of the live site only: its history, feeds, search engines' files and the editors' pages.
LIVE_ONLY = (
    "/changes/",
    "/feeds/",
    "/sitemap",
    "/robots.txt",
    "/healthz/",
    "/oembed/",
    "/static/",
    "/releases/",
)
EMBED_SECONDS = 3600  # a pinned embed may gain its "updated since" line: browsers ask again after an hour
IMMUTABLE = "public, max-age=31536000, immutable"


def live_only(rest: str) -> bool:
    language = translation.get_language_from_path(rest)
    bare = rest[len(language) + 1 :] if language and rest.startswith(f"/{language}/") else rest
    return (
        bare.startswith(LIVE_ONLY)
        or bare.startswith("/" + settings.ADMIN_PATH)
        or bare.startswith("/api/reference/")
    )


class ReleaseMiddleware:
    """`/releases/<n>/<path>`: the page at `<path>` as it was in release n (see the module's notes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (misplaced := LANGUAGE_FIRST.match(request.path_info)) is not None:
            # "/uk/releases/3/members/…": the language goes after the release, as on every link.
            target = f"/releases/{misplaced['number']}/{misplaced['language']}{misplaced['rest']}"
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(target + (f"?{query}" if query else ""))
        match = RELEASE_PATH.match(request.path_info)
        number = match and int(match["number"])
        rest = match and match["rest"]
        if not match or rest == "/":  # the release's own page is a page of the live site
            return self.get_response(request)
        language = translation.get_language_from_path(rest)
        if rest == f"/{language}/" and language:  # the release page in that language
            return HttpResponsePermanentRedirect(f"/{language}/releases/{number}/")
        release = Release.objects.filter(number=number).first()
        if release is None or live_only(rest):
            return self.not_found(request, rest)
        overview = OVERVIEW.match(rest)
        request.path_info = f"{overview['language'] or ''}/" if overview else rest
        request.release = release
        request.latest_release = Release.objects.order_by("-number").values_list("number", flat=True).first()
        with at_release(release):
            response = self.get_response(request)
            if response.streaming and not isinstance(response, FileResponse):  # a file needs no queries
                response.streaming_content = self.streamed(release, response.streaming_content)
        response["X-Tracker-Release"] = str(release.number)
        if response.status_code in (200, 304):
            embed = request.resolver_match and request.resolver_match.url_name == "member_embed"
            response["Cache-Control"] = f"public, max-age={EMBED_SECONDS}" if embed else IMMUTABLE
        return response

    @staticmethod
    def streamed(release: Release, content):
        """A streamed answer (an export) is written after the view returns: still at the release."""
        with at_release(release):
            yield from content

    def not_found(self, request: HttpRequest, rest: str) -> HttpResponse:
        from pledges.views.errors import page_not_found

        request.path_info = rest
        language = translation.get_language_from_path(rest) or settings.LANGUAGE_CODE
        with translation.override(language):
            response = page_not_found(request, None)
        return response if response.status_code == 404 else HttpResponseNotFound()


def newer_release_for(release: Release, member_id: int) -> int | None:
    """The latest release after `release` that changed this member's public data, if any."""
    return (
        ReleaseMember.objects.filter(release_id__gt=release.number, member_id=member_id)
        .order_by("-release_id")
        .values_list("release_id", flat=True)
        .first()
    )
