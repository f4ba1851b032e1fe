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

from pledges.models import DatePrecision, Membership, citation_ref

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


def build_fixture() -> list[dict]:
    """All curated objects as fixture entries, in dependency order."""
    sources_toml = read_toml("sources.toml").get("source", [])
    types_toml = read_toml("pledge_types.toml").get("type", [])
    members_toml = read_toml("members.toml").get("member", [])
    pledges_toml = read_toml("pledges.toml").get("pledge", [])
    meetings_toml = read_toml("meetings.toml").get("meeting", [])
    counts_toml = read_toml("counts.toml").get("count", [])

    objects: list[dict] = []
    source_slugs = set()
    for entry in sources_toml:
        slug = entry["slug"]
        if slug in source_slugs:
            raise CurationError(f"Source {slug!r} is listed twice.")
        source_slugs.add(slug)
        text_path = SOURCES_DIR / f"{slug}.txt"
        if not text_path.exists():
            raise CurationError(f"Source {slug!r} has no archived text at fixtures/sources/{slug}.txt.")
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
                    "accessed_on": _date(entry.get("accessed_on")),
                    "description": entry.get("description", ""),
                    "text": text_path.read_text(encoding="utf-8"),
                    "created_at": BUILT_AT,
                    "updated_at": BUILT_AT,
                },
            }
        )

    type_slugs = {entry["slug"] for entry in types_toml}
    for entry in types_toml:
        objects.append(
            {
                "model": "pledges.pledgetype",
                "fields": {
                    "slug": entry["slug"],
                    "name": entry["name"],
                    "description": entry.get("description", ""),
                    "order": entry.get("order", 0),
                },
            }
        )

    member_slugs = {entry["slug"] for entry in members_toml}
    if len(member_slugs) != len(members_toml):
        raise CurationError("A member slug is listed twice.")
    citations: list[dict] = []
    for entry in members_toml:
        objects.append(
            {
                "model": "pledges.member",
                "fields": {
                    "slug": entry["slug"],
                    "name": entry["name"],
                    "kind": entry.get("kind", "country"),
                    "country": entry.get("country", ""),
                    "region": entry.get("region", ""),
                    "description": entry.get("description", ""),
                    "created_at": BUILT_AT,
                    "updated_at": BUILT_AT,
                },
            }
        )
        for role in entry.get("roles", []):
            if role["role"] not in Membership.Role.values:
                raise CurationError(f"{entry['slug']} has unknown role {role['role']!r}.")
            key = [entry["slug"], role["role"]]
            objects.append(
                {
                    "model": "pledges.membership",
                    "fields": {
                        "member": [entry["slug"]],
                        "role": role["role"],
                        **_partial_date(role, "since", "since_precision"),
                        "note": role.get("note", ""),
                        "is_published": True,
                    },
                }
            )
            citations += _with_refs(
                _citations(role, "membership", key, f"Role {key}", source_slugs), "membership", key
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
                    **_partial_date(entry, "held_on", "held_precision"),
                    "place": entry.get("place", ""),
                    "format": entry.get("format", "unknown"),
                    "hosts": [[host] for host in entry.get("hosts", [])],
                    "agreed": entry.get("agreed", ""),
                    "is_published": True,
                    "updated_at": BUILT_AT,
                },
            }
        )
        key = [entry["slug"]]
        citations += _with_refs(
            _citations(entry, "meeting", key, f"Meeting {entry['slug']!r}", source_slugs), "meeting", key
        )

    for entry in counts_toml:
        meeting = entry.get("meeting") or None
        if meeting and meeting not in meeting_slugs:
            raise CurationError(f"Count {entry['slug']!r} names unknown meeting {meeting!r}.")
        objects.append(
            {
                "model": "pledges.headlinecount",
                "fields": {
                    "slug": entry["slug"],
                    "number": entry["number"],
                    "qualifier": entry.get("qualifier", "exact"),
                    "counts": entry["counts"],
                    "kind": entry.get("kind", "other"),
                    **_partial_date(entry, "as_of", "as_of_precision"),
                    "meeting": [meeting] if meeting else None,
                    "note": entry.get("note", ""),
                    "is_published": True,
                    "updated_at": BUILT_AT,
                },
            }
        )
        key = [entry["slug"]]
        citations += _with_refs(
            _citations(entry, "headline_count", key, f"Count {entry['slug']!r}", source_slugs),
            "headlinecount",
            key,
        )

    refs = set()
    for entry in pledges_toml:
        ref = entry["ref"]
        if ref in refs:
            raise CurationError(f"Pledge ref {ref!r} is listed twice.")
        refs.add(ref)
        if entry["member"] not in member_slugs:
            raise CurationError(f"Pledge {ref!r} names unknown member {entry['member']!r}.")
        if entry["type"] not in type_slugs:
            raise CurationError(f"Pledge {ref!r} names unknown type {entry['type']!r}.")
        objects.append(
            {
                "model": "pledges.pledge",
                "fields": {
                    "ref": ref,
                    "member": [entry["member"]],
                    "pledge_type": [entry["type"]],
                    "status": entry["status"],
                    "summary": entry["summary"],
                    "conditions": entry.get("conditions", ""),
                    **_partial_date(entry, "announced_on", "announced_precision"),
                    "quantity": _decimal(entry.get("quantity")),
                    "quantity_unit": entry.get("quantity_unit", ""),
                    "amount": _decimal(entry.get("amount")),
                    "currency": entry.get("currency", ""),
                    "note": entry.get("note", ""),
                    "is_published": True,
                    "version": 1,
                    "created_at": BUILT_AT,
                    "updated_at": BUILT_AT,
                },
            }
        )
        citations += _with_refs(
            _citations(entry, "pledge", [ref], f"Pledge {ref!r}", source_slugs), "pledge", [ref]
        )

    seen = set()
    for citation in citations:
        if citation["fields"]["ref"] in seen:
            raise CurationError(f"A citation is listed twice: {citation['fields']['quote'][:60]!r}.")
        seen.add(citation["fields"]["ref"])
    return objects + citations


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
