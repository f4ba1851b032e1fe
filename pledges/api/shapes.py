"""The API's objects, key by key, built from the record declarations in pledges/records.py.

Each `Shape` is the JSON of one kind of API object and each `Key` one key of it. A key that the
tables also publish is taken from its record field (`shared`): the same description, type, allowed
values and getter as the downloads, the exports and the Data Package. The rest are the API's own:
links (`url`, `web_url`, `pledges_url`), nested objects, and the few values the API has always
written differently from the tables (a full ISO date beside its precision, an empty string rather
than null for a text nobody wrote), each declared here once with its description.

A shape gives both the answer (`shape(obj, links)`, a dict) and, through pledges/api/schemas.py, the
pydantic model that validates the answer and that the OpenAPI schema is generated from: one
declaration for both, so the documentation cannot drift from what is sent.

Getters read only what the endpoint's queryset loaded (see views.py), never the database.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pledges import records
from pledges.api.links import Links
from pledges.records import (
    CITATION,
    HEADLINE_COUNT,
    MEETING,
    MEMBER,
    PLEDGE,
    PLEDGE_TYPE,
    ROLE,
    SOURCE,
    SOURCE_PART,
    public_meeting,
)
from pledges.translations import translated

Getter = Callable[[Any, Links], Any]
UNTRANSLATED = "untranslated"


@dataclass(frozen=True)
class Key:
    """One key of an API object: a value of one of records.TYPES, or a nested object or list of them.

    `required` means never null (every key is always present). `shape` is the nested object's
    shape; a tuple of shapes means one of them, told apart by their constant `kind`.
    """

    name: str
    description: str
    get: Getter
    type: str = "string"
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str = ""
    minimum: int | None = None
    shape: "Shape | tuple[Shape, ...] | None" = None
    many: bool = False
    value: Getter = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.type not in records.TYPES:
            raise ValueError(f"{self.name}: unknown type {self.type!r}")
        get, shape = self.get, self.shape
        if isinstance(shape, Shape) and self.many:
            value = lambda obj, links: [shape(item, links) for item in get(obj, links)]  # noqa: E731
        elif isinstance(shape, Shape):
            value = lambda obj, links: None if (item := get(obj, links)) is None else shape(item, links)  # noqa: E731
        else:  # a plain value, or one of several shapes that the getter builds itself
            value = get
        object.__setattr__(self, "value", value)

    @property
    def constant(self) -> str | None:
        """The one value a required key with a single allowed value always has (a `kind`)."""
        return self.enum[0] if self.required and len(self.enum) == 1 else None


@dataclass(frozen=True)
class Shape:
    """The JSON of one kind of API object: its keys in order. `name` names it in the OpenAPI schema."""

    name: str
    description: str
    keys: tuple[Key, ...]

    def __call__(self, obj, links: Links) -> dict:
        answer = {key.name: key.value(obj, links) for key in self.keys}
        if UNTRANSLATED in answer:
            # The object's own texts that stand in English for a Ukrainian one not written yet.
            answer[UNTRANSLATED] = [name for name, text in answer.items() if getattr(text, "fallback", False)]
        return answer

    def key(self, name: str) -> Key:
        return next(key for key in self.keys if key.name == name)


def in_reader_language(getter: Callable[[Any], Any], field_name: str) -> Callable[[Any], Any]:
    """A getter of one of the tracker's own texts that answers in the active language: the Ukrainian
    column when it is filled in, else the English; a text with no English stays as the getter gives it
    (null or empty)."""

    def get(obj):
        value = getter(obj)
        return translated(obj, field_name) if value else value  # a str that knows if it is a fallback

    return get


def shared(record_field: records.Field, name: str = "", **changes) -> Key:
    """The key for a record field, as the tables publish it; `name` renames it, `changes` (a getter
    of the object alone as `get`, `type`, `required`…) declare how the API has always differed. One of
    the tracker's own texts (`translated`) comes in the language the answer is in."""
    getter = changes.pop("get", record_field.get)
    if record_field.translated:
        getter = in_reader_language(getter, record_field.translated)
    merged = dataclasses.replace(record_field, **changes) if changes else record_field
    return Key(
        name=name or merged.name,
        description=merged.description,
        get=lambda obj, links: getter(obj),
        type=merged.type,
        required=merged.required,
        enum=merged.enum,
        pattern=merged.pattern,
        minimum=merged.minimum,
    )


def untranslated() -> Key:
    """The key listing which of the object's own texts are given in English because their Ukrainian is
    not written yet (filled in by Shape); always empty in an English answer."""
    return Key(
        UNTRANSLATED,
        "The keys of this object whose text is in English because it is not translated yet into the "
        "answer's language; empty in English.",
        lambda obj, links: [],
        required=True,
        many=True,
    )


def link(name: str, description: str, get: Getter) -> Key:
    return Key(name, description, get, type="url", required=True)


def nested(name: str, description: str, shape, get: Callable[[Any], Any], *, many=False, required=True):
    return Key(name, description, lambda obj, links: get(obj), shape=shape, many=many, required=required)


def kind(value: str, description: str) -> Key:
    return Key("kind", description, lambda obj, links: value, required=True, enum=(value,))


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def as_written(name: str) -> Callable[[Any], str]:
    """The text as stored: the API has always sent an empty string, not null, for these."""
    return lambda obj: getattr(obj, name)


def web_address(value: str) -> str | None:
    """A document's http(s) address, or null: a client may make it a link, so nothing else gets out."""
    return value if value.lower().startswith(("https://", "http://")) else None


def full_date(record_field: records.Field, precision: str) -> dict:
    """The changes for a date the API sends in full (2024-07-01) beside its precision (month), where
    the tables write it at its precision (2024-07)."""
    what = record_field.description.split(", as precisely")[0]
    return {
        "type": "date",
        "pattern": "",
        "get": lambda obj: iso(getattr(obj, record_field.name)),
        "description": f"{what}, as a full date; {precision} says whether it is known to the day, the "
        f"month or the year (2024-07-01 with month means July 2024). Null when unknown.",
    }


def dated(record: records.Record, name: str, precision: str) -> Key:
    return shared(record.field(name), **full_date(record.field(name), precision))


# --- Short references, where one object mentions another -------------------------------------------

MEMBER_REF = Shape(
    "MemberRef",
    "A member, as another object mentions it.",
    (
        shared(MEMBER.field("slug")),
        shared(MEMBER.field("name")),
        link("url", "The member in the API.", lambda m, links: links.api("member_detail", m.slug)),
        link("web_url", "The member's page on the site.", lambda m, links: links.web(m)),
    ),
)

TYPE_REF = Shape(
    "PledgeTypeRef",
    "A pledge type, as a pledge mentions it.",
    (
        shared(PLEDGE_TYPE.field("slug")),
        shared(PLEDGE_TYPE.field("name")),
        link("url", "The type in the API.", lambda t, links: links.api("pledge_type_detail", t.slug)),
        link("web_url", "The type's page on the site.", lambda t, links: links.web(t)),
    ),
)

SOURCE_REF = Shape(
    "SourceRef",
    "A source, as a citation mentions it.",
    (
        shared(SOURCE.field("slug")),
        shared(SOURCE.field("title")),
        shared(
            SOURCE.field("language"),
            "document_language",
            description="The language the document is written in (a BCP 47 code: en, uk…): its title "
            "and every quote from it are in that language whatever the answer's, never translated.",
        ),
        link("url", "The source in the API.", lambda s, links: links.api("source_detail", s.slug)),
        link("web_url", "The source's page on the site, with its text.", lambda s, links: links.web(s)),
    ),
)

MEETING_REF = Shape(
    "MeetingRef",
    "A meeting, as another object mentions it.",
    (
        shared(MEETING.field("slug")),
        shared(MEETING.field("title")),
        link("url", "The meeting in the API.", lambda m, links: links.api("meeting_detail", m.slug)),
        link("web_url", "The meeting on the site's meetings page.", lambda m, links: links.web(m)),
    ),
)

PART = Shape(
    "SourcePart",
    SOURCE_PART.description,
    (
        shared(SOURCE_PART.field("position")),
        shared(SOURCE_PART.field("title")),
        dated(SOURCE_PART, "dated_on", "dated_precision"),
        shared(SOURCE_PART.field("dated_precision")),
    ),
)

CITED = Shape(
    "Cited",
    "A citation inside the fact it supports: the quote and where it comes from.",
    (
        shared(CITATION.field("id")),
        link("url", "The citation in the API.", lambda c, links: links.api("citation_detail", c.pk)),
        shared(CITATION.field("quote")),
        shared(CITATION.field("locator")),
        nested("source", "The source quoted.", SOURCE_REF, lambda c: c.source),
        nested(
            "part",
            "The part of the source the quote is from, when the source joins several.",
            PART,
            lambda c: c.part if c.part_id else None,
            required=False,
        ),
    ),
)

CITATIONS = "Its published citations."


def citations_of(obj) -> list:
    return obj.citations.all()


# --- Full objects -----------------------------------------------------------------------------------

PLEDGE_SHAPE = Shape(
    "Pledge",
    PLEDGE.description,
    (
        shared(PLEDGE.field("id")),
        shared(PLEDGE.field("ref")),
        link("url", "The pledge in the API.", lambda p, links: links.api("pledge_detail", p.pk)),
        link("web_url", "The pledge's page on the site.", lambda p, links: links.web(p)),
        nested("members", "Its parties, the lead first.", MEMBER_REF, lambda p: p.party_members, many=True),
        nested("pledge_type", "The kind of help.", TYPE_REF, lambda p: p.pledge_type),
        shared(PLEDGE.field("status")),
        shared(PLEDGE.field("status_label")),
        shared(PLEDGE.field("stance"), "is_stance"),
        shared(PLEDGE.field("summary")),
        shared(PLEDGE.field("conditions"), get=as_written("conditions"), required=True),
        dated(PLEDGE, "announced_on", "announced_precision"),
        shared(PLEDGE.field("announced_precision")),
        dated(PLEDGE, "reported_on", "reported_precision"),
        shared(PLEDGE.field("reported_precision")),
        shared(PLEDGE.field("quantity")),
        shared(PLEDGE.field("quantity_qualifier")),
        shared(PLEDGE.field("quantity_unit")),
        shared(PLEDGE.field("amount")),
        shared(PLEDGE.field("amount_qualifier")),
        shared(PLEDGE.field("currency")),
        shared(PLEDGE.field("note"), get=as_written("note"), required=True),
        shared(PLEDGE.field("updated_at")),
        nested("citations", CITATIONS, CITED, citations_of, many=True),
        untranslated(),
    ),
)

ROLE_SHAPE = Shape(
    "Role",
    ROLE.description,
    (
        shared(ROLE.field("ref")),
        shared(ROLE.field("role")),
        shared(ROLE.field("role_label")),
        shared(ROLE.field("detail")),
        nested(
            "meeting",
            "The meeting the role is about, if any (and published).",
            MEETING_REF,
            public_meeting,
            required=False,
        ),
        dated(ROLE, "since", "since_precision"),
        shared(ROLE.field("since_precision")),
        shared(ROLE.field("note"), get=as_written("note"), required=True),
        nested("citations", CITATIONS, CITED, citations_of, many=True),
        untranslated(),
    ),
)

MEMBER_SHAPE = Shape(
    "Member",
    MEMBER.description,
    (
        shared(MEMBER.field("slug")),
        shared(MEMBER.field("name")),
        *MEMBER_REF.keys[2:],
        shared(MEMBER.field("kind")),
        shared(MEMBER.field("kind_label")),
        nested(
            "part_of",
            "For an unnamed group: the larger group it is part of.",
            MEMBER_REF,
            lambda m: m.part_of if m.part_of_id else None,
            required=False,
        ),
        shared(MEMBER.field("country_code"), "country"),
        shared(MEMBER.field("region")),
        shared(MEMBER.field("region_label")),
        shared(MEMBER.field("description"), get=as_written("description"), required=True),
        shared(MEMBER.field("pledges"), "pledge_count"),
        link(
            "pledges_url",
            "Its pledges in the API.",
            lambda m, links: links.api("pledge_list", query=f"member={m.slug}"),
        ),
        link(
            "meetings_hosted_url",
            "The meetings it hosted, in the API.",
            lambda m, links: links.api("meeting_list", query=f"host={m.slug}"),
        ),
        nested("roles", "Its published roles.", ROLE_SHAPE, lambda m: m.published_memberships, many=True),
        shared(MEMBER.field("updated_at")),
        untranslated(),
    ),
)

PLEDGE_TYPE_SHAPE = Shape(
    "PledgeType",
    PLEDGE_TYPE.description,
    (
        *TYPE_REF.keys,
        shared(PLEDGE_TYPE.field("description"), get=as_written("description"), required=True),
        shared(PLEDGE_TYPE.field("order")),
        Key(
            "pledge_count",
            "How many published pledges are of this type.",
            lambda t, links: t.pledge_count,
            type="integer",
            required=True,
            minimum=0,
        ),
        link(
            "pledges_url",
            "Its pledges in the API.",
            lambda t, links: links.api("pledge_list", query=f"type={t.slug}"),
        ),
        untranslated(),
    ),
)

SOURCE_SHAPE = Shape(
    "Source",
    SOURCE.description + " The list leaves out the archived text; the detail has it.",
    (
        *SOURCE_REF.keys,
        shared(
            SOURCE.field("url"),
            "document_url",
            get=lambda s: web_address(s.url),
            description="The document's address (http or https only); null when unknown, never invented.",
        ),
        shared(SOURCE.field("publisher")),
        shared(SOURCE.field("kind")),
        shared(SOURCE.field("kind_label")),
        shared(SOURCE.field("published_on")),
        shared(SOURCE.field("covers_from")),
        shared(SOURCE.field("covers_to")),
        shared(SOURCE.field("seen_on")),
        shared(SOURCE.field("description"), get=as_written("description"), required=True),
        shared(SOURCE.field("citations"), "citation_count"),
        link(
            "pledges_url",
            "The pledges it supports, in the API.",
            lambda s, links: links.api("pledge_list", query=f"source={s.slug}"),
        ),
        untranslated(),
    ),
)


# --- What a citation supports: one of four kinds of fact ---------------------------------------------

PLEDGE_FACT = Shape(
    "SupportedPledge",
    "A pledge the citation supports.",
    (
        kind("pledge", "A pledge."),
        shared(PLEDGE.field("id")),
        shared(PLEDGE.field("summary")),
        *PLEDGE_SHAPE.keys[2:4],
    ),
)

ROLE_FACT = Shape(
    "SupportedRole",
    "A member's role the citation supports.",
    (
        kind("membership", "A member's role."),
        shared(ROLE.field("role")),
        shared(ROLE.field("role_label")),
        nested("member", "The member.", MEMBER_REF, lambda r: r.member),
        link("url", "The member in the API.", lambda r, links: links.api("member_detail", r.member.slug)),
        link("web_url", "The member's page on the site.", lambda r, links: links.web(r.member)),
    ),
)

MEETING_FACT = Shape(
    "SupportedMeeting",
    "A meeting the citation supports.",
    (kind("meeting", "A meeting."), *MEETING_REF.keys),
)

COUNT_FACT = Shape(
    "SupportedCount",
    "A headline count the citation supports.",
    (
        kind("count", "A headline count."),
        shared(HEADLINE_COUNT.field("slug")),
        shared(HEADLINE_COUNT.field("number_display")),
        shared(HEADLINE_COUNT.field("counts")),
        link("url", "The count in the API.", lambda c, links: links.api("count_detail", c.slug)),
        link(
            "web_url", "The overview page, which shows the counts.", lambda c, links: links.page("overview")
        ),
    ),
)


def supported_fact(citation, links: Links) -> dict:
    """What a citation supports. Needs its target (and a membership's member) loaded."""
    if citation.pledge_id:
        return PLEDGE_FACT(citation.pledge, links)
    if citation.membership_id:
        return ROLE_FACT(citation.membership, links)
    if citation.meeting_id:
        return MEETING_FACT(citation.meeting, links)
    return COUNT_FACT(citation.headline_count, links)


CITATION_SHAPE = Shape(
    "Citation",
    CITATION.description,
    (
        shared(CITATION.field("id")),
        Key("ref", "The citation's stable key.", lambda c, links: c.ref, required=True),
        link("url", "The citation in the API.", lambda c, links: links.api("citation_detail", c.pk)),
        link("web_url", "The quote, marked on its source's page.", lambda c, links: links.web(c)),
        shared(CITATION.field("quote")),
        shared(CITATION.field("locator")),
        shared(CITATION.field("note"), get=as_written("note"), required=True),
        *CITED.keys[4:],
        Key(
            "supports",
            "The fact it supports: a pledge, a member's role, a meeting or a headline count, told apart "
            "by `kind`.",
            supported_fact,
            shape=(PLEDGE_FACT, ROLE_FACT, MEETING_FACT, COUNT_FACT),
            required=True,
        ),
        untranslated(),
    ),
)

SOURCE_DETAIL_SHAPE = Shape(
    "SourceDetail",
    SOURCE.description + " With its archived text and every published citation from it.",
    (
        *SOURCE_SHAPE.keys,
        Key(
            "text",
            "The archived text of the document, which every quote is found in; null when none is kept.",
            lambda s, links: s.text or None,
        ),
        nested(
            "citations",
            "Every published citation from it.",
            CITATION_SHAPE,
            lambda s: s.public_citations,
            many=True,
        ),
    ),
)

COUNT_SUMMARY = Shape(
    "CountSummary",
    "A headline count, as its meeting lists it.",
    (
        shared(HEADLINE_COUNT.field("slug")),
        shared(HEADLINE_COUNT.field("number")),
        shared(HEADLINE_COUNT.field("qualifier"), get=lambda c: c.qualifier or "exact", required=True),
        shared(HEADLINE_COUNT.field("number_display")),
        shared(HEADLINE_COUNT.field("counts")),
        link("url", "The count in the API.", lambda c, links: links.api("count_detail", c.slug)),
    ),
)

MEETING_SHAPE = Shape(
    "Meeting",
    MEETING.description,
    (
        *MEETING_REF.keys,
        dated(MEETING, "held_on", "held_precision"),
        shared(MEETING.field("held_precision")),
        shared(MEETING.field("place")),
        shared(MEETING.field("format")),
        shared(MEETING.field("format_label")),
        nested("hosts", "Its hosts.", MEMBER_REF, lambda m: m.hosts.all(), many=True),
        shared(MEETING.field("agreed"), get=as_written("agreed"), required=True),
        nested(
            "counts",
            "The published counts announced at it.",
            COUNT_SUMMARY,
            lambda m: m.published_counts,
            many=True,
        ),
        nested("citations", CITATIONS, CITED, citations_of, many=True),
        shared(MEETING.field("updated_at")),
        untranslated(),
    ),
)

COUNT_SHAPE = Shape(
    "HeadlineCount",
    HEADLINE_COUNT.description,
    (
        *COUNT_SUMMARY.keys,
        COUNT_FACT.key("web_url"),
        shared(HEADLINE_COUNT.field("kind")),
        shared(HEADLINE_COUNT.field("kind_label")),
        dated(HEADLINE_COUNT, "as_of", "as_of_precision"),
        shared(HEADLINE_COUNT.field("as_of_precision")),
        nested(
            "meeting",
            "The meeting it was announced at, when that meeting is published.",
            MEETING_REF,
            public_meeting,
            required=False,
        ),
        shared(HEADLINE_COUNT.field("note"), get=as_written("note"), required=True),
        nested("citations", CITATIONS, CITED, citations_of, many=True),
        shared(HEADLINE_COUNT.field("updated_at")),
        untranslated(),
    ),
)
