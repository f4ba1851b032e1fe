"""Pydantic models generated from the API's shapes (pledges/api/shapes.py), and the envelopes around them.

django-ninja validates every answer against these models and generates the OpenAPI schema from them,
so what is sent and what is documented come from the same declarations. Each key's JSON Schema is
written out in full from its declaration (type, null or not, format, pattern, allowed values,
description); pydantic checks the Python type of each value as the answer is built.
"""

from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model

from pledges.api.shapes import Key, Shape
from pledges.negotiation import languages
from pledges.records import TYPES

PYTHON_TYPES = {"integer": int, "boolean": bool}  # every other type is sent as a string
JSON_TYPES = {"integer": "integer", "boolean": "boolean"}
FORMATS = {"date": "date", "datetime": "date-time", "url": "uri"}
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


def value_schema(key: Key) -> dict[str, Any]:
    """The JSON Schema of a key holding a plain value, from its declaration."""
    json_type = JSON_TYPES.get(key.type, "string")
    schema: dict[str, Any] = {"type": json_type if key.required else [json_type, "null"]}
    schema["description"] = key.description
    if key.type == "decimal":
        schema["description"] += f" {TYPES['decimal'][0].upper()}{TYPES['decimal'][1:]}."
    if key.type in FORMATS:
        schema["format"] = FORMATS[key.type]
    if pattern := key.pattern or (DECIMAL_PATTERN if key.type == "decimal" else ""):
        schema["pattern"] = pattern
    if key.constant is not None:
        schema["const"] = key.constant
    elif key.enum:
        schema["enum"] = [*key.enum] if key.required else [*key.enum, None]
    if key.minimum is not None:
        schema["minimum"] = key.minimum
    return schema


def annotation(key: Key) -> Any:
    if key.constant is not None:
        kind = Literal[key.constant]
        return Annotated[kind, WithJsonSchema(value_schema(key))]
    if isinstance(key.shape, tuple):
        union = Union[tuple(model(shape) for shape in key.shape)]  # noqa: UP007 (built from a tuple)
        return Annotated[union, Field(discriminator="kind", description=key.description)]
    if key.shape is None and key.many:  # a list of plain strings (the keys not translated yet)
        return Annotated[list[str], Field(description=key.description)]
    if key.shape is not None:
        nested = model(key.shape)
        if key.many:
            return Annotated[list[nested], Field(description=key.description)]
        return Annotated[nested if key.required else nested | None, Field(description=key.description)]
    python = PYTHON_TYPES.get(key.type, str)
    return Annotated[python if key.required else python | None, WithJsonSchema(value_schema(key))]


def python_name(name: str) -> str:
    return name.replace("-", "_")


def language_field() -> tuple[Any, Any]:
    """The top-level `language` of an answer: the language its own texts are in."""
    codes = languages()
    schema = {
        "type": "string",
        "enum": list(codes),
        "description": "The language of the tracker's own texts in this answer (summaries, conditions, "
        "names, descriptions, labels), as asked for with ?lang= or Accept-Language: "
        + ", ".join(codes)
        + ". A text not translated yet comes in English; quotes and sources' titles are always in their "
        "source's language.",
    }
    return (Annotated[str, WithJsonSchema(schema)], ...)


class AnsweredRelease(BaseModel):
    """The release an answer is computed at."""

    model_config = ConfigDict(title="Release", extra="forbid")

    number: int = Field(description="The release's number, from 1.", ge=1)
    cut_at: str = Field(
        description="When the release was cut: an ISO 8601 date and time with its UTC offset.",
        json_schema_extra={"format": "date-time"},
    )
    url: str = Field(
        description="The release's page on the site: what it changed, its downloads, and the way to "
        "every page as it was.",
        json_schema_extra={"format": "uri"},
    )


def provenance_fields() -> dict[str, Any]:
    """The top-level `answered_from` and `release` of every answer: the live data or a release."""
    return {
        "answered_from": (
            Literal["live", "release"],
            Field(
                description="Where the answer comes from: `live`, the data as published now, which "
                "changes as editors publish; or `release`, the data exactly as a numbered release "
                "published it (asked with ?release=<n> or under /releases/<n>/), which never changes. "
                "The X-Tracker-Release header says the same."
            ),
        ),
        "release": (
            AnsweredRelease | None,
            Field(
                description="The release the answer is computed at; null when it answers from the "
                "live data. At a release every link in the answer stays at it (under /releases/<n>/)."
            ),
        ),
    }


def shape_fields(shape: Shape) -> dict[str, Any]:
    return {
        python_name(key.name): (annotation(key), Field(alias=key.name) if "-" in key.name else ...)
        for key in shape.keys
    }


@cache
def model(shape: Shape) -> type[BaseModel]:
    """The pydantic model of a shape, made once; it is named as the shape in the OpenAPI schema."""
    return create_model(
        shape.name,
        __config__=ConfigDict(
            title=shape.name, extra="forbid", json_schema_extra={"description": shape.description}
        ),
        **shape_fields(shape),
    )


@cache
def answer(shape: Shape) -> type[BaseModel]:
    """A detail answer: the object's keys after the answer's `language`."""
    name = f"{shape.name}Answer"
    return create_model(
        name,
        __config__=ConfigDict(
            title=name,
            extra="forbid",
            json_schema_extra={
                "description": f"{shape.description} With the answer's language and where it comes from."
            },
        ),
        language=language_field(),
        **provenance_fields(),
        **shape_fields(shape),
    )


@cache
def page(shape: Shape) -> type[BaseModel]:
    """A page of a list: its size, its place and links to the pages either side."""
    link = Annotated[
        str | None,
        WithJsonSchema(
            {
                "type": ["string", "null"],
                "format": "uri",
            }
        ),
    ]
    return create_model(
        f"{shape.name}Page",
        __config__=ConfigDict(
            extra="forbid",
            json_schema_extra={"description": "One page of the list, with links to the pages either side."},
        ),
        language=language_field(),
        **provenance_fields(),
        count=(int, Field(description="How many objects match, on every page together.", ge=0)),
        page=(int, Field(description="This page's number, from 1.", ge=1)),
        page_size=(int, Field(description="Objects per page (after lowering to the maximum of 500).", ge=1)),
        next=(link, Field(description="The next page's address, with the same filters; null on the last.")),
        previous=(
            link,
            Field(description="The previous page's address, with the same filters; null on the first."),
        ),
        results=(list[model(shape)], Field(description="The objects on this page.")),
    )


class BadParameters(BaseModel):
    """A 400: every bad parameter, each with what is wrong with it."""

    model_config = ConfigDict(extra="forbid")

    errors: dict[str, list[str]] = Field(
        description="Each bad parameter with its messages, e.g. "
        '{"status": ["Select a valid choice. bogus is not one of the available choices."]}.'
    )


class NulRejected(BaseModel):
    """A 400 for a request whose address or parameters hold a NUL character (%00)."""

    model_config = ConfigDict(extra="forbid")

    detail: str = Field(description="Why the request was refused.")
    status: Literal[400] = Field(description="The HTTP status, 400.")


class NotFound(BaseModel):
    """A 404: no published object has that key (or there is no endpoint at that address)."""

    model_config = ConfigDict(extra="forbid")

    error: str = Field(description="What was not found.")


BAD_REQUEST = BadParameters | NulRejected


URL = {"format": "uri"}


def index(endpoints: tuple[str, ...]) -> type[BaseModel]:
    """The index: where to start, with each list's address."""
    listed = create_model(
        "Endpoints",
        __config__=ConfigDict(extra="forbid", json_schema_extra={"description": "Each list's address."}),
        **{
            python_name(name): (
                str,
                Field(alias=name, json_schema_extra=URL) if "-" in name else Field(json_schema_extra=URL),
            )
            for name in endpoints
        },
    )
    return create_model(
        "Index",
        __config__=ConfigDict(
            extra="forbid",
            json_schema_extra={
                "description": "Where to start: the lists, the documentation and this schema."
            },
        ),
        language=language_field(),
        **provenance_fields(),
        name=(str, Field(description="The API's name.")),
        version=(int, Field(description="The API's version, as in its address.")),
        docs_url=(str, Field(description="The API's documentation page.", json_schema_extra=URL)),
        schema_url=(str, Field(description="This OpenAPI schema.", json_schema_extra=URL)),
        endpoints=(listed, Field(description="Each list's address.")),
    )
