"""How the downloads describe themselves: a Frictionless Data Package with a Table Schema per CSV,
a CITATION.cff and a schema.org Dataset, all from the records' declarations (pledges/records.py) and
the data's own dates, so the descriptions cannot drift from the files.

The same `datapackage.json` is served at /download/datapackage.json and written into the CSV zip: its
resources' paths (`pledges.csv`) are relative, and each CSV is also served beside it
(/download/pledges.csv), so it can be read from either place.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone

from pledges.context_processors import SITE_NAME
from pledges.models import Source, data_as_of
from pledges.records import RECORDS, Field, Record

DESCRIPTION = (
    "Who in the Coalition of the Willing pledged what to Ukraine's security, with a source for every "
    "fact: pledges, roles, meetings and headline counts, each with verbatim quotes from archived source "
    "documents. A value a source does not give is left empty, never guessed."
)
KEYWORDS = (
    "Ukraine",
    "security guarantees",
    "Coalition of the Willing",
    "pledges",
    "defence",
)
LICENCE_ID = "CC-BY-4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_TITLE = "Creative Commons Attribution 4.0 International"
LICENCE_NOTE = "Quotes remain the words of their authors and publishers."
CSV_NOTE = (
    "In the CSV files, a text that begins with =, +, -, @ or a tab is written with a leading apostrophe, "
    "so that a spreadsheet does not run it as a formula."
)
PARTIAL_DATE_NOTE = (
    "Dates are written as precisely as the sources give them, ISO 8601 at reduced precision: "
    "2025-09-04 for a day, 2025-09 for a month, 2025 for a year. Such a column is typed string with a "
    "pattern, and the column named after it with _precision says day, month, year or unknown."
)


@dataclass(frozen=True)
class About:
    """What every description of the dataset says: its name, address, date and sources."""

    as_of: datetime | None
    sources: tuple[tuple[str, str], ...]  # (title, address or "") of each source document
    covers: tuple[date, date] | None  # the earliest and latest dates the sources' passages give

    @property
    def version(self) -> str | None:
        """The data's version: a release's number in its downloads, else the date the data last changed."""
        from pledges.releases import current_release

        if (release := current_release()) is not None:
            return str(release.number)
        return self.as_of.date().isoformat() if self.as_of else None

    @property
    def released(self) -> str | None:
        """The day the version was released: the release's day, else the day the data last changed."""
        from pledges.releases import current_release

        if (release := current_release()) is not None:
            return timezone.localdate(release.cut_at).isoformat()
        return self.as_of.date().isoformat() if self.as_of else None


def about_the_dataset(with_sources: bool = True) -> About:
    """Reads the as-of date, the dates the publicly cited sources cover and, unless told otherwise, their
    titles and addresses: three queries (two without the sources)."""
    sources = Source.objects.cited_publicly().order_by("pk")
    span = sources.aggregate(first=Min("covers_from"), last=Max("covers_to"))
    covers = (span["first"], span["last"]) if span["first"] and span["last"] else None
    return About(
        as_of=data_as_of(),
        sources=tuple(sources.values_list("title", "url")) if with_sources else (),
        covers=covers,
    )


def site_url(path: str = "/") -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- Table Schema ----------------------------------------------------------------------------------

TABLE_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "date"},
    "partial-date": {"type": "string"},
    "datetime": {"type": "datetime"},
    "url": {"type": "string", "format": "uri"},
}


def table_field(field: Field) -> dict:
    """One field of a Table Schema."""
    descriptor = {"name": field.name, **TABLE_TYPES[field.type], "description": field.description}
    constraints = {}
    if field.required:
        constraints["required"] = True
    if field.unique:
        constraints["unique"] = True
    if field.enum:
        constraints["enum"] = list(field.enum)
    if field.pattern:
        constraints["pattern"] = field.pattern
    if field.minimum is not None:
        constraints["minimum"] = field.minimum
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def table_schema(record: Record) -> dict:
    foreign_keys = [
        {
            "fields": list(key.fields),
            # A key into the same table names the resource "".
            "reference": {
                "resource": "" if key.record == record.name else RECORDS[key.record].table,
                "fields": list(key.reference),
            },
        }
        for key in record.foreign_keys
    ]
    schema = {
        "fields": [table_field(field) for field in record.fields],
        "missingValues": [""],
        "primaryKey": list(record.primary_key),
    }
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def data_package(about: About) -> dict:
    """The datapackage.json of the CSV download: one tabular resource per table."""
    package = {
        "profile": "tabular-data-package",
        "name": "ukraine-security-guarantees-tracker",
        "title": SITE_NAME,
        "description": f"{DESCRIPTION} {PARTIAL_DATE_NOTE} {CSV_NOTE}",
        "homepage": site_url(),
        "keywords": list(KEYWORDS),
        "licenses": [{"name": LICENCE_ID, "path": LICENCE_URL, "title": f"{LICENCE_TITLE}. {LICENCE_NOTE}"}],
        "contributors": [{"title": SITE_NAME, "path": site_url(), "role": "author"}],
        "sources": [{"title": title, **({"path": url} if url else {})} for title, url in about.sources],
        "resources": [
            {
                "name": record.table,
                "path": f"{record.table}.csv",
                "profile": "tabular-data-resource",
                "title": record.title,
                "description": record.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(record),
            }
            for record in RECORDS.values()
        ],
    }
    if about.as_of:
        package["description"] += f" Data as of {about.as_of.date().isoformat()}."
        if about.version != about.as_of.date().isoformat():
            package["description"] += f" Release {about.version}."
        package["version"] = about.version
        package["created"] = about.as_of.isoformat()  # the data as of then: a package per data version
    return package


# --- CITATION.cff ----------------------------------------------------------------------------------


def _yaml_string(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of YAML's)."""
    return json.dumps(value, ensure_ascii=False)


def citation_cff(about: About, url: str | None = None) -> str:
    """CITATION.cff (CFF 1.2.0) for the dataset; `url` is the address of the deployment, when it has one."""
    lines = [
        "cff-version: 1.2.0",
        f"message: {_yaml_string('If you use this dataset, please cite it as below.')}",
        "type: dataset",
        f"title: {_yaml_string(SITE_NAME)}",
        f"abstract: {_yaml_string(DESCRIPTION)}",
        "authors:",
        f"  - name: {_yaml_string(SITE_NAME)}",
        f"license: {LICENCE_ID}",
    ]
    if url:
        lines.append(f"url: {_yaml_string(url)}")
    if about.as_of:
        lines.append(f"version: {_yaml_string(about.version)}")
        lines.append(f"date-released: {_yaml_string(about.released)}")
    lines.append("keywords:")
    lines.extend(f"  - {_yaml_string(keyword)}" for keyword in KEYWORDS)
    return "\n".join(lines) + "\n"


# --- schema.org Dataset ----------------------------------------------------------------------------

DOWNLOADS = (
    # (route, file name, media type, what it is)
    ("pledges:download_json", "tracker.json", "application/json", "The whole dataset as one JSON file."),
    ("pledges:download_csv", "tracker-csv.zip", "application/zip", "One CSV file per table, in a zip."),
    (
        "pledges:download_datapackage",
        "datapackage.json",
        "application/json",
        "The Frictionless Data Package describing the CSV files.",
    ),
)


def schema_org_dataset(about: About) -> dict:
    """The schema.org Dataset for /download/ and /about/, with one DataDownload per download."""
    distribution = [
        {
            "@type": "DataDownload",
            "name": name,
            "description": description,
            "encodingFormat": media_type,
            "contentUrl": site_url(reverse(route)),
        }
        for route, name, media_type, description in DOWNLOADS
    ]
    distribution += [
        {
            "@type": "DataDownload",
            "name": f"{record.table}.csv",
            "description": record.description,
            "encodingFormat": "text/csv",
            "contentUrl": site_url(reverse("pledges:download_table", args=[record.table])),
        }
        for record in RECORDS.values()
    ]
    project = {"@type": "Organization", "name": SITE_NAME, "url": site_url()}
    dataset = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": SITE_NAME,
        "description": DESCRIPTION,
        "url": site_url(reverse("pledges:download")),
        "license": LICENCE_URL,
        "isAccessibleForFree": True,
        "creator": project,
        "publisher": project,
        "keywords": list(KEYWORDS),
        "spatialCoverage": {"@type": "Place", "name": "Ukraine"},
        "distribution": distribution,
    }
    if about.as_of:
        dataset["dateModified"] = about.as_of.isoformat()
        dataset["version"] = about.version
    if about.covers:
        dataset["temporalCoverage"] = f"{about.covers[0].isoformat()}/{about.covers[1].isoformat()}"
    return dataset
