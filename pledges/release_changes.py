"""What a release changed since the one before it: facts added, changed (field by field) and withdrawn.

Read from the release's own rows (only what changed is stored) and, for a changed or withdrawn row,
its version in the release before: one query for a page of changes, one for their earlier versions and
one for the names of the rows their links point at, whatever the size of the data.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Case, IntegerField, Value, When
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils.text import Truncator, capfirst
from django.utils.translation import get_language, gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from pledges.models import ReleaseRow
from pledges.releases import LABELS, VOLATILE_FIELDS, state
from pledges.translations import CANONICAL_LANGUAGE, Text

KINDS = {
    "pledges.pledge": _("Pledge"),
    "pledges.pledgeparty": _("Party to a pledge"),
    "pledges.citation": _("Quote"),
    "pledges.member": _("Member"),
    "pledges.membership": _("Role"),
    "pledges.meeting": _("Meeting"),
    "pledges.meeting_hosts": _("Host of a meeting"),
    "pledges.headlinecount": _("Headline count"),
    "pledges.source": _("Source"),
    "pledges.sourcepart": _("Part of a source"),
    "pledges.reviewentry": _("Review ledger entry"),
    "pledges.pledgetype": _("Pledge type"),
}
# What names a row in the list of changes, in order of preference.
NAMING_FIELDS = ("summary", "name", "title", "counts", "quote", "passage", "detail", "ref", "slug")
LONG_TEXT = 300  # longer values are described by their length rather than shown whole
ACTIONS = {
    "added": pgettext_lazy("a change in a release", "Added"),
    "changed": pgettext_lazy("a change in a release", "Changed"),
    "withdrawn": pgettext_lazy("a change in a release", "Withdrawn"),
}


@dataclass
class FieldChange:
    name: str
    before: str
    after: str
    lang: str = ""  # the language of the values, when they are the tracker's texts


@dataclass
class Change:
    action: str  # added, changed, withdrawn
    model: str
    object_id: int
    label: str
    url: str | None
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(KINDS.get(self.model, self.model))

    @property
    def action_label(self) -> str:
        return str(ACTIONS[self.action])


def rows_in_order(number: int):
    """The release's own rows, most readable first: pledges, then what hangs off them, then the rest."""
    order = Case(
        *(When(model=label, then=Value(i)) for label, i in DISPLAY_ORDER.items()), output_field=IntegerField()
    )
    return ReleaseRow.objects.filter(release_id=number).alias(o=order).order_by("o", "object_id")


DISPLAY_ORDER = {label: index for index, label in enumerate(KINDS)}


def changes_on(page: Page, number: int) -> list[Change]:
    """The changes of release `number` on one page of its rows."""
    rows = list(page.object_list)
    keys = {(row.model, row.object_id) for row in rows}
    before = {}
    if number > 1 and keys:
        earlier = state(number - 1).filter(
            model__in={m for m, _ in keys}, object_id__in={pk for _, pk in keys}, withdrawn=False
        )
        before = {
            (row.model, row.object_id): row.data for row in earlier if (row.model, row.object_id) in keys
        }
    names = linked_names(rows, before, number)
    changes = []
    for row in rows:
        old = before.get((row.model, row.object_id))
        if row.withdrawn:
            action, data, at = "withdrawn", old or {}, number - 1
        elif old is None:
            action, data, at = "added", row.data, number
        else:
            action, data, at = "changed", row.data, number
        label = label_of(row.model, data, names)
        change = Change(action, row.model, row.object_id, label, link(row.model, row.object_id, data, at))
        if action == "changed":
            change.fields = field_changes(row.model, old, row.data, names)
        changes.append(change)
    return changes


def label_of(model: str, data: dict, names: dict) -> Text:
    """A short name for a row: its summary, name or title, in the reader's language when it has one,
    with the language it is in (a quote's is its source's)."""
    if model in ("pledges.pledgeparty", "pledges.meeting_hosts", "pledges.membership"):
        member = names.get(("pledges.member", data.get("member")), "")
        if model == "pledges.membership":
            return Text(f"{member}: {data.get('role', '')}".strip(": "), getattr(member, "lang", "en"))
        what = names.get(("pledges.pledge", data.get("pledge")), "") or names.get(
            ("pledges.meeting", data.get("meeting")), ""
        )
        return Text(f"{member} — {what}" if what else member, getattr(what or member, "lang", "en"))
    for name in NAMING_FIELDS:
        value, language = localised(data, name)
        if value:
            if name in ("quote", "passage"):
                language = names.get(("language", data.get("source")), CANONICAL_LANGUAGE)
            return Text(Truncator(" ".join(str(value).split())).chars(160), language)
    return Text("")


def localised(data: dict, name: str) -> tuple:
    """The field in the reader's language if the row has it there, with that language."""
    language = get_language()
    if language != CANONICAL_LANGUAGE and data.get(f"{name}_{language}"):
        return data[f"{name}_{language}"], language
    return data.get(name), CANONICAL_LANGUAGE


def linked_names(rows, before: dict, number: int) -> dict:
    """Names of the members, pledges, meetings, types and sources the rows point at, as of the release."""
    wanted = set()
    for row in rows:
        for data in (row.data, before.get((row.model, row.object_id))):
            for name, value in (data or {}).items():
                target = foreign_label(row.model, name)
                if target and value is not None:
                    wanted.add((target, value))
    if not wanted:
        return {}
    # Every version up to the release, newest first: the first with data names the row.
    found = ReleaseRow.objects.filter(
        release_id__lte=number,
        withdrawn=False,
        model__in={m for m, _ in wanted},
        object_id__in={pk for _, pk in wanted},
    ).order_by("-release_id")
    names = {}
    for row in found:
        if (row.model, row.object_id) in wanted and row.data:
            names.setdefault((row.model, row.object_id), label_of(row.model, row.data, {}))
            if row.model == "pledges.source":  # the language its quotes are in
                names.setdefault(("language", row.object_id), row.data.get("language") or CANONICAL_LANGUAGE)
    return names


def foreign_label(model: str, name: str) -> str | None:
    try:
        target = LABELS[model]._meta.get_field(name)
    except Exception:  # a field the model no longer has
        return None
    return target.related_model._meta.label_lower if target.is_relation and target.related_model else None


def shown(model: str, name: str, value, names: dict) -> str:
    """A field's value as a reader reads it: a choice by its label, a link by the name of its row."""
    if value is None or value == "":
        return "—"
    target = foreign_label(model, name)
    if target:
        return names.get((target, value)) or f"#{value}"
    try:
        choices = dict(LABELS[model]._meta.get_field(name).flatchoices)
    except Exception:
        choices = {}
    if value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    text = str(value)
    if len(text) > LONG_TEXT:
        return ngettext("%(count)s character", "%(count)s characters", len(text)) % {
            "count": f"{len(text):,}"
        }
    return text


def field_changes(model: str, old: dict, new: dict, names: dict) -> list[FieldChange]:
    changes = []
    for name in sorted({*old, *new}, key=lambda n: field_position(model, n)):
        if name in VOLATILE_FIELDS or old.get(name) == new.get(name):
            continue
        lang = field_language(model, name)
        changes.append(
            FieldChange(
                field_name(model, name),
                shown(model, name, old.get(name), names),
                shown(model, name, new.get(name), names),
                lang,
            )
        )
    return changes


def field_language(model: str, name: str) -> str:
    """The language a field's values are written in: its own for a text field ("summary_uk" is in
    Ukrainian, "summary" in English); none for choices, links, numbers and dates (shown as read)."""
    try:
        field = LABELS[model]._meta.get_field(name)
    except Exception:
        return ""
    if field.is_relation or field.choices or field.get_internal_type() not in ("CharField", "TextField"):
        return ""
    for code, _name in settings.LANGUAGES:
        if name.endswith(f"_{code}"):
            return code
    return CANONICAL_LANGUAGE


def field_position(model: str, name: str) -> int:
    names = [f.name for f in LABELS[model]._meta.concrete_fields]
    return names.index(name) if name in names else len(names)


def field_name(model: str, name: str) -> str:
    try:
        return capfirst(str(LABELS[model]._meta.get_field(name).verbose_name))
    except Exception:
        return name


def link(model: str, pk: int, data: dict, number: int) -> str | None:
    """The row's page (or the page it is shown on) as it is in release `number`."""
    routes = {
        "pledges.pledge": ("pledges:pledge_detail", "pk"),
        "pledges.member": ("pledges:member_detail", "slug"),
        "pledges.source": ("pledges:source_detail", "slug"),
        "pledges.pledgetype": ("pledges:type_detail", "slug"),
        "pledges.meeting": ("pledges:meeting_list", None),
        "pledges.headlinecount": ("pledges:meeting_list", None),
    }
    if model in ("pledges.citation", "pledges.pledgeparty") and data.get("pledge"):
        route, argument = "pledges:pledge_detail", data["pledge"]
    elif model in routes:
        route, key = routes[model]
        argument = pk if key == "pk" else data.get(key) if key else None
    else:
        return None
    prefix = get_script_prefix()
    set_script_prefix(f"/releases/{number}/")
    try:
        return reverse(route, args=[argument] if argument is not None else [])
    except Exception:
        return None
    finally:
        set_script_prefix(prefix)
