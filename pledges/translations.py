"""The tracker's own words in the reader's language: one accessor for every text with a Ukrainian twin.

Each text the tracker writes itself (a pledge's summary, a member's name, a type's description...) has a
sibling column `<field>_uk`. The English column is the canonical text everywhere (exports, validation,
history, the API's default); the Ukrainian one is shown when the reader's language is Ukrainian and it
is not empty. When it is empty the English is shown instead, marked as such (`fallback`), never an
empty field. Quotes and anything else in a source's own words have no twin: they are never translated.
"""

from django.utils import translation

# Languages that have columns of their own; English is the canonical text and has none.
TRANSLATED_LANGUAGES = ("uk",)
CANONICAL_LANGUAGE = "en"


class Text(str):
    """A text as shown, with the language it is in and whether it stands in for a missing translation."""

    lang: str
    fallback: bool

    def __new__(cls, text: str, lang: str = CANONICAL_LANGUAGE, fallback: bool = False) -> "Text":
        made = super().__new__(cls, text)
        made.lang = lang
        made.fallback = fallback
        return made

    @property
    def text(self) -> str:
        return str.__str__(self)


def reader_language(language: str | None = None) -> str:
    """The language asked for, or the active one, reduced to its primary subtag ("uk-UA" → "uk")."""
    language = language or translation.get_language() or CANONICAL_LANGUAGE
    return language.split("-")[0].split("_")[0].lower()


def translated(obj, field: str, language: str | None = None) -> Text:
    """`obj.<field>` in the reader's language: the Ukrainian column when the language is Ukrainian and
    the column is filled in, else the English with `fallback` set (in English, never a fallback).

    An English text that is empty stays empty and is no fallback: there is nothing to translate."""
    language = reader_language(language)
    own = getattr(obj, f"{field}_{language}", "") if language in TRANSLATED_LANGUAGES else ""
    return _choose(getattr(obj, field) or "", own or "", language)


def translated_value(row: dict, key: str, language: str | None = None) -> Text:
    """The same choice for a row of `.values()`: `row[key]`, or `row[key + "_uk"]` in Ukrainian."""
    language = reader_language(language)
    own = row.get(f"{key}_{language}", "") if language in TRANSLATED_LANGUAGES else ""
    return _choose(row.get(key) or "", own or "", language)


def _choose(english: str, own: str, language: str) -> Text:
    if language not in TRANSLATED_LANGUAGES:
        return Text(english, CANONICAL_LANGUAGE)
    if own.strip():
        return Text(own, language)
    return Text(english, CANONICAL_LANGUAGE, fallback=bool(english.strip()))


def by_name(field: str = "name", language: str | None = None):
    """An expression to sort by a name in the reader's language: the Ukrainian name where there is
    one, else the English (so a list in Ukrainian reads in Ukrainian order)."""
    from django.db.models import F, Value
    from django.db.models.functions import Coalesce, NullIf

    language = reader_language(language)
    if language not in TRANSLATED_LANGUAGES:
        return F(field)
    return Coalesce(NullIf(F(f"{field}_{language}"), Value("")), F(field))


def translated_fields(model) -> list[str]:
    """The names of a model's fields that have a Ukrainian twin ("summary" for `summary_uk`)."""
    names = {field.name for field in model._meta.concrete_fields}
    return [name for name in names if f"{name}_uk" in names]


def untranslated(model, fields: tuple[str, ...], queryset=None) -> list:
    """Rows whose English text in any of `fields` is filled in but its Ukrainian twin is empty."""
    from django.db.models import Q

    missing = Q()
    for field in fields:
        missing |= ~Q(**{field: ""}) & Q(**{f"{field}_uk": ""})
    rows = model._default_manager.all() if queryset is None else queryset
    return list(rows.filter(missing))
