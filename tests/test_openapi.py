"""/api/v1/openapi.json: the OpenAPI 3.1 schema of the API, generated from the code, and schemathesis
checking the API against it (every operation, valid and invalid input, bounded and reproducible)."""

from datetime import date
from decimal import Decimal

import jsonschema
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from pledges.api import shapes, views
from pledges.models import Membership
from pledges.records import PLEDGE
from tests.conftest import (
    make_citation,
    make_count,
    make_meeting,
    make_member,
    make_membership,
    make_part,
    make_pledge,
    make_source,
    make_type,
)
from tracker.wsgi import application

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/openapi.json"


def every_kind_of_fact() -> dict:
    """Published data of every kind the API answers with, and a draft of each that must stay hidden."""
    france = make_member(slug="france", name="France", country="FR", region="western-europe")
    japan = make_member(slug="japan", name="Japan", country="JP", region="asia-pacific")
    troops = make_type(slug="troops", name="Troops")
    source = make_source(slug="threads", url="https://example.org/threads")
    make_part(source, title="Thread of 10 July", dated_on=date(2025, 7, 10))
    pledge = make_pledge(
        members=[france, japan],
        pledge_type=troops,
        quantity=Decimal("1000"),
        quantity_qualifier="about",
        quantity_unit="soldiers",
        amount=Decimal("2.50"),
        currency="EUR",
        announced_on=date(2025, 7, 1),
        announced_precision="month",
        citation_source=source,
    )
    make_pledge(member=japan, status="ruled-out", conditions="", note="")
    make_pledge(member=france, is_published=False, summary="A draft.")
    make_membership(france, role=Membership.Role.GUARANTOR, since=date(2025, 3, 2), since_precision="day")
    meeting = make_meeting(slug="paris-summit")
    meeting.hosts.add(france)
    make_count(slug="thirty-five", meeting=meeting, qualifier="at-least")
    make_count(slug="draft-count", is_published=False)
    make_citation(make_meeting(slug="draft-meeting", is_published=False))
    return {"pledge": pledge, "source": source, "meeting": meeting}


@pytest.fixture
def api_schema():
    """The schema as the app serves it, loaded through the WSGI application, with data behind it.

    As Django's test client does, requests keep the test's database connection (and its transaction)
    rather than closing it when they finish."""
    every_kind_of_fact()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def document(client) -> dict:
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


# Bounded and reproducible: the same examples on every run (derandomize), a few per operation and
# mode, and no shrinking (a failure is reported as found).
BOUNDED = settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_every_operation_answers_as_the_schema_says(api_schema):
    """schemathesis on every operation, with valid input and with invalid input.

    Never a 500; the status, the content type, the headers and the body match the schema; invalid
    input (a bad boolean, a date that is not one, a value outside an enum) is refused with a 400.
    Valid-looking slugs that name nothing are a documented 400, so "valid input is accepted" is left
    out: the schema cannot know which slugs exist."""
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @BOUNDED
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                case.call_and_validate(
                    # The WSGI client does not decompress: ask for the answer as it is.
                    headers={"Accept-Encoding": "identity"},
                    excluded_checks=[schemathesis.checks.positive_data_acceptance],
                )

            try:
                check()
            except Unsatisfiable:
                # No invalid input exists: the index takes no parameter.
                assert mode == GenerationMode.NEGATIVE and not operation.query, operation.label
            except Exception as error:  # noqa: BLE001 (every operation is checked, then all are reported)
                failures.append(f"{operation.label} ({mode.value}): {error}")
    assert not failures, "\n\n".join(failures)


# --- The document ----------------------------------------------------------------------------------


def test_the_schema_is_openapi_3_1_and_lists_every_list_and_detail(document):
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "Pledge tracker API"
    expected = {"/api/v1/"}
    for segment, key in (
        ("members", "{slug}"),
        ("pledge-types", "{slug}"),
        ("pledges", "{pk}"),
        ("sources", "{slug}"),
        ("citations", "{pk}"),
        ("meetings", "{slug}"),
        ("counts", "{slug}"),
    ):
        expected |= {f"/api/v1/{segment}/", f"/api/v1/{segment}/{key}/"}
    assert set(document["paths"]) == expected
    for path, item in document["paths"].items():
        assert set(item) == {"get"}, path
        responses = item["get"]["responses"]
        assert {"200", "304", "405"} <= set(responses), path
        assert responses["405"]["headers"]["Allow"]
        if path.endswith("}/"):
            assert responses["404"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/NotFound"
            }
        assert "400" in responses, path  # every operation takes ?lang=, and a bad one is a 400


def parameters(document, path: str) -> dict[str, dict]:
    return {p["name"]: p for p in document["paths"][path]["get"]["parameters"]}


def test_every_pledge_filter_is_documented_with_its_type_and_values(document):
    found = parameters(document, "/api/v1/pledges/")
    assert list(found) == [
        "type",
        "status",
        "member",
        "region",
        "announced_after",
        "announced_before",
        "source",
        "has_quantity",
        "has_money",
        "q",
        "ordering",
        "page",
        "page_size",
        "release",
        "lang",
    ]
    assert found["lang"]["schema"] == {"type": "string", "enum": ["en", "uk"]}
    assert found["status"]["schema"] == {
        "type": "array",
        "items": {"type": "string", "enum": list(PLEDGE.field("status").enum)},
    }
    assert (found["status"]["style"], found["status"]["explode"]) == ("form", True)
    assert (
        found["type"]["schema"]["type"] == "array" and "/api/v1/pledge-types/" in found["type"]["description"]
    )
    assert found["has_money"]["schema"] == {"type": "boolean"}
    assert "is a 400" in found["has_money"]["description"]
    assert found["announced_after"]["schema"] == {"type": "string", "format": "date"}
    assert found["q"]["schema"] == {"type": "string", "maxLength": 200}
    assert found["region"]["schema"]["enum"][:2] == ["northern-europe", "western-europe"]
    ordering = found["ordering"]["schema"]["pattern"]
    assert ordering == "^-?(announced|type|status|updated)(,-?(announced|type|status|updated))*$"
    assert found["page_size"]["schema"] == {"type": "integer", "minimum": 1}
    assert "500" in found["page_size"]["description"]


def test_the_other_lists_document_their_filters(document):
    assert list(parameters(document, "/api/v1/members/")) == [
        "kind", "region", "type", "status", "guarantor", "ordering", "page", "page_size", "release", "lang",
    ]  # fmt: skip
    assert parameters(document, "/api/v1/members/")["guarantor"]["schema"] == {"type": "boolean"}
    assert list(parameters(document, "/api/v1/sources/")) == [
        "kind", "q", "ordering", "page", "page_size", "release", "lang",
    ]  # fmt: skip
    assert list(parameters(document, "/api/v1/meetings/")) == [
        "host", "held_after", "held_before", "page", "page_size", "release", "lang",
    ]  # fmt: skip
    assert list(parameters(document, "/api/v1/counts/")) == ["page", "page_size", "release", "lang"]
    assert parameters(document, "/api/v1/pledges/{pk}/")["pk"]["schema"]["type"] == "integer"


def test_the_error_bodies_and_the_page_are_documented(document):
    components = document["components"]["schemas"]
    bad = document["paths"]["/api/v1/pledges/"]["get"]["responses"]["400"]["content"]["application/json"]
    assert bad["schema"]["anyOf"] == [
        {"$ref": "#/components/schemas/BadParameters"},
        {"$ref": "#/components/schemas/NulRejected"},
    ]
    assert components["BadParameters"]["properties"]["errors"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }
    assert components["NotFound"]["required"] == ["error"]
    page = components["PledgePage"]
    assert page["required"] == [
        "language", "answered_from", "release", "count", "page", "page_size", "next", "previous", "results",
    ]  # fmt: skip
    assert page["properties"]["next"]["type"] == ["string", "null"]
    assert page["properties"]["results"]["items"] == {"$ref": "#/components/schemas/Pledge"}


def test_record_fields_are_described_as_the_records_declare_them(document):
    pledge = document["components"]["schemas"]["Pledge"]
    status = pledge["properties"]["status"]
    assert status["description"] == PLEDGE.field("status").description
    assert status["enum"] == list(PLEDGE.field("status").enum)
    assert pledge["properties"]["is_stance"]["description"] == PLEDGE.field("stance").description
    assert pledge["properties"]["currency"]["enum"][-1] is None  # null when no amount is given
    assert pledge["properties"]["quantity"]["pattern"] == r"^-?[0-9]+(\.[0-9]+)?$"
    assert set(pledge["required"]) == set(pledge["properties"]) == {k.name for k in shapes.PLEDGE_SHAPE.keys}
    assert pledge["additionalProperties"] is False
    supports = document["components"]["schemas"]["Citation"]["properties"]["supports"]
    assert supports["discriminator"]["propertyName"] == "kind"
    assert len(supports["oneOf"]) == 4


def test_answers_validate_against_the_schema(client, document):
    facts = every_kind_of_fact()
    components = {"components": document["components"]}

    def check(path: str, url: str, status: int = 200):
        response = client.get(url)
        assert response.status_code == status, response.content
        operation = document["paths"][path]["get"]["responses"][str(status)]
        body_schema = operation["content"]["application/json"]["schema"]
        jsonschema.validate(
            response.json(),
            {**body_schema, **components},
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )

    for name, path in (
        ("index", "/api/v1/"),
        ("member_list", "/api/v1/members/"),
        ("pledge_type_list", "/api/v1/pledge-types/"),
        ("pledge_list", "/api/v1/pledges/"),
        ("source_list", "/api/v1/sources/"),
        ("citation_list", "/api/v1/citations/"),
        ("meeting_list", "/api/v1/meetings/"),
        ("count_list", "/api/v1/counts/"),
    ):
        check(path, reverse(f"pledges:api:{name}"))
    check("/api/v1/pledges/{pk}/", reverse("pledges:api:pledge_detail", args=[facts["pledge"].pk]))
    check("/api/v1/sources/{slug}/", reverse("pledges:api:source_detail", args=["threads"]))
    check("/api/v1/members/{slug}/", reverse("pledges:api:member_detail", args=["france"]))
    check("/api/v1/meetings/{slug}/", reverse("pledges:api:meeting_detail", args=["paris-summit"]))
    check("/api/v1/counts/{slug}/", reverse("pledges:api:count_detail", args=["thirty-five"]))
    check("/api/v1/pledges/", reverse("pledges:api:pledge_list") + "?has_money=maybe", 400)
    check("/api/v1/pledges/{pk}/", reverse("pledges:api:pledge_detail", args=[424242]), 404)


def test_the_schema_names_the_api_at_its_own_address_whatever_the_language(client, monkeypatch):
    monkeypatch.setattr(views, "_schema", None)  # made afresh, first asked for under /uk/
    response = client.get("/uk" + SCHEMA_URL)
    assert response.status_code == 200
    assert {path.split("/")[1] for path in response.json()["paths"]} == {"api"}
    assert client.get(SCHEMA_URL).json() == response.json()


def test_the_index_links_the_schema(client):
    body = client.get(reverse("pledges:api:index")).json()
    assert body["schema_url"] == "http://testserver/api/v1/openapi.json"


def test_the_schema_is_cacheable_and_read_only(client):
    make_pledge()
    first = client.get(SCHEMA_URL)
    assert first["ETag"] and first["Last-Modified"]
    assert "public" in first["Cache-Control"]
    assert client.get(SCHEMA_URL, headers={"If-None-Match": first["ETag"]}).status_code == 304
    refused = client.post(SCHEMA_URL)
    assert refused.status_code == 405 and refused["Allow"] == "GET, HEAD, OPTIONS"
