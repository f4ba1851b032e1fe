"""/download/: the whole published dataset as one JSON file, or as CSV files in a zip."""

import csv
import io
import zipfile

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pledges.context_processors import SITE_NAME
from pledges.exports import (
    MEETINGS,
    MEMBERS,
    PLEDGES,
    SOURCES,
    Exporter,
    json_response,
    safe_cell,
)
from pledges.models import Citation, HeadlineCount, Member, Pledge, PledgeType, Source, SourcePart, data_as_of
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
        ("as_of", lambda c: c.as_of.isoformat() if c.as_of else None),
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
        ("dated_on", lambda p: p.dated_on.isoformat() if p.dated_on else None),
        ("dated_precision", lambda p: p.dated_precision),
        ("note", lambda p: p.note or None),
    )
)

CITATIONS = Exporter(
    (
        ("id", lambda c: c.pk),
        ("source", lambda c: c.source.slug),
        ("part", lambda c: c.part.position if c.part_id else None),
        ("part_dated_on", lambda c: c.part.dated_on.isoformat() if c.part_id and c.part.dated_on else None),
        ("part_dated_precision", lambda c: c.part.dated_precision if c.part_id else None),
        ("quote", lambda c: c.quote),
        ("locator", lambda c: c.locator or None),
        ("note", lambda c: c.note or None),
        ("fact_kind", lambda c: _fact(c)[0]),
        ("fact", lambda c: _fact(c)[1]),
        ("pledge_id", lambda c: c.pledge_id),
    )
)


def dataset_tables() -> dict[str, tuple[Exporter, list]]:
    """Every published table, in a fixed number of queries."""
    citations = (
        Citation.objects.published()
        .select_related("source", "part", "pledge", "membership__member", "meeting", "headline_count")
        .defer("source__text")
    )
    return {
        "members": (MEMBERS, list(Member.objects.with_public_facts())),
        "pledge_types": (TYPES, list(PledgeType.objects.all())),
        "pledges": (
            PLEDGES,
            list(Pledge.objects.published().for_listing().order_by("pk")),
        ),
        "sources": (
            SOURCES,
            list(Source.objects.cited_publicly().with_citation_counts()),
        ),
        "source_parts": (
            PARTS,
            list(
                SourcePart.objects.filter(source__in=Source.objects.cited_publicly()).select_related("source")
            ),
        ),
        "citations": (CITATIONS, list(citations.order_by("pk"))),
        "meetings": (MEETINGS, list(MeetingListView().get_queryset())),
        "headline_counts": (
            COUNTS,
            list(HeadlineCount.objects.public().select_related("meeting")),
        ),
    }


def about_the_data(request) -> dict:
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


def download_json(request):
    document = {
        **about_the_data(request),
        **{name: [exporter.row(obj) for obj in rows] for name, (exporter, rows) in dataset_tables().items()},
    }
    return json_response(document, "tracker")


def download_csv_zip(request):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        about = about_the_data(request)
        archive.writestr(
            "README.txt",
            f"{about['title']}\n{about['url']}/\nData as of: {about['as_of'] or 'unknown'}\n"
            f"Licence: {about['licence']}\nCite as: {about['cite_as']}\n",
        )
        for name, (exporter, rows) in dataset_tables().items():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(exporter.header)
            for obj in rows:
                writer.writerow([safe_cell(value) for value in exporter.row(obj).values()])
            archive.writestr(f"{name}.csv", text.getvalue())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    stamp = timezone.now().date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="tracker-csv-{stamp}.zip"'
    return response
