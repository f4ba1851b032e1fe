"""/download/: the whole published dataset as one JSON file, or as CSV files in a zip with the Data
Package that describes them (also served on its own, beside each CSV file) and CITATION.cff."""

import base64
import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef, QuerySet, Value
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from pledges.context_processors import SITE_NAME
from pledges.datapackage import about_the_dataset, citation_cff, data_package
from pledges.exports import safe_cell
from pledges.files import built_download, file_response
from pledges.models import (
    Citation,
    HeadlineCount,
    Member,
    Membership,
    Pledge,
    PledgeType,
    ReleaseFile,
    Source,
    SourcePart,
    data_as_of,
)
from pledges.models.members import published_memberships
from pledges.models.pledges import parties_prefetch
from pledges.records import RECORDS, TYPES, Record, party_rows
from pledges.views.pages import MeetingListView

LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); quotes remain their authors'."


CHUNK = 2000  # rows read at a time: a download's memory does not grow with the data


def dataset_tables() -> dict[str, tuple[Record, Iterable]]:
    """Every published table, in the order of RECORDS: querysets read in chunks with their prefetches (a
    fixed number of queries per chunk), and the pledges' parties read from the pledges' own prefetch."""
    citations = (
        Citation.objects.published()
        .select_related("source", "part", "pledge", "membership__member", "meeting", "headline_count")
        .defer("source__text")
    )
    # A role or count names its meeting only when the meetings table has it: published and cited.
    meeting_is_public = Exists(Citation.objects.filter(meeting=OuterRef("meeting_id")))
    parties = Pledge.objects.published().prefetch_related(parties_prefetch()).order_by("pk")
    rows = {
        "members": members_table(),
        "roles": Membership.objects.public()
        .select_related("member", "meeting")
        .annotate(meeting_is_public=meeting_is_public)
        .order_by("pk"),
        "pledge_types": PledgeType.objects.all(),
        "pledges": Pledge.objects.published().for_listing().order_by("pk"),
        "pledge_parties": party_rows(rows_of(parties)),
        "sources": Source.objects.cited_publicly().with_citation_counts().order_by("pk"),
        "source_parts": SourcePart.objects.filter(source__in=Source.objects.cited_publicly())
        .select_related("source")
        .defer("source__text")
        .order_by("pk"),
        "citations": citations.order_by("pk"),
        "meetings": MeetingListView().get_queryset().order_by("pk"),
        "headline_counts": HeadlineCount.objects.public()
        .select_related("meeting")
        .annotate(meeting_is_public=meeting_is_public)
        .order_by("pk"),
    }
    return {record.table: (record, rows[record.table]) for record in RECORDS.values()}


def members_table() -> Iterator[Member]:
    """The members with public facts, then each larger group one of them is part of that has none of its
    own (no pledge, no role), so that every `part_of` names a row of the table."""
    public = Member.objects.with_public_facts()
    groups = (
        Member.objects.filter(subgroups__in=public.values("pk"))
        .exclude(pk__in=public.values("pk"))
        .distinct()
        .annotate(pledge_count=Value(0))
        .select_related("part_of")
        .prefetch_related(published_memberships())
        .order_by("name", "pk")
    )
    return chain(rows_of(public), rows_of(groups))


def rows_of(rows: Iterable) -> Iterator:
    return rows.iterator(chunk_size=CHUNK) if isinstance(rows, QuerySet) else iter(rows)


def about_the_data(request=None) -> dict:
    from pledges.releases import current_release

    as_of = data_as_of()
    release = current_release()
    if release is not None:  # a release's downloads say which release they are, and cite it
        day = timezone.localdate(release.cut_at)
        return {
            "title": SITE_NAME,
            "url": settings.SITE_URL,
            "release": release.number,
            "released_on": day.isoformat(),
            "as_of": as_of.isoformat() if as_of else None,
            "licence": LICENCE,
            "cite_as": f"{SITE_NAME}, release {release.number} ({day:%d %B %Y}), "
            f"{settings.SITE_URL}/releases/{release.number}/.",
        }
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
    about = about_the_data(request)
    # The page speaks its reader's language; the files it offers are in English (pledges.files).
    site = gettext(SITE_NAME)
    if about["as_of"]:
        day = date_format(datetime.fromisoformat(about["as_of"]), pgettext("a date in a citation", "d F Y"))
        cite_as = gettext("%(site)s, %(url)s/, data as of %(date)s.") % {
            "site": site,
            "url": settings.SITE_URL,
            "date": day,
        }
    else:
        cite_as = f"{site}, {settings.SITE_URL}/."
    licence = gettext("CC BY 4.0 (%(url)s); quotes remain their authors'.") % {
        "url": "https://creativecommons.org/licenses/by/4.0/"
    }
    about = {**about, "title": site, "cite_as": cite_as, "licence": licence}
    context = {"about": about, "records": RECORDS.values(), "types": TYPES}
    return render(request, "pledges/download.html", context)


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


def write_table_csv(record: Record, rows: Iterable, stream) -> None:
    writer = csv.writer(stream)
    writer.writerow(record.header)
    for obj in rows_of(rows):
        writer.writerow([safe_cell(value) for value in record.row(obj).values()])


def datapackage_json() -> str:
    """The Data Package describing the CSV files: three queries for its dates and sources."""
    return json.dumps(data_package(about_the_dataset()), ensure_ascii=False, indent=1) + "\n"


def build_csv_zip(path: Path) -> None:
    """One CSV per table in a zip, with a README, the Data Package describing them and CITATION.cff,
    each CSV written row by row into the archive."""
    about = about_the_data()
    dataset = about_the_dataset()
    # Each entry dated by the data, not by the clock: the same data makes the same bytes (a release's
    # checksum then says what is in it, not when it was built).
    stamp = (dataset.as_of or datetime(1980, 1, 1)).timetuple()[:6]

    def entry(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            entry("README.txt"),
            f"{about['title']}\n{about['url']}/\nData as of: {about['as_of'] or 'unknown'}\n"
            f"Licence: {about['licence']}\nCite as: {about['cite_as']}\n"
            "datapackage.json describes each CSV file (Frictionless Data Package); CITATION.cff says how to "
            "cite the dataset.\n",
        )
        archive.writestr(entry("datapackage.json"), datapackage_json())
        archive.writestr(
            entry("CITATION.cff"), citation_cff(dataset, url=f"{settings.SITE_URL.rstrip('/')}/")
        )
        for name, (record, rows) in dataset_tables().items():
            with (
                archive.open(entry(f"{name}.csv"), "w") as member,
                io.TextIOWrapper(member, "utf-8", newline="") as text,
            ):
                write_table_csv(record, rows, text)


def release_builds() -> list[tuple[str, str, object]]:
    """Every download as (name under /download/, content type, build(path)): what a release keeps."""

    def table_builder(table: str):
        def build(path: Path) -> None:
            record, rows = dataset_tables()[table]
            with path.open("w", encoding="utf-8", newline="") as out:
                write_table_csv(record, rows, out)

        return build

    return [
        ("tracker.json", "application/json", build_json),
        ("tracker-csv.zip", "application/zip", build_csv_zip),
        ("datapackage.json", "application/json", lambda path: path.write_text(datapackage_json(), "utf-8")),
        *((f"{table}.csv", "text/csv; charset=utf-8", table_builder(table)) for table in TABLES),
    ]


def stored_download(request, name: str, as_attachment: bool = False):
    """At a release: the file kept when it was cut, byte for byte; None on the live site."""
    from pledges.releases import current_release, release_file_path

    release = current_release()
    if release is None:
        return None
    stored = ReleaseFile.objects.filter(release_id=release.number, name=name).first()
    if stored is None:
        raise Http404("This release has no such file.")
    path = release_file_path(stored)
    text = not name.endswith(".zip")
    filename = f"release-{release.number}-{name}" if as_attachment else name
    response = file_response(request, path, stored.content_type, filename, as_attachment, compress=text)
    response["Digest"] = f"sha-256={base64.b64encode(bytes.fromhex(stored.sha256)).decode()}"
    return response


def download_json(request):
    if (stored := stored_download(request, "tracker.json")) is not None:
        return stored
    path = built_download("tracker", "json", build_json)
    return file_response(
        request, path, "application/json", "tracker.json", as_attachment=False, compress=True
    )


def download_csv_zip(request):
    if (stored := stored_download(request, "tracker-csv.zip", as_attachment=True)) is not None:
        return stored
    path = built_download("tracker-csv", "zip", build_csv_zip)
    stamp = timezone.now().date().isoformat()
    return FileResponse(
        path.open("rb"),
        content_type="application/zip",
        filename=f"tracker-csv-{stamp}.zip",
        as_attachment=True,
    )


def download_datapackage(request):
    """The Data Package of the CSV download; its resources are the CSV files served beside it."""
    if (stored := stored_download(request, "datapackage.json")) is not None:
        return stored
    path = built_download("datapackage", "json", lambda path: path.write_text(datapackage_json(), "utf-8"))
    return file_response(
        request, path, "application/json", "datapackage.json", as_attachment=False, compress=True
    )


TABLES = {record.table: record for record in RECORDS.values()}


def download_table(request, table: str):
    """One table of the CSV download on its own, as the Data Package's resource `table` names it."""
    if table not in TABLES:
        raise Http404("No such table.")
    if (stored := stored_download(request, f"{table}.csv")) is not None:
        return stored

    def build(path: Path) -> None:
        record, rows = dataset_tables()[table]
        with path.open("w", encoding="utf-8", newline="") as out:
            write_table_csv(record, rows, out)

    path = built_download(f"table-{table}", "csv", build)
    return file_response(
        request, path, "text/csv; charset=utf-8", f"{table}.csv", as_attachment=False, compress=True
    )
