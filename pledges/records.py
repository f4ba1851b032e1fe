"""The public shape of every kind of record: one declaration of its fields, read by everything that
publishes them.

The list page exports (`?format=csv|json`), the full downloads (/download/), the Data Package's table
schemas and the API's schema all take their field names, types, descriptions and allowed values from
here, so they cannot drift apart.

    from pledges.records import RECORDS

    pledge = RECORDS["pledge"]
    pledge.table                      # "pledges": the CSV file / JSON key of the downloads
    pledge.primary_key                # ("id",)
    for field in pledge.fields:       # in column order
        field.name, field.type, field.description, field.required, field.enum
        field.get(obj)                # the value from a loaded model object (None when unknown)
    pledge.row(obj)                   # {name: value} for all fields
    pledge.field("status").enum       # ("proposed", "willing", ...)

A field's `type` is one of TYPES. Values are plain JSON values: a `decimal` is a string ("2.5", never a
float), a `partial-date` is ISO 8601 at the precision known ("2025-09-04", "2025-09" or "2025") beside
a `…_precision` field saying which, and a field with a `separator` holds several values in one string
("france united-kingdom"). Unknown values are None (empty in CSV, null in JSON), never guessed; a
`required` field is never None.

`get` reads only what the queryset of the page or download loaded (see each record's `loads`), never
the database. `fields` are the columns of the exports and downloads; `more` are public fields that
the tables leave out (labels, long texts) and the API may show. Fields are only ever added.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from decimal import Decimal
from typing import Any

from pledges.models import (
    Citation,
    DatePrecision,
    HeadlineCount,
    Meeting,
    Member,
    Membership,
    Pledge,
    PledgeType,
    Qualifier,
    Source,
    SourcePart,
    iso_partial_date,
)
from pledges.models.meetings import CountKind, MeetingFormat
from pledges.models.members import MemberKind, MembershipRole, Region
from pledges.models.pledges import Currency, Status
from pledges.models.sources import SourceKind

TYPES = {
    "string": "text",
    "integer": "a whole number",
    "decimal": "a decimal number without exponent (2.5); in JSON a string, so that it is never rounded",
    "boolean": "true or false",
    "date": "an ISO 8601 date (2025-09-04)",
    "partial-date": "an ISO 8601 date at the precision known: 2025-09-04, 2025-09 or 2025",
    "datetime": "an ISO 8601 date and time with its UTC offset",
    "url": "an absolute http(s) address",
}

SLUG_PATTERN = "^[a-z0-9]+(?:-[a-z0-9]+)*$"
# A day, a month or a year: ISO 8601 at reduced precision. The `…_precision` field beside says which.
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"


@dataclass(frozen=True)
class Field:
    """One public field of a record: what it is called, what it holds and how to read it."""

    name: str
    type: str
    description: str
    get: Callable[[Any], Any]
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str = ""
    separator: str = ""
    unique: bool = False
    minimum: int | None = None
    # For the tracker's own words: the model field whose `<name>_uk` twin holds the Ukrainian text. The
    # tables carry that twin as a column of its own (see `bilingual`); the API answers with it when
    # asked for Ukrainian. Quotes and a source's own words have none: they are never translated.
    translated: str = ""

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"{self.name}: unknown type {self.type!r}")


@dataclass(frozen=True)
class ForeignKey:
    """Values of `fields` in this record's table are keys of `record`'s table (its `reference` fields)."""

    fields: tuple[str, ...]
    record: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Record:
    """One kind of record and its public fields, in column order."""

    name: str
    table: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    more: tuple[Field, ...] = ()
    loads: str = ""
    _index: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        for f in (*self.fields, *self.more):
            if f.name in self._index:
                raise ValueError(f"{self.name}: two fields named {f.name!r}")
            self._index[f.name] = f

    @property
    def header(self) -> list[str]:
        """The CSV header and the JSON keys of one row."""
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return self._index[name]

    def row(self, obj) -> dict:
        return {f.name: f.get(obj) for f in self.fields}


# --- Values -----------------------------------------------------------------------------------------


def date_value(value) -> str | None:
    return value.isoformat() if value else None


def decimal_value(value: Decimal | None) -> str | None:
    """Without trailing zeros or an exponent: 2.50 → "2.5", 1000.00 → "1000"."""
    return None if value is None else format(value.normalize(), "f")


def partial(date_name: str, precision_name: str) -> Callable[[Any], str | None]:
    def get(obj) -> str | None:
        return iso_partial_date(getattr(obj, date_name), getattr(obj, precision_name)) or None

    return get


def text(name: str) -> Callable[[Any], str | None]:
    """A text field that may be blank: None when it is."""
    return lambda obj: getattr(obj, name) or None


def joined(values, separator: str = " ") -> str:
    """Several values in one string; empty when there are none."""
    return separator.join(values)


def citations_text(citations) -> str:
    """Each quote with its source and, where the source joins several pieces, the part it is from."""
    return " | ".join(
        f"{c.source.slug}{f' part {c.part.position}' if c.part_id else ''}: “{c.quote}”" for c in citations
    )


def fact_of(citation: Citation) -> tuple[str, str]:
    """The kind of fact a citation supports and that fact's key (a pledge's ref, a meeting's slug…)."""
    target = citation.target
    return target._meta.model_name, "/".join(target.natural_key())


def public_meeting(fact: HeadlineCount | Membership) -> Meeting | None:
    """The meeting a count or role names, when the public may see it: published, and in the meetings
    table when the queryset annotated `meeting_is_public` (published and cited)."""
    if not fact.meeting_id or not fact.meeting.is_published:
        return None
    return fact.meeting if getattr(fact, "meeting_is_public", True) else None


@dataclass(frozen=True)
class PartyRow:
    """One party to one pledge, numbered from 1 for the lead."""

    pledge_id: int
    member: Member
    position: int


def party_rows(pledges) -> Iterator[PartyRow]:
    """The parties of each pledge, lead first, from the `party_list` prefetch of `for_listing()`."""
    for pledge in pledges:
        for position, member in enumerate(pledge.party_members, start=1):
            yield PartyRow(pledge.pk, member, position)


def precision(name: str, of: str) -> Field:
    return Field(
        name,
        "string",
        f"How precisely the sources date {of}: day, month, year, or unknown (then the date is empty).",
        lambda obj: getattr(obj, name),
        required=True,
        enum=tuple(DatePrecision.values),
    )


def partial_date(name: str, precision_name: str, description: str) -> Field:
    return Field(
        name,
        "partial-date",
        f"{description}, as precisely as the sources give it (see {precision_name}); empty when unknown.",
        partial(name, precision_name),
        pattern=PARTIAL_DATE_PATTERN,
    )


QUALIFIERS = tuple(Qualifier.values)


def party_names_uk(pledge: Pledge) -> str | None:
    """The parties' Ukrainian names, lead first, separated by “; ”; empty until every one has its own."""
    names = [m.name_uk for m in pledge.party_members]
    return joined(names, "; ") if names and all(name.strip() for name in names) else None


def bilingual(english: Field, get_uk: Callable[[Any], Any] | None = None) -> tuple[Field, Field]:
    """A text of the tracker's own and, beside it, its Ukrainian column `<name>_uk`: empty when it is not
    translated yet (never filled in with the English)."""
    source = english.translated or english.name
    twin = Field(
        f"{english.name}_uk",
        "string",
        f"{english.description} In Ukrainian; empty when not translated yet.",
        get_uk or text(f"{source}_uk"),
        separator=english.separator,
    )
    if get_uk is not None:  # a text made from others' (names joined), not a model field of its own
        return (english, twin)
    return (dataclass_replace(english, translated=source), twin)


# --- Records ----------------------------------------------------------------------------------------

MEMBER = Record(
    name="member",
    table="members",
    title="Members",
    description="Countries, organisations, the coalition itself, blocs and unnamed groups with at least "
    "one published pledge or role.",
    loads="Member.objects.with_public_facts(): pledge_count and published_memberships",
    primary_key=("slug",),
    foreign_keys=(ForeignKey(("part_of",), "member", ("slug",)),),
    fields=(
        Field("slug", "string", "The member's key, as in its page's address.", lambda m: m.slug,
              required=True, unique=True, pattern=SLUG_PATTERN),
        *bilingual(Field("name", "string", "The member's name.", lambda m: m.name, required=True)),
        Field("kind", "string", "What kind of actor it is.", lambda m: m.kind, required=True,
              enum=tuple(MemberKind.values)),
        Field("part_of", "string", "For an unnamed group: the slug of the larger group it is part of.",
              lambda m: m.part_of.slug if m.part_of_id else None, pattern=SLUG_PATTERN),
        Field("country_code", "string", "ISO 3166-1 alpha-2 code, for countries.",
              lambda m: m.country.code or None, pattern="^[A-Z]{2}$"),
        Field("region", "string", "The region the tracker groups it in.", text("region"),
              enum=tuple(Region.values)),
        Field("roles", "string", "Its published roles in the coalition, separated by spaces.",
              lambda m: joined(r.role for r in m.published_memberships), separator=" "),
        Field("pledges", "integer", "How many published pledges it is a party to.",
              lambda m: m.pledge_count, required=True, minimum=0),
    ),
    more=(
        Field("kind_label", "string", "The kind in words.", lambda m: m.get_kind_display(), required=True),
        Field("region_label", "string", "The region in words.",
              lambda m: m.get_region_display() if m.region else None),
        Field("description", "string", "A short description.", text("description"),
              translated="description"),
        Field("updated_at", "datetime", "When the member's record last changed.",
              lambda m: m.updated_at.isoformat(), required=True),
    ),
)  # fmt: skip

ROLE = Record(
    name="role",
    table="roles",
    title="Roles",
    description="A member's published, cited place in the coalition: member, guarantor, co-chair, host, "
    "leader of an initiative, participant in a meeting.",
    loads="Membership.objects.public() with member and meeting selected",
    primary_key=("ref",),
    foreign_keys=(
        ForeignKey(("member",), "member", ("slug",)),
        ForeignKey(("meeting",), "meeting", ("slug",)),
    ),
    fields=(
        Field("ref", "string", "The role's stable key; citations name it as their fact.", lambda r: r.ref,
              required=True, unique=True, pattern=SLUG_PATTERN),
        Field("member", "string", "The slug of the member.", lambda r: r.member.slug, required=True,
              pattern=SLUG_PATTERN),
        Field("role", "string", "The role.", lambda r: r.role, required=True,
              enum=tuple(MembershipRole.values)),
        *bilingual(Field("detail", "string", "What exactly, as the source says.", text("detail"))),
        Field("meeting", "string", "The slug of the meeting the role is about, if any.",
              lambda r: m.slug if (m := public_meeting(r)) else None, pattern=SLUG_PATTERN),
        partial_date("since", "since_precision", "When the role began"),
        precision("since_precision", "the start of the role"),
        *bilingual(Field("note", "string", "A note on the role.", text("note"))),
    ),
    more=(Field("role_label", "string", "The role in words.", lambda r: r.get_role_display(),
                required=True),),
)  # fmt: skip

PLEDGE_TYPE = Record(
    name="pledge_type",
    table="pledge_types",
    title="Pledge types",
    description="The kinds of help a pledge can be about: troops, air policing, maritime security…",
    loads="PledgeType.objects.all()",
    primary_key=("slug",),
    fields=(
        Field("slug", "string", "The type's key, as in its page's address.", lambda t: t.slug,
              required=True, unique=True, pattern=SLUG_PATTERN),
        *bilingual(Field("name", "string", "The type's name.", lambda t: t.name, required=True)),
        *bilingual(Field("description", "string", "What the type covers.", text("description"))),
        Field("order", "integer", "Where the type comes in lists, smallest first.", lambda t: t.order,
              required=True, minimum=0),
    ),
)  # fmt: skip

PLEDGE = Record(
    name="pledge",
    table="pledges",
    title="Pledges",
    description="Published pledges: who offered (or ruled out) which kind of help, how firmly, on what "
    "conditions, with numbers and dates as far as the sources give them.",
    loads="Pledge.objects.published().for_listing(): parties, pledge_type and citations with sources",
    primary_key=("id",),
    foreign_keys=(ForeignKey(("type",), "pledge_type", ("slug",)),),
    fields=(
        Field("id", "integer", "The pledge's number, as in its page's address.", lambda p: p.pk,
              required=True, unique=True, minimum=1),
        Field("ref", "string", "The pledge's stable key; citations name it as their fact.", lambda p: p.ref,
              required=True, unique=True),
        Field("members", "string", "The slugs of its parties, the lead first, separated by spaces "
              "(see pledge_parties).", lambda p: joined(m.slug for m in p.party_members), required=True,
              separator=" "),
        *bilingual(Field("member_names", "string", "The names of its parties, the lead first, separated "
                         "by “; ”.", lambda p: joined((m.name for m in p.party_members), "; "),
                         required=True, separator="; "), get_uk=party_names_uk),
        Field("lead_kind", "string", "What kind of actor the lead party is.",
              lambda p: p.lead.kind if p.lead else None, enum=tuple(MemberKind.values)),
        Field("country_codes", "string", "The ISO 3166-1 codes of the parties that are countries, "
              "separated by spaces.", lambda p: " ".join(m.country.code for m in p.party_members
                                                        if m.country) or None, separator=" "),
        Field("type", "string", "The slug of the kind of help.", lambda p: p.pledge_type.slug,
              required=True, pattern=SLUG_PATTERN),
        Field("status", "string", "How firm it is: proposed, willing, committed, delivered (offers), or "
              "a stance apart from them: ruled-out, reservations, not-offered.", lambda p: p.status,
              required=True, enum=tuple(Status.values)),
        Field("stance", "boolean", "True for a stance (ruled out, reservations, not offered), never "
              "counted as an offer.", lambda p: p.is_stance, required=True),
        *bilingual(Field("summary", "string", "What was pledged, in one sentence.", lambda p: p.summary,
                         required=True)),
        *bilingual(Field("conditions", "string", "Conditions the sources attach (“after a ceasefire”).",
                         text("conditions"))),
        partial_date("announced_on", "announced_precision", "When the actor announced it"),
        precision("announced_precision", "the announcement"),
        partial_date("reported_on", "reported_precision", "When it was first reported"),
        precision("reported_precision", "the first report"),
        Field("quantity_qualifier", "string", "How exact the quantity is, as the text words it.",
              lambda p: p.quantity_qualifier if p.quantity is not None else None, enum=QUALIFIERS),
        Field("quantity", "decimal", "How many, when the sources give a number.",
              lambda p: decimal_value(p.quantity)),
        *bilingual(Field("quantity_unit", "string", "What the quantity counts (“Patriot systems”).",
                         text("quantity_unit"))),
        Field("amount_qualifier", "string", "How exact the amount is, as the text words it.",
              lambda p: p.amount_qualifier if p.amount is not None else None, enum=QUALIFIERS),
        Field("amount", "decimal", "A sum of money, when the sources give one, in currency.",
              lambda p: decimal_value(p.amount)),
        Field("currency", "string", "The ISO 4217 code of the amount's currency.", text("currency"),
              enum=tuple(Currency.values)),
        *bilingual(Field("note", "string", "A note on the pledge.", text("note"))),
        Field("updated_at", "datetime", "When the pledge's record last changed.",
              lambda p: p.updated_at.isoformat(), required=True),
        Field("sources", "string", "The slugs of the sources its citations quote, separated by spaces.",
              lambda p: joined(sorted({c.source.slug for c in p.citations.all()})), separator=" "),
        Field("citations", "string", "Each quote with its source (and part), separated by “ | ” (see "
              "citations).", lambda p: citations_text(p.citations.all()), separator=" | "),
    ),
    more=(
        Field("status_label", "string", "The status in words.", lambda p: p.get_status_display(),
              required=True),
    ),
)  # fmt: skip

PLEDGE_PARTY = Record(
    name="pledge_party",
    table="pledge_parties",
    title="Parties to pledges",
    description="Each party to each published pledge, the lead first: one row per pledge and member.",
    loads="PartyRow objects, one per party of each published pledge (see party_rows)",
    primary_key=("pledge", "member"),
    foreign_keys=(
        ForeignKey(("pledge",), "pledge", ("id",)),
        ForeignKey(("member",), "member", ("slug",)),
    ),
    fields=(
        Field("pledge", "integer", "The id of the pledge.", lambda party: party.pledge_id, required=True,
              minimum=1),
        Field("member", "string", "The slug of the member.", lambda party: party.member.slug,
              required=True, pattern=SLUG_PATTERN),
        Field("position", "integer", "The party's place among the pledge's parties, 1 for the lead.",
              lambda party: party.position, required=True, minimum=1),
        Field("lead", "boolean", "True for the lead party, the first named.",
              lambda party: party.position == 1, required=True),
    ),
)  # fmt: skip

SOURCE = Record(
    name="source",
    table="sources",
    title="Sources",
    description="The documents that published facts quote: statement threads, live blogs, news "
    "articles, timelines.",
    loads="Source.objects.cited_publicly().with_citation_counts()",
    primary_key=("slug",),
    fields=(
        Field("slug", "string", "The source's key, as in its page's address.", lambda s: s.slug,
              required=True, unique=True, pattern=SLUG_PATTERN),
        Field("title", "string", "The document's title, in its own language (never translated).",
              lambda s: s.title, required=True),
        Field("language", "string", "The language the document is written in (a BCP 47 code: en, uk…): "
              "its title and its quotes are in it.", lambda s: s.language, required=True),
        Field("publisher", "string", "Who published it.", text("publisher")),
        Field("kind", "string", "What kind of document it is.", lambda s: s.kind, required=True,
              enum=tuple(SourceKind.values)),
        Field("url", "url", "The document's address; empty when unknown, never invented.", text("url")),
        Field("published_on", "date", "When it was published, when it says.",
              lambda s: date_value(s.published_on)),
        Field("seen_on", "date", "When the tracker archived its text.", lambda s: date_value(s.seen_on)),
        Field("citations", "integer", "How many published facts' citations quote it.",
              lambda s: s.citation_count, required=True, minimum=0),
    ),
    more=(
        Field("kind_label", "string", "The kind in words.", lambda s: s.get_kind_display(), required=True),
        Field("covers_from", "date", "The earliest date of a passage it dates.",
              lambda s: date_value(s.covers_from)),
        Field("covers_to", "date", "The latest date of a passage it dates.",
              lambda s: date_value(s.covers_to)),
        Field("description", "string", "A short description.", text("description"),
              translated="description"),
    ),
)  # fmt: skip

SOURCE_PART = Record(
    name="source_part",
    table="source_parts",
    title="Parts of sources",
    description="The pieces a source joins (entries of a live blog, statements of a thread), each with "
    "its own date.",
    loads="SourcePart rows of publicly cited sources with source selected",
    primary_key=("source", "position"),
    foreign_keys=(ForeignKey(("source",), "source", ("slug",)),),
    fields=(
        Field("source", "string", "The slug of the source.", lambda p: p.source.slug, required=True,
              pattern=SLUG_PATTERN),
        Field("position", "integer", "The part's place in the source's text, 1 for the first.",
              lambda p: p.position, required=True, minimum=1),
        *bilingual(Field("title", "string", "The part's title.", lambda p: p.title, required=True)),
        partial_date("dated_on", "dated_precision", "The part's date"),
        precision("dated_precision", "the part"),
        *bilingual(Field("note", "string", "What the part's date rests on.", text("note"))),
    ),
)  # fmt: skip


def _part_dated_on(citation: Citation) -> str | None:
    if not citation.part_id:
        return None
    return iso_partial_date(citation.part.dated_on, citation.part.dated_precision) or None


CITATION = Record(
    name="citation",
    table="citations",
    title="Citations",
    description="Verbatim quotes from the sources, each supporting one published fact: a pledge, a role, "
    "a meeting or a headline count.",
    loads="Citation.objects.published() with source, part and the supported fact selected",
    primary_key=("id",),
    foreign_keys=(
        ForeignKey(("source",), "source", ("slug",)),
        ForeignKey(("pledge_id",), "pledge", ("id",)),
    ),
    fields=(
        Field("id", "integer", "The citation's number; its source page marks it at #citation-<id>.",
              lambda c: c.pk, required=True, unique=True, minimum=1),
        Field("source", "string", "The slug of the source quoted.", lambda c: c.source.slug,
              required=True, pattern=SLUG_PATTERN),
        Field("part", "integer", "The position of the part of the source the quote is from, if any: "
              "with source, a key of source_parts.",
              lambda c: c.part.position if c.part_id else None, minimum=1),
        Field("part_dated_on", "partial-date", "The date of that part, as precisely as known (see "
              "part_dated_precision).", _part_dated_on, pattern=PARTIAL_DATE_PATTERN),
        Field("part_dated_precision", "string", "How precisely the part is dated; empty without a part.",
              lambda c: c.part.dated_precision if c.part_id else None, enum=tuple(DatePrecision.values)),
        Field("quote", "string", "The quote, character for character as in the source.",
              lambda c: c.quote, required=True),
        Field("locator", "string", "Where in the source: entry, paragraph.", text("locator")),
        *bilingual(Field("note", "string", "A note on the quote.", text("note"))),
        Field("fact_kind", "string", "The kind of fact it supports.", lambda c: fact_of(c)[0],
              required=True, enum=("pledge", "membership", "meeting", "headlinecount")),
        Field("fact", "string", "The key of that fact: a pledge's ref, a role's ref, a meeting's or a "
              "count's slug.", lambda c: fact_of(c)[1], required=True),
        Field("pledge_id", "integer", "For a pledge, its id.", lambda c: c.pledge_id, minimum=1),
    ),
)  # fmt: skip

MEETING = Record(
    name="meeting",
    table="meetings",
    title="Meetings",
    description="Summits and meetings of the coalition, with their hosts and what was agreed.",
    loads="Meeting.objects.public() with hosts prefetched",
    primary_key=("slug",),
    fields=(
        Field("slug", "string", "The meeting's key.", lambda m: m.slug, required=True, unique=True,
              pattern=SLUG_PATTERN),
        *bilingual(Field("title", "string", "The meeting's name.", lambda m: m.title, required=True)),
        partial_date("held_on", "held_precision", "When it was held"),
        precision("held_precision", "the meeting"),
        *bilingual(Field("place", "string", "Where it was held.", text("place"))),
        Field("format", "string", "In person, by video, or both.", lambda m: m.format, required=True,
              enum=tuple(MeetingFormat.values)),
        Field("hosts", "string", "The slugs of its hosts, separated by spaces.",
              lambda m: joined(h.slug for h in m.hosts.all()), separator=" "),
        *bilingual(Field("agreed", "string", "What was agreed, as the sources say.", text("agreed"))),
    ),
    more=(
        Field("format_label", "string", "The format in words.", lambda m: m.get_format_display(),
              required=True),
        Field("updated_at", "datetime", "When the meeting's record last changed.",
              lambda m: m.updated_at.isoformat(), required=True),
    ),
)  # fmt: skip

HEADLINE_COUNT = Record(
    name="headline_count",
    table="headline_counts",
    title="Headline counts",
    description="Aggregate claims the sources make: “35 countries in the coalition”, “26 ready to give "
    "guarantees”.",
    loads="HeadlineCount.objects.public() with meeting selected",
    primary_key=("slug",),
    foreign_keys=(ForeignKey(("meeting",), "meeting", ("slug",)),),
    fields=(
        Field("slug", "string", "The count's key.", lambda c: c.slug, required=True, unique=True,
              pattern=SLUG_PATTERN),
        Field("number", "integer", "The number the source gives.", lambda c: c.number, required=True,
              minimum=0),
        Field("qualifier", "string", "How exact the number is, as the text words it.", text("qualifier"),
              enum=QUALIFIERS),
        *bilingual(Field("counts", "string", "What it counts.", lambda c: c.counts, required=True)),
        Field("kind", "string", "What kind of count it is.", lambda c: c.kind, required=True,
              enum=tuple(CountKind.values)),
        partial_date("as_of", "as_of_precision", "When the count was true"),
        precision("as_of_precision", "the count"),
        Field("meeting", "string", "The slug of the meeting it was announced at, if published.",
              lambda c: m.slug if (m := public_meeting(c)) else None, pattern=SLUG_PATTERN),
    ),
    more=(
        Field("kind_label", "string", "The kind in words.", lambda c: c.get_kind_display(), required=True),
        Field("number_display", "string", "The number with its qualifier in words (“over 30”).",
              lambda c: c.number_display, required=True),
        Field("note", "string", "A note on the count.", text("note")),
        Field("updated_at", "datetime", "When the count's record last changed.",
              lambda c: c.updated_at.isoformat(), required=True),
    ),
)  # fmt: skip

# In the order the downloads carry them.
RECORDS: dict[str, Record] = {
    record.name: record
    for record in (
        MEMBER,
        ROLE,
        PLEDGE_TYPE,
        PLEDGE,
        PLEDGE_PARTY,
        SOURCE,
        SOURCE_PART,
        CITATION,
        MEETING,
        HEADLINE_COUNT,
    )
}

MODELS = {
    Member: MEMBER,
    Membership: ROLE,
    PledgeType: PLEDGE_TYPE,
    Pledge: PLEDGE,
    Source: SOURCE,
    SourcePart: SOURCE_PART,
    Citation: CITATION,
    Meeting: MEETING,
    HeadlineCount: HEADLINE_COUNT,
}
