"""CSV and JSON exports of the list pages, written from the records' declarations (pledges/records.py).

Each record names its fields once; the CSV header and the JSON keys are those names, so both formats
carry the same data, and the downloads and their table schemas the same columns. Unknown values stay
empty in CSV and null in JSON, never guessed.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from pledges.models import Meeting, Member, Pledge, Source
from pledges.records import RECORDS, Record

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


# The list pages' exports and the downloads write the records' own fields (pledges/records.py).
Exporter = Record
PLEDGES = RECORDS["pledge"]
MEMBERS = RECORDS["member"]
SOURCES = RECORDS["source"]
MEETINGS = RECORDS["meeting"]

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
