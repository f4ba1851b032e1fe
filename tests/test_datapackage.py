"""The downloads describe themselves: a Frictionless Data Package that frictionless validates, with a
table schema per CSV that matches its header, CITATION.cff, and a schema.org Dataset on /download/ and
/about/. The list exports keep their columns."""

import csv
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import frictionless
import pytest
import yaml
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from pledges.datapackage import about_the_dataset, citation_cff
from pledges.models import Pledge, Source, data_as_of
from pledges.records import RECORDS
from pledges.templatetags.structured_data import json_ld
from tests.conftest import body_of, json_of, make_member, make_pledge, text_of

pytestmark = pytest.mark.django_db

REPOSITORY_CITATION = Path(django_settings.BASE_DIR) / "CITATION.cff"


@pytest.fixture
def dataset(db, settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    call_command("load_dataset", stdout=io.StringIO())


def unzipped(client, directory: Path) -> Path:
    response = client.get(reverse("pledges:download_csv"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(body_of(response))) as archive:
        archive.extractall(directory)
    return directory


def errors_of(report: frictionless.Report) -> list:
    return report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])


# The Data Package


def test_the_csv_zip_holds_a_data_package_that_frictionless_validates(client, dataset, tmp_path):
    directory = unzipped(client, tmp_path / "zip")
    report = frictionless.validate(directory / "datapackage.json")
    assert errors_of(report) == []
    assert report.valid
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    assert {resource["path"] for resource in package["resources"]} == {
        path.name for path in directory.glob("*.csv")
    }


def test_frictionless_reads_and_validates_the_zip_itself(client, dataset, tmp_path):
    """What a user runs on the file they downloaded: `frictionless validate tracker-csv.zip`."""
    archive = tmp_path / "tracker-csv.zip"
    archive.write_bytes(body_of(client.get(reverse("pledges:download_csv"))))
    package = frictionless.Package(archive)
    assert [resource.name for resource in package.resources] == [r.table for r in RECORDS.values()]
    report = frictionless.validate(archive)
    assert errors_of(report) == []
    assert report.valid


def test_the_served_data_package_validates_with_the_csv_files_served_beside_it(
    live_server, settings, tmp_path
):
    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    call_command("load_dataset", stdout=io.StringIO())
    report = frictionless.validate(f"{live_server.url}{reverse('pledges:download_datapackage')}")
    assert errors_of(report) == []
    assert report.valid
    assert len(report.tasks) == len(RECORDS)
    assert all(task.stats["rows"] > 0 for task in report.tasks)


def test_each_table_schema_lists_exactly_the_columns_of_its_csv_file(client, dataset, tmp_path):
    directory = unzipped(client, tmp_path / "zip")
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        with (directory / resource["path"]).open(encoding="utf-8", newline="") as csv_file:
            header = next(csv.reader(csv_file))
        assert [field["name"] for field in resource["schema"]["fields"]] == header, resource["name"]
        served = client.get(reverse("pledges:download_table", args=[resource["name"]]))
        assert body_of(served) == (directory / resource["path"]).read_bytes()


def test_the_data_package_is_the_same_served_and_in_the_zip(client, dataset, tmp_path):
    directory = unzipped(client, tmp_path / "zip")
    served = client.get(reverse("pledges:download_datapackage"))
    assert served["Content-Type"].startswith("application/json")
    assert body_of(served) == (directory / "datapackage.json").read_bytes()


def test_the_data_package_names_licence_sources_version_and_keys(client, dataset):
    package = json_of(client.get(reverse("pledges:download_datapackage")))
    as_of = data_as_of()
    assert package["version"] == as_of.date().isoformat()
    assert package["created"] == as_of.isoformat()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    # The five source documents; none has a known address, so none is given one.
    documents = Source.objects.cited_publicly().order_by("pk")
    assert package["sources"] == [{"title": source.title} for source in documents]
    assert len(package["sources"]) == 5
    schemas = {resource["name"]: resource["schema"] for resource in package["resources"]}
    assert schemas["pledges"]["primaryKey"] == ["id"]
    assert schemas["source_parts"]["primaryKey"] == ["source", "position"]
    assert {"fields": ["type"], "reference": {"resource": "pledge_types", "fields": ["slug"]}} in schemas[
        "pledges"
    ]["foreignKeys"]
    assert {"fields": ["member"], "reference": {"resource": "members", "fields": ["slug"]}} in schemas[
        "pledge_parties"
    ]["foreignKeys"]
    assert all(schema["missingValues"] == [""] for schema in schemas.values())


def test_a_date_known_to_the_month_is_written_as_a_month_and_its_column_is_no_date_column(
    client, db, settings, tmp_path
):
    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    from datetime import date

    make_pledge(announced_on=date(2024, 7, 1), announced_precision="month")
    directory = unzipped(client, tmp_path / "zip")
    with (directory / "pledges.csv").open(encoding="utf-8", newline="") as csv_file:
        row = next(csv.DictReader(csv_file))
    assert (row["announced_on"], row["announced_precision"]) == ("2024-07", "month")
    schema = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    pledges = next(resource for resource in schema if resource["name"] == "pledges")["schema"]
    announced = next(field for field in pledges["fields"] if field["name"] == "announced_on")
    assert announced["type"] == "string"
    pattern = re.compile(announced["constraints"]["pattern"])
    assert all(pattern.match(value) for value in ("2024", "2024-07", "2024-07-01"))
    assert not pattern.match("2024-07-01T00:00") and not pattern.match("July 2024")
    report = frictionless.validate(directory / "datapackage.json")
    assert errors_of(report) == []


def test_a_row_that_breaks_its_schema_fails_validation(client, dataset, tmp_path):
    """The schemas say something: a status outside the ladder or a party that is no member is caught."""
    directory = unzipped(client, tmp_path / "zip")
    pledges = (directory / "pledges.csv").read_text(encoding="utf-8")
    (directory / "pledges.csv").write_text(pledges.replace(",committed,", ",promised,", 1), encoding="utf-8")
    parties = (directory / "pledge_parties.csv").read_text(encoding="utf-8").splitlines()
    parties[1] = re.sub(r"^(\d+),[^,]+,", r"\1,atlantis,", parties[1])
    (directory / "pledge_parties.csv").write_text("\r\n".join(parties) + "\r\n", encoding="utf-8")
    report = frictionless.validate(directory / "datapackage.json")
    kinds = {error[3] for error in errors_of(report)}
    assert kinds == {"constraint-error", "foreign-key"}


# CITATION.cff

CFF_REQUIRED = {"cff-version", "message", "title", "authors"}
# The top-level keys CFF 1.2.0 allows (its schema forbids any other).
CFF_KEYS = CFF_REQUIRED | {
    "abstract", "commit", "contact", "date-released", "doi", "identifiers", "keywords", "license",
    "license-url", "preferred-citation", "references", "repository", "repository-artifact",
    "repository-code", "type", "url", "version",
}  # fmt: skip


def assert_valid_cff(text: str) -> dict:
    """The rules of the CFF 1.2.0 schema for the keys these files use."""
    cff = yaml.safe_load(text)
    assert CFF_REQUIRED <= cff.keys() <= CFF_KEYS
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] in ("dataset", "software")
    assert all(isinstance(cff[key], str) and cff[key] for key in ("message", "title", "abstract"))
    assert cff["authors"] and all(author.keys() == {"name"} and author["name"] for author in cff["authors"])
    assert isinstance(cff["date-released"], str)  # a YAML date would be read as a date, not a string
    assert re.fullmatch(r"[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])", cff["date-released"])
    assert isinstance(cff["version"], str) and cff["version"]
    assert len(set(cff["keywords"])) == len(cff["keywords"]) and all(cff["keywords"])
    assert "url" not in cff or re.match(r"^(https|http|ftp|sftp)://.+", cff["url"])
    return cff


def test_the_zip_holds_a_citation_file_naming_the_dataset_its_licence_and_date(client, dataset, tmp_path):
    directory = unzipped(client, tmp_path / "zip")
    cff = assert_valid_cff((directory / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["type"] == "dataset"
    assert cff["license"] == "CC-BY-4.0"
    assert cff["authors"] == [{"name": "Ukraine security guarantees tracker"}]
    assert cff["date-released"] == cff["version"] == data_as_of().date().isoformat()
    assert cff["url"] == f"{django_settings.SITE_URL}/"


def test_the_repository_citation_file_matches_the_shipped_dataset(dataset):
    """CITATION.cff in the repository is the shipped data's own (without a deployment's address): a
    change of the dataset's date shows here until the file is written again from citation_cff()."""
    on_disk = REPOSITORY_CITATION.read_text(encoding="utf-8")
    assert_valid_cff(on_disk)
    assert on_disk == citation_cff(about_the_dataset())


# schema.org Dataset


class JsonLdBlocks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            assert dict(attrs).get("type") == "application/ld+json", "only data blocks, never scripts"
            self.inside = True
            self.blocks.append("")

    def handle_endtag(self, tag):
        self.inside = tag != "script" and self.inside

    def handle_data(self, data):
        if self.inside:
            self.blocks[-1] += data


def datasets_on(client, url: str) -> list[dict]:
    parser = JsonLdBlocks()
    parser.feed(body_of(client.get(url)).decode())
    return [block for block in map(json.loads, parser.blocks) if block.get("@type") == "Dataset"]


@pytest.mark.parametrize("page", ["pledges:download", "pledges:about"])
def test_the_download_and_about_pages_describe_the_dataset_with_every_download(client, dataset, page):
    (dataset_ld,) = datasets_on(client, reverse(page))
    assert dataset_ld["@context"] == "https://schema.org"
    assert dataset_ld["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset_ld["isAccessibleForFree"] is True
    assert dataset_ld["spatialCoverage"]["name"] == "Ukraine"
    assert dataset_ld["dateModified"] == data_as_of().isoformat()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}", dataset_ld["temporalCoverage"])
    urls = {item["contentUrl"]: item["encodingFormat"] for item in dataset_ld["distribution"]}
    site = django_settings.SITE_URL
    downloads = {
        reverse("pledges:download_json"): "application/json",
        reverse("pledges:download_csv"): "application/zip",
        reverse("pledges:download_datapackage"): "application/json",
        **{reverse("pledges:download_table", args=[r.table]): "text/csv" for r in RECORDS.values()},
    }
    assert urls == {site + path: media for path, media in downloads.items()}
    for path in downloads:
        assert client.get(path).status_code == 200, path


def test_a_json_ld_block_escapes_what_would_close_it_and_still_reads_as_the_same_json():
    hostile = {"name": "</script><script>alert(1)</script> & <!-- <b>"}
    html = str(json_ld(hostile))
    assert html.startswith('<script type="application/ld+json">') and html.count("<") == 2
    parser = JsonLdBlocks()
    parser.feed(html)
    assert [json.loads(block) for block in parser.blocks] == [hostile]


# The list exports keep their columns

EXPORT_HEADERS = {
    "pledges:pledge_list": [
        "id", "ref", "members", "member_names", "member_names_uk", "lead_kind", "country_codes", "type",
        "status", "stance", "summary", "summary_uk", "conditions", "conditions_uk", "announced_on",
        "announced_precision", "reported_on", "reported_precision", "quantity_qualifier", "quantity",
        "quantity_unit", "quantity_unit_uk", "amount_qualifier", "amount", "currency", "note", "note_uk",
        "updated_at", "sources", "citations",
    ],
    "pledges:member_list": [
        "slug", "name", "name_uk", "kind", "part_of", "country_code", "region", "roles", "pledges",
    ],
    "pledges:source_list": [
        "slug", "title", "language", "publisher", "kind", "url", "published_on", "seen_on", "citations",
    ],
    "pledges:meeting_list": [
        "slug", "title", "title_uk", "held_on", "held_precision", "place", "place_uk", "format", "hosts",
        "agreed", "agreed_uk",
    ],
}  # fmt: skip


@pytest.mark.parametrize("page", EXPORT_HEADERS)
def test_list_exports_keep_their_columns_in_csv_and_json(client, dataset, page):
    csv_body = body_of(client.get(reverse(page), {"format": "csv"})).decode("utf-8")
    rows = list(csv.reader(io.StringIO(csv_body)))
    assert rows[0] == EXPORT_HEADERS[page]
    assert len(rows) > 1
    document = json_of(client.get(reverse(page), {"format": "json"}))
    assert document["columns"] == EXPORT_HEADERS[page]
    assert list(document["results"][0]) == EXPORT_HEADERS[page]
    assert document["count"] == len(rows) - 1


def test_the_full_json_download_has_every_table_with_the_records_columns(client, dataset):
    document = json.loads(body_of(client.get(reverse("pledges:download_json"))))
    for record in RECORDS.values():
        assert document[record.table], record.table
        assert list(document[record.table][0]) == record.header
    assert len(document["pledges"]) == Pledge.objects.published().count()
    assert document["pledge_parties"][0] == {
        "pledge": document["pledges"][0]["id"],
        "member": document["pledges"][0]["members"].split()[0],
        "position": 1,
        "lead": True,
    }


def test_a_group_that_an_unnamed_group_is_part_of_is_in_the_members_table(client, db, settings, tmp_path):
    settings.DOWNLOADS_DIR = tmp_path / "downloads"
    europe = make_member(slug="europe", name="Europe", kind="bloc", country="")
    unnamed = make_member(slug="ten-countries", name="About 10 countries", kind="unnamed-group", country="")
    unnamed.part_of = europe
    unnamed.save()
    make_pledge(member=unnamed)
    directory = unzipped(client, tmp_path / "zip")
    with (directory / "members.csv").open(encoding="utf-8", newline="") as csv_file:
        members = {row["slug"]: row for row in csv.DictReader(csv_file)}
    assert members["ten-countries"]["part_of"] == "europe"
    assert (members["europe"]["pledges"], members["europe"]["roles"]) == ("0", "")
    report = frictionless.validate(directory / "datapackage.json")
    assert errors_of(report) == []


def test_the_download_page_lists_every_download_and_documents_every_column(client, dataset):
    response = client.get(reverse("pledges:download"))
    html = response.content.decode()
    for path in (
        reverse("pledges:download_json"),
        reverse("pledges:download_csv"),
        reverse("pledges:download_datapackage"),
        *(reverse("pledges:download_table", args=[record.table]) for record in RECORDS.values()),
    ):
        assert f'href="{path}"' in html, path
    text = text_of(response)
    for record in RECORDS.values():
        section = text.split(f"( {record.table} )", 1)[1]
        for field in record.fields:
            assert f"{field.name} {field.type} {'yes' if field.required else 'no'} {field.description}" in (
                section
            ), (record.table, field.name)
    assert (
        "One of: proposed , willing , committed , delivered , ruled-out , reservations , not-offered ."
        in text
    )
