"""The curated dataset: reads fixtures/curated/*.toml and turns it into a Django fixture.

The curated TOML files are what editors review; `manage.py build_fixtures` calls `build_fixture()`
and writes `fixtures/tracker.json`, which `loaddata` reads with natural keys (slugs and refs), so
loading it again updates the same rows instead of adding new ones.
"""

import tomllib
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from pledges.ledger import read_ledgers
from pledges.models import (
    DatePrecision,
    Member,
    Membership,
    Qualifier,
    citation_ref,
    membership_ref,
    normalise_whitespace,
)

CURATED_DIR = settings.BASE_DIR / "fixtures" / "curated"
SOURCES_DIR = settings.BASE_DIR / "fixtures" / "sources"
FIXTURE_PATH = settings.BASE_DIR / "fixtures" / "tracker.json"

# The shipped dataset's timestamps are fixed so a rebuild is byte-for-byte reproducible.
BUILT_AT = "2025-10-05T00:00:00Z"


class CurationError(ValueError):
    """The curated files contradict themselves: a missing reference, a duplicate key."""


def read_toml(name: str) -> dict:
    path = CURATED_DIR / name
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _date(value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value)).isoformat()


def _partial_date(entry: dict, field: str, precision_field: str) -> dict:
    value = _date(entry.get(field))
    precision = entry.get(precision_field) or (DatePrecision.DAY if value else DatePrecision.UNKNOWN)
    if value is None:
        precision = DatePrecision.UNKNOWN
    return {field: value, precision_field: str(precision)}


def _decimal(value) -> str | None:
    if value in (None, ""):
        return None
    number = Decimal(str(value))
    if number < 0:
        raise CurationError(f"Negative number {value!r}.")
    return str(number)


def _citations(
    entry: dict, target_field: str, target_key: list, target_label: str, sources: set
) -> Iterator[dict]:
    citations = entry.get("citations") or []
    if not citations:
        raise CurationError(f"{target_label} has no citation.")
    for citation in citations:
        if citation["source"] not in sources:
            raise CurationError(f"{target_label} cites unknown source {citation['source']!r}.")
        yield {
            "model": "pledges.citation",
            "fields": {
                "ref": "",  # filled below, once the target's natural key is known
                "source": [citation["source"]],
                "quote": citation["quote"],
                "locator": citation.get("locator", ""),
                "note": citation.get("note", ""),
                "note_uk": citation.get("note_uk", ""),
                "pledge": None,
                "membership": None,
                "meeting": None,
                "headline_count": None,
                target_field: target_key,
                "created_at": BUILT_AT,
            },
        }


class _NaturalKeyed:
    """Stands in for a model instance when computing a citation's ref before anything is saved."""

    def __init__(self, model_name: str, key: list):
        self._meta = type("Meta", (), {"model_name": model_name})
        self._key = key

    def natural_key(self):
        return tuple(self._key)


def read_all(table: str, names: tuple[str, ...]) -> list[dict]:
    """The `[[table]]` entries of the named curated files, in file order."""
    entries: list[dict] = []
    for name in names:
        entries += read_toml(name).get(table, [])
    return entries


def _parts(source: dict, text: str) -> tuple[list[dict], list[tuple[int, int, dict]]]:
    """Fixture entries for a source's parts, and (start offset, position, entry) for finding quotes."""
    normalised = normalise_whitespace(text)
    objects, starts, offset = [], [], 0
    for position, part in enumerate(source.get("parts", []), start=1):
        opening = normalise_whitespace(part["starts_with"])
        at = normalised.find(opening, offset)
        if at < 0:
            raise CurationError(
                f"Part {position} of {source['slug']!r}: “{opening[:60]}” is not in the text after part "
                f"{position - 1}."
            )
        offset = at + 1
        fields = {
            "source": [source["slug"]],
            "position": position,
            "title": part["title"],
            "title_uk": part.get("title_uk", ""),
            "starts_with": part["starts_with"],
            **_partial_date(part, "dated_on", "dated_precision"),
            "note": part.get("note", ""),
            "note_uk": part.get("note_uk", ""),
        }
        objects.append({"model": "pledges.sourcepart", "fields": fields})
        starts.append((at, position, fields))
    return objects, starts


class _Texts:
    """The sources' normalised texts and part offsets, to place each quote in its part."""

    def __init__(self):
        self.text: dict[str, str] = {}
        self.starts: dict[str, list[tuple[int, int, dict]]] = {}

    def part_of(self, source: str, quote: str, explicit: int | None, label: str) -> dict | None:
        starts = self.starts.get(source) or []
        if explicit is not None:
            found = next((fields for _, position, fields in starts if position == explicit), None)
            if found is None:
                raise CurationError(f"{label} names part {explicit} of {source!r}, which has no such part.")
            return found
        at = self.text[source].find(normalise_whitespace(quote))
        if at < 0:
            raise CurationError(f"{label}: quote not in {source!r}: “{quote[:70]}”")
        found = None
        for start, _, fields in starts:
            if start <= at:
                found = fields
        return found


def _earliest(parts_and_sources: list[tuple[dict | None, dict]]) -> dict:
    """The earliest known date among the cited parts (or sources that state a publication date)."""
    dated = []
    for part, source in parts_and_sources:
        if part and part.get("dated_on"):
            dated.append((part["dated_on"], part["dated_precision"]))
        elif source.get("published_on"):
            dated.append((_date(source["published_on"]), DatePrecision.DAY.value))
    if not dated:
        return {"reported_on": None, "reported_precision": DatePrecision.UNKNOWN.value}
    value, precision = min(dated)
    return {"reported_on": value, "reported_precision": precision}


def build_fixture() -> list[dict]:
    """All curated objects as fixture entries, in dependency order."""
    sources_toml = read_toml("sources.toml").get("source", [])
    types_toml = read_toml("pledge_types.toml").get("type", [])
    members_toml = read_toml("members.toml").get("member", [])
    pledges_toml = read_toml("pledges.toml").get("pledge", [])
    meetings_toml = read_toml("meetings.toml").get("meeting", [])
    counts_toml = read_toml("counts.toml").get("count", [])

    objects: list[dict] = []
    texts = _Texts()
    sources_by_slug: dict[str, dict] = {}
    for entry in sources_toml:
        slug = entry["slug"]
        if slug in sources_by_slug:
            raise CurationError(f"Source {slug!r} is listed twice.")
        sources_by_slug[slug] = entry
        text_path = SOURCES_DIR / f"{slug}.txt"
        if not text_path.exists():
            raise CurationError(f"Source {slug!r} has no archived text at fixtures/sources/{slug}.txt.")
        text = text_path.read_text(encoding="utf-8")
        objects.append(
            {
                "model": "pledges.source",
                "fields": {
                    "slug": slug,
                    "title": entry["title"],
                    "publisher": entry.get("publisher", ""),
                    "kind": entry["kind"],
                    "url": entry.get("url", ""),
                    "published_on": _date(entry.get("published_on")),
                    "covers_from": _date(entry.get("covers_from")),
                    "covers_to": _date(entry.get("covers_to")),
                    "seen_on": _date(entry.get("seen_on")),
                    "language": entry.get("language", "en"),
                    "description": entry.get("description", ""),
                    "description_uk": entry.get("description_uk", ""),
                    "text": text,
                    "created_at": BUILT_AT,
                    "updated_at": BUILT_AT,
                },
            }
        )
        part_objects, starts = _parts(entry, text)
        objects += part_objects
        texts.text[slug] = normalise_whitespace(text)
        texts.starts[slug] = starts
    source_slugs = set(sources_by_slug)

    type_slugs = {entry["slug"] for entry in types_toml}
    for entry in types_toml:
        objects.append(
            {
                "model": "pledges.pledgetype",
                "fields": {
                    "slug": entry["slug"],
                    "name": entry["name"],
                    "name_uk": entry.get("name_uk", ""),
                    "description": entry.get("description", ""),
                    "description_uk": entry.get("description_uk", ""),
                    "order": entry.get("order", 0),
                },
            }
        )

    member_slugs = {entry["slug"] for entry in members_toml}
    if len(member_slugs) != len(members_toml):
        raise CurationError("A member slug is listed twice.")
    citations: list[dict] = []

    def cite(entry: dict, target_field: str, model_name: str, key: list, label: str) -> list[tuple]:
        """The entry's citations as fixture objects (added to `citations`); returns (part, source) pairs."""
        placed = []
        made = list(_citations(entry, target_field, key, label, source_slugs))
        for citation, raw in zip(made, entry["citations"], strict=True):
            part = texts.part_of(raw["source"], raw["quote"], raw.get("part"), label)
            citation["fields"]["part"] = [raw["source"], part["position"]] if part else None
            placed.append((part, sources_by_slug[raw["source"]]))
        citations.extend(_with_refs(made, model_name, key))
        return placed

    # Parents first, so a group's `part_of` names a member already loaded.
    for entry in sorted(members_toml, key=lambda e: bool(e.get("part_of"))):
        kind = entry.get("kind", "country")
        if kind not in Member.Kind.values:
            raise CurationError(f"Member {entry['slug']!r} has unknown kind {kind!r}.")
        parent = entry.get("part_of") or None
        if parent and parent not in member_slugs:
            raise CurationError(f"Member {entry['slug']!r} is part of unknown member {parent!r}.")
        objects.append(
            {
                "model": "pledges.member",
                "fields": {
                    "slug": entry["slug"],
                    "name": entry["name"],
                    "name_uk": entry.get("name_uk", ""),
                    "kind": kind,
                    "country": entry.get("country", ""),
                    "region": entry.get("region", ""),
                    "part_of": [parent] if parent else None,
                    "description": entry.get("description", ""),
                    "description_uk": entry.get("description_uk", ""),
                    "created_at": BUILT_AT,
                    "updated_at": BUILT_AT,
                },
            }
        )

    meeting_slugs = {entry["slug"] for entry in meetings_toml}
    for entry in meetings_toml:
        for host in entry.get("hosts", []):
            if host not in member_slugs:
                raise CurationError(f"Meeting {entry['slug']!r} names unknown host {host!r}.")
        objects.append(
            {
                "model": "pledges.meeting",
                "fields": {
                    "slug": entry["slug"],
                    "title": entry["title"],
                    "title_uk": entry.get("title_uk", ""),
                    **_partial_date(entry, "held_on", "held_precision"),
                    "place": entry.get("place", ""),
                    "place_uk": entry.get("place_uk", ""),
                    "format": entry.get("format", "unknown"),
                    "hosts": [[host] for host in entry.get("hosts", [])],
                    "agreed": entry.get("agreed", ""),
                    "agreed_uk": entry.get("agreed_uk", ""),
                    "is_published": True,
                    "updated_at": BUILT_AT,
                },
            }
        )
        cite(entry, "meeting", "meeting", [entry["slug"]], f"Meeting {entry['slug']!r}")

    role_refs: set[str] = set()
    for entry in members_toml:
        for role in entry.get("roles", []):
            if role["role"] not in Membership.Role.values:
                raise CurationError(f"{entry['slug']} has unknown role {role['role']!r}.")
            ref = membership_ref(entry["slug"], role["role"], role.get("key", ""))
            if ref in role_refs:
                raise CurationError(f"Role {ref!r} is listed twice: give one a `key`.")
            role_refs.add(ref)
            meeting = role.get("meeting") or None
            if meeting and meeting not in meeting_slugs:
                raise CurationError(f"Role {ref!r} names unknown meeting {meeting!r}.")
            objects.append(
                {
                    "model": "pledges.membership",
                    "fields": {
                        "ref": ref,
                        "member": [entry["slug"]],
                        "role": role["role"],
                        "detail": role.get("detail", ""),
                        "detail_uk": role.get("detail_uk", ""),
                        "meeting": [meeting] if meeting else None,
                        **_partial_date(role, "since", "since_precision"),
                        "note": role.get("note", ""),
                        "note_uk": role.get("note_uk", ""),
                        "is_published": True,
                    },
                }
            )
            cite(role, "membership", "membership", [ref], f"Role {ref!r}")

    count_slugs = set()
    for entry in counts_toml:
        meeting = entry.get("meeting") or None
        if meeting and meeting not in meeting_slugs:
            raise CurationError(f"Count {entry['slug']!r} names unknown meeting {meeting!r}.")
        count_slugs.add(entry["slug"])
        objects.append(
            {
                "model": "pledges.headlinecount",
                "fields": {
                    "slug": entry["slug"],
                    "number": entry["number"],
                    "qualifier": entry.get("qualifier", "exact"),
                    "counts": entry["counts"],
                    "counts_uk": entry.get("counts_uk", ""),
                    "kind": entry.get("kind", "other"),
                    **_partial_date(entry, "as_of", "as_of_precision"),
                    "meeting": [meeting] if meeting else None,
                    "note": entry.get("note", ""),
                    "is_published": True,
                    "updated_at": BUILT_AT,
                },
            }
        )
        cite(entry, "headline_count", "headlinecount", [entry["slug"]], f"Count {entry['slug']!r}")

    refs = set()
    parties: list[dict] = []
    for entry in pledges_toml:
        ref = entry["ref"]
        if ref in refs:
            raise CurationError(f"Pledge ref {ref!r} is listed twice.")
        refs.add(ref)
        members = entry.get("members") or ([entry["member"]] if entry.get("member") else [])
        if not members:
            raise CurationError(f"Pledge {ref!r} names no party.")
        if len(set(members)) != len(members):
            raise CurationError(f"Pledge {ref!r} names a party twice.")
        for member in members:
            if member not in member_slugs:
                raise CurationError(f"Pledge {ref!r} names unknown member {member!r}.")
        if entry["type"] not in type_slugs:
            raise CurationError(f"Pledge {ref!r} names unknown type {entry['type']!r}.")
        for field in ("quantity_qualifier", "amount_qualifier"):
            if entry.get(field, "exact") not in Qualifier.values:
                raise CurationError(f"Pledge {ref!r} has unknown {field} {entry[field]!r}.")
        fields = {
            "ref": ref,
            "pledge_type": [entry["type"]],
            "status": entry["status"],
            "summary": entry["summary"],
            "summary_uk": entry.get("summary_uk", ""),
            "conditions": entry.get("conditions", ""),
            "conditions_uk": entry.get("conditions_uk", ""),
            **_partial_date(entry, "announced_on", "announced_precision"),
            "reported_on": None,
            "reported_precision": DatePrecision.UNKNOWN.value,
            "quantity": _decimal(entry.get("quantity")),
            "quantity_qualifier": entry.get("quantity_qualifier", "exact"),
            "quantity_unit": entry.get("quantity_unit", ""),
            "quantity_unit_uk": entry.get("quantity_unit_uk", ""),
            "amount": _decimal(entry.get("amount")),
            "amount_qualifier": entry.get("amount_qualifier", "exact"),
            "currency": entry.get("currency", ""),
            "note": entry.get("note", ""),
            "note_uk": entry.get("note_uk", ""),
            "is_published": True,
            "version": 1,
            "created_at": BUILT_AT,
            "updated_at": BUILT_AT,
        }
        objects.append({"model": "pledges.pledge", "fields": fields})
        placed = cite(entry, "pledge", "pledge", [ref], f"Pledge {ref!r}")
        if entry.get("reported_on"):
            fields.update(_partial_date(entry, "reported_on", "reported_precision"))
        else:
            fields.update(_earliest(placed))
        parties += [
            {"model": "pledges.pledgeparty", "fields": {"pledge": [ref], "member": [member], "position": n}}
            for n, member in enumerate(members)
        ]

    seen = set()
    for citation in citations:
        if citation["fields"]["ref"] in seen:
            raise CurationError(f"A citation is listed twice: {citation['fields']['quote'][:60]!r}.")
        seen.add(citation["fields"]["ref"])

    facts = (
        {f"pledge:{ref}" for ref in refs}
        | {f"role:{ref}" for ref in role_refs}
        | {f"meeting:{slug}" for slug in meeting_slugs}
        | {f"count:{slug}" for slug in count_slugs}
    )
    return objects + parties + citations + _review_entries(sources_by_slug, texts, facts)


def _review_entries(sources: dict[str, dict], texts: _Texts, facts: set[str]) -> list[dict]:
    """The review ledgers as fixture entries; a ledger naming an unknown source or fact is refused."""
    objects = []
    for slug, ledger in read_ledgers().items():
        if slug not in sources:
            raise CurationError(f"The ledger {ledger.path.name} is for unknown source {slug!r}.")
        for position, entry in enumerate(ledger.entries, start=1):
            label = f"Ledger {slug}, entry {position}"
            for fact in entry.facts:
                if fact not in facts:
                    raise CurationError(f"{label} names {fact!r}, which is not in the curated data.")
            part = texts.part_of(slug, entry.passage, entry.part, label)
            objects.append(
                {
                    "model": "pledges.reviewentry",
                    "fields": {
                        "source": [slug],
                        "position": position,
                        "part": [slug, part["position"]] if part else None,
                        "passage": entry.passage,
                        "facts": entry.facts,
                        "reason": entry.reason,
                        "why": entry.why,
                        "why_uk": entry.why_uk,
                    },
                }
            )
    return objects


def _with_refs(citations: Iterator[dict], model_name: str, key: list) -> list[dict]:
    target = _NaturalKeyed(model_name, key)
    result = []
    for citation in citations:
        fields = citation["fields"]
        fields["ref"] = citation_ref(fields["source"][0], target, fields["quote"])
        result.append(citation)
    return result


def fixture_path() -> Path:
    return FIXTURE_PATH
