"""Rows for CSV and JSON exports: one definition per kind of object, shared by the list pages and /download/.

Each exporter names its columns once; the CSV header and the JSON keys are those names, so both formats
carry the same data. Unknown values stay empty in CSV and null in JSON, never guessed.
"""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from pledges.models import Citation, Meeting, Member, Pledge, Source, iso_partial_date

# A cell starting with one of these would run as a formula when the CSV is opened in a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell: empty for unknown values, and text that cannot be read as a spreadsheet formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not isinstance(value, int | Decimal):
        return "'" + text
    return text


def citations_text(citations: Iterable[Citation]) -> str:
    """Each quote with its source and, where the source joins several pieces, the part it is from."""
    return " | ".join(
        f"{c.source.slug}{f' part {c.part.position}' if c.part_id else ''}: “{c.quote}”" for c in citations
    )


@dataclass(frozen=True)
class Exporter:
    """The columns of one kind of row: (name, function of the object)."""

    columns: tuple[tuple[str, Callable], ...]

    @property
    def header(self) -> list[str]:
        return [name for name, _ in self.columns]

    def row(self, obj) -> dict:
        return {name: get(obj) for name, get in self.columns}


def _date(value):
    return value.isoformat() if value else None


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


PLEDGES = Exporter(
    (
        ("id", lambda p: p.pk),
        ("ref", lambda p: p.ref),
        ("members", lambda p: " ".join(m.slug for m in p.party_members)),
        ("member_names", lambda p: "; ".join(m.name for m in p.party_members)),
        ("lead_kind", lambda p: p.lead.kind if p.lead else None),
        ("country_codes", lambda p: " ".join(m.country.code for m in p.party_members if m.country) or None),
        ("type", lambda p: p.pledge_type.slug),
        ("status", lambda p: p.status),
        ("stance", lambda p: p.is_stance),
        ("summary", lambda p: p.summary),
        ("conditions", lambda p: p.conditions or None),
        # ISO 8601 at the precision known (2024-07 for a month), beside the precision column.
        ("announced_on", lambda p: iso_partial_date(p.announced_on, p.announced_precision) or None),
        ("announced_precision", lambda p: p.announced_precision),
        ("reported_on", lambda p: iso_partial_date(p.reported_on, p.reported_precision) or None),
        ("reported_precision", lambda p: p.reported_precision),
        ("quantity_qualifier", lambda p: p.quantity_qualifier if p.quantity is not None else None),
        ("quantity", lambda p: _decimal(p.quantity)),
        ("quantity_unit", lambda p: p.quantity_unit or None),
        ("amount_qualifier", lambda p: p.amount_qualifier if p.amount is not None else None),
        ("amount", lambda p: _decimal(p.amount)),
        ("currency", lambda p: p.currency or None),
        ("note", lambda p: p.note or None),
        ("updated_at", lambda p: p.updated_at.isoformat()),
        ("sources", lambda p: " ".join(sorted({c.source.slug for c in p.citations.all()}))),
        ("citations", lambda p: citations_text(p.citations.all())),
    )
)

MEMBERS = Exporter(
    (
        ("slug", lambda m: m.slug),
        ("name", lambda m: m.name),
        ("kind", lambda m: m.kind),
        ("part_of", lambda m: m.part_of.slug if m.part_of_id else None),
        ("country_code", lambda m: m.country.code or None),
        ("region", lambda m: m.region or None),
        ("roles", lambda m: " ".join(r.role for r in m.published_memberships)),
        ("pledges", lambda m: m.pledge_count),
    )
)

SOURCES = Exporter(
    (
        ("slug", lambda s: s.slug),
        ("title", lambda s: s.title),
        ("publisher", lambda s: s.publisher or None),
        ("kind", lambda s: s.kind),
        ("url", lambda s: s.url or None),
        ("published_on", lambda s: _date(s.published_on)),
        ("seen_on", lambda s: _date(s.seen_on)),
        ("citations", lambda s: s.citation_count),
    )
)

MEETINGS = Exporter(
    (
        ("slug", lambda m: m.slug),
        ("title", lambda m: m.title),
        ("held_on", lambda m: iso_partial_date(m.held_on, m.held_precision) or None),
        ("held_precision", lambda m: m.held_precision),
        ("place", lambda m: m.place or None),
        ("format", lambda m: m.format),
        ("hosts", lambda m: " ".join(h.slug for h in m.hosts.all())),
        ("agreed", lambda m: m.agreed or None),
    )
)

EXPORTERS = {Pledge: PLEDGES, Member: MEMBERS, Source: SOURCES, Meeting: MEETINGS}


class _Echo:
    def write(self, value):
        return value


def write_csv(exporter: Exporter, objects: Iterable, stream) -> None:
    writer = csv.writer(stream)
    writer.writerow(exporter.header)
    for obj in objects:
        writer.writerow([safe_cell(value) for value in exporter.row(obj).values()])


def csv_response(exporter: Exporter, objects: Iterable, filename: str) -> StreamingHttpResponse:
    """All rows as CSV, streamed so a large export does not sit in memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(exporter.header)
        for obj in each_row(objects):
            yield writer.writerow([safe_cell(value) for value in exporter.row(obj).values()])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


CHUNK = 2000  # rows read from the database at a time, so an export's memory does not grow with it


def each_row(objects: Iterable) -> Iterator:
    """The objects one by one; a queryset is read in chunks with its prefetches."""
    if isinstance(objects, QuerySet):
        return objects.iterator(chunk_size=CHUNK)
    return iter(objects)


def json_stream_response(
    exporter: Exporter, objects: Iterable, filename: str, **meta
) -> StreamingHttpResponse:
    """All rows as one JSON document, streamed row by row: {meta…, "count", "columns", "results"}."""
    count = objects.count() if isinstance(objects, QuerySet) else len(objects)

    def parts():
        yield "{\n"
        for key, value in {**meta, "count": count, "columns": exporter.header}.items():
            yield f" {json.dumps(key)}: {json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)},\n"
        yield ' "results": ['
        for index, obj in enumerate(each_row(objects)):
            yield (",\n  " if index else "\n  ") + json.dumps(
                exporter.row(obj), cls=DjangoJSONEncoder, ensure_ascii=False
            )
        yield "\n ]\n}\n"

    response = StreamingHttpResponse(parts(), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{filename}.json"'
    return response
