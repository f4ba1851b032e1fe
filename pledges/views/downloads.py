"""/download/: the whole published dataset as one JSON file, or as CSV files in a zip."""

import csv
import io
import json
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone

from pledges.context_processors import SITE_NAME
from pledges.exports import (
    MEETINGS,
    MEMBERS,
    PLEDGES,
    SOURCES,
    Exporter,
    safe_cell,
)
from pledges.files import built_download
from pledges.models import (
    Citation,
    HeadlineCount,
    Member,
    Pledge,
    PledgeType,
    Source,
    SourcePart,
    data_as_of,
    iso_partial_date,
)
from pledges.views.pages import MeetingListView

LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); quotes remain their authors'."

TYPES = Exporter(
    (
        ("slug", lambda t: t.slug),
        ("name", lambda t: t.name),
        ("description", lambda t: t.description or None),
        ("order", lambda t: t.order),
    )
)

COUNTS = Exporter(
    (
        ("slug", lambda c: c.slug),
        ("number", lambda c: c.number),
        ("qualifier", lambda c: c.qualifier or None),
        ("counts", lambda c: c.counts),
        ("kind", lambda c: c.kind),
        ("as_of", lambda c: iso_partial_date(c.as_of, c.as_of_precision) or None),
        ("as_of_precision", lambda c: c.as_of_precision),
        ("meeting", lambda c: c.meeting.slug if c.meeting else None),
    )
)


def _fact(citation: Citation) -> tuple[str, str]:
    target = citation.target
    return target._meta.model_name, "/".join(target.natural_key())


PARTS = Exporter(
    (
        ("source", lambda p: p.source.slug),
        ("position", lambda p: p.position),
        ("title", lambda p: p.title),
        ("dated_on", lambda p: iso_partial_date(p.dated_on, p.dated_precision) or None),
        ("dated_precision", lambda p: p.dated_precision),
        ("note", lambda p: p.note or None),
    )
)

CITATIONS = Exporter(
    (
        ("id", lambda c: c.pk),
        ("source", lambda c: c.source.slug),
        ("part", lambda c: c.part.position if c.part_id else None),
        (
            "part_dated_on",
            lambda c: (
                iso_partial_date(c.part.dated_on, c.part.dated_precision) or None if c.part_id else None
            ),
        ),
        ("part_dated_precision", lambda c: c.part.dated_precision if c.part_id else None),
        ("quote", lambda c: c.quote),
        ("locator", lambda c: c.locator or None),
        ("note", lambda c: c.note or None),
        ("fact_kind", lambda c: _fact(c)[0]),
        ("fact", lambda c: _fact(c)[1]),
        ("pledge_id", lambda c: c.pledge_id),
    )
)


CHUNK = 2000  # rows read at a time: a download's memory does not grow with the data


def dataset_tables() -> dict[str, tuple[Exporter, QuerySet]]:
    """Every published table as a queryset, read in chunks with its prefetches (a fixed number of queries
    per chunk)."""
    citations = (
        Citation.objects.published()
        .select_related("source", "part", "pledge", "membership__member", "meeting", "headline_count")
        .defer("source__text")
    )
    return {
        "members": (MEMBERS, Member.objects.with_public_facts()),
        "pledge_types": (TYPES, PledgeType.objects.all()),
        "pledges": (PLEDGES, Pledge.objects.published().for_listing().order_by("pk")),
        "sources": (SOURCES, Source.objects.cited_publicly().with_citation_counts().order_by("pk")),
        "source_parts": (
            PARTS,
            SourcePart.objects.filter(source__in=Source.objects.cited_publicly())
            .select_related("source")
            .defer("source__text")
            .order_by("pk"),
        ),
        "citations": (CITATIONS, citations.order_by("pk")),
        "meetings": (MEETINGS, MeetingListView().get_queryset().order_by("pk")),
        "headline_counts": (COUNTS, HeadlineCount.objects.public().select_related("meeting").order_by("pk")),
    }


def rows_of(queryset: QuerySet):
    return queryset.iterator(chunk_size=CHUNK)


def about_the_data(request=None) -> dict:
    as_of = data_as_of()
    return {
        "title": SITE_NAME,
        "url": settings.SITE_URL,
        "as_of": as_of.isoformat() if as_of else None,
        "licence": LICENCE,
        "cite_as": f"{SITE_NAME}, {settings.SITE_URL}/, data as of {as_of:%d %B %Y}."
        if as_of
        else f"{SITE_NAME}, {settings.SITE_URL}/.",
    }


def download_page(request):
    return render(request, "pledges/download.html", {"about": about_the_data(request)})


def build_json(path: Path) -> None:
    """The whole dataset as one JSON document, written row by row."""
    about = about_the_data()
    with path.open("w", encoding="utf-8") as out:
        out.write("{\n")
        for key, value in about.items():
            out.write(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
        tables = list(dataset_tables().items())
        for number, (name, (exporter, rows)) in enumerate(tables):
            out.write(f" {json.dumps(name)}: [")
            for index, obj in enumerate(rows_of(rows)):
                out.write(",\n  " if index else "\n  ")
                out.write(json.dumps(exporter.row(obj), cls=DjangoJSONEncoder, ensure_ascii=False))
            out.write("\n ]" + ("," if number < len(tables) - 1 else "") + "\n")
        out.write("}\n")


def build_csv_zip(path: Path) -> None:
    """One CSV per table in a zip, with a README, each written row by row into the archive."""
    about = about_the_data()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            f"{about['title']}\n{about['url']}/\nData as of: {about['as_of'] or 'unknown'}\n"
            f"Licence: {about['licence']}\nCite as: {about['cite_as']}\n",
        )
        for name, (exporter, rows) in dataset_tables().items():
            with (
                archive.open(f"{name}.csv", "w") as member,
                io.TextIOWrapper(member, "utf-8", newline="") as text,
            ):
                writer = csv.writer(text)
                writer.writerow(exporter.header)
                for obj in rows_of(rows):
                    writer.writerow([safe_cell(value) for value in exporter.row(obj).values()])


def download_json(request):
    path = built_download("tracker", "json", build_json)
    return FileResponse(
        path.open("rb"), content_type="application/json", filename="tracker.json", as_attachment=False
    )


def download_csv_zip(request):
    path = built_download("tracker-csv", "zip", build_csv_zip)
    stamp = timezone.now().date().isoformat()
    return FileResponse(
        path.open("rb"),
        content_type="application/zip",
        filename=f"tracker-csv-{stamp}.zip",
        as_attachment=True,
    )
