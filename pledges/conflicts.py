"""Two editors on one record: a three-way merge, field by field, so nobody's work is silently lost.

Every editing form carries, signed, the values its record had when the form was opened (the base).
On save, each field compares three values: the base, the record as saved now (theirs) and the form's
(yours). A field only one side changed takes that side's value; a field both changed differently is a
conflict, shown with both values and a choice of which to keep. Nothing the editor did not touch
changes, and nothing the other editor did is overwritten unseen.
"""

from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.core import signing
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

SIGNER = signing.Signer(salt="pledges.conflicts.opened-state")
KEEP_MINE, KEEP_THEIRS = "mine", "theirs"


def comparable(value):
    """A value reduced to what decides whether two versions agree: keys for objects, text for numbers."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | models.QuerySet):
        return sorted(comparable(item) for item in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value == "":
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # a country, a JSON value: compared as text


def shown(value) -> str:
    if value in (None, "", []):
        return gettext("(empty)")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or gettext("(empty)")
    return str(value)


def opened_state_field() -> forms.CharField:
    """Declare it on the form (`opened_state = opened_state_field()`) so the admin renders it."""
    return forms.CharField(widget=forms.HiddenInput, required=False)


class ThreeWayMergeMixin:
    """For ModelForms: merge with what was saved since the form was opened (see the module docstring).

    `editing_user` (set on the form class by the admin) tells "you, in another tab" from another editor.
    Call `merge()` at the end of `clean()`; it reports whether anyone saved in between.
    """

    merge_exclude: tuple[str, ...] = ("is_published",)
    editing_user = None
    # Strict forms refuse a save that does not say what the record held when opened (the pledge form,
    # whose versions are checked); others then save as before, unmerged.
    merge_strict = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "opened_state" not in self.fields:
            self.fields["opened_state"] = opened_state_field()
        if self.instance.pk is not None:
            self.fields["opened_state"].initial = SIGNER.sign_object(self.state_of(self.opened_from()))
        self.merged_fields: list[str] = []

    def opened_from(self):
        """The record as it stands when the form opens: the instance (a revert form shows an old version
        and opens from the saved row instead)."""
        return self.instance

    def tracked_fields(self) -> list[str]:
        names = []
        for name in self.fields:
            if name in self.merge_exclude or name == "opened_state":
                continue
            try:
                field = self._meta.model._meta.get_field(name)
            except Exception:  # noqa: BLE001 - a form-only field: not merged
                continue
            if field.concrete or field.many_to_many:
                names.append(name)
        return names

    def model_value(self, instance, name: str):
        field = self._meta.model._meta.get_field(name)
        if field.many_to_many:
            return list(getattr(instance, name).all()) if instance.pk else []
        return getattr(instance, name)

    def state_of(self, instance) -> dict:
        return {name: comparable(self.model_value(instance, name)) for name in self.tracked_fields()}

    def display_of(self, instance, name: str) -> str:
        getter = getattr(instance, f"get_{name}_display", None)
        return shown(getter() if getter else self.model_value(instance, name))

    def saved_by(self) -> str:
        latest = self.instance.history.select_related("history_user").first() if self.instance.pk else None
        if latest is None or latest.history_user is None:
            return gettext("another editor")
        if self.editing_user is not None and latest.history_user.pk == self.editing_user.pk:
            return gettext("you, in another tab or window")
        return latest.history_user.get_username()

    def merge(self) -> bool:
        """Merge this form's values with the record as saved now; True if it had changed meanwhile."""
        if self.instance.pk is None:
            return False
        try:
            base = SIGNER.unsign_object(self.data.get(self.add_prefix("opened_state"), ""))
        except signing.BadSignature:
            if not self.merge_strict:
                return False
            self.add_error(
                None,
                forms.ValidationError(
                    gettext(
                        "This form does not say what the record held when it was opened, so it cannot be "
                        "merged safely with changes saved since. Copy what you typed, reload the page and "
                        "enter it again."
                    ),
                    code="missing_opened_state",
                ),
            )
            return True
        saved = self._meta.model._default_manager.filter(pk=self.instance.pk).first()
        if saved is None:
            return False
        theirs = self.state_of(saved)
        if theirs == base:
            return False
        conflicts = []
        for name in self.tracked_fields():
            if name not in self.cleaned_data or name in self.errors:
                continue
            mine = comparable(self.cleaned_data[name])
            before, now = base.get(name), theirs.get(name)
            if now == before or mine == now:
                continue  # only this editor changed it, or both made the same change
            if mine == before:
                self.cleaned_data[name] = self.model_value(saved, name)  # only they changed it: theirs
                self.merged_fields.append(name)
                continue
            keep = self.data.get(self.add_prefix(f"keep_{name}"))
            if keep == KEEP_THEIRS:
                self.cleaned_data[name] = self.model_value(saved, name)
            elif keep != KEEP_MINE:
                conflicts.append((name, saved))
        who = self.saved_by()
        for name, saved_now in conflicts:
            self.add_error(name, self.conflict_choice(name, saved_now, who))
        if conflicts:
            labels = ", ".join(str(self.fields[name].label or name) for name, _ in conflicts)
            kept = ", ".join(str(self.fields[name].label or name) for name in self.merged_fields)
            message = gettext(
                "This was saved by %(who)s after you opened it. You both changed: %(fields)s. "
                "For each, choose below which value to keep, then save again. "
            ) % {"who": who, "fields": labels}
            if kept:
                message += gettext("Their changes to %(fields)s are kept. ") % {"fields": kept}
            message += gettext("Nothing else you did not touch will change.")
            self.add_error(None, forms.ValidationError(message, code="changed_meanwhile"))
        return True

    def conflict_choice(self, name: str, saved, who: str) -> forms.ValidationError:
        """The field's three values and a choice between the two sides, as the field's error."""
        key = self.add_prefix(f"keep_{name}")
        try:
            opened = SIGNER.unsign_object(self.data.get(self.add_prefix("opened_state"), "")).get(name)
        except signing.BadSignature:
            opened = None
        mine = self.cleaned_data.get(name)
        options = format_html_join(
            " ",
            '<label><input type="radio" name="{}" value="{}"{}> {}</label>',
            (
                (key, KEEP_MINE, " checked", format_html(gettext("keep yours: “{}”"), shown(mine))),
                (
                    key,
                    KEEP_THEIRS,
                    "",
                    format_html(gettext("keep theirs: “{}”"), self.display_of(saved, name)),
                ),
            ),
        )
        return forms.ValidationError(
            format_html(
                gettext("Changed by {} too. When you opened the form: “{}”. Theirs: “{}”. Yours: “{}”. {}"),
                who,
                shown(opened),
                self.display_of(saved, name),
                shown(mine),
                format_html('<span class="conflict-choice">{}</span>', options),
            ),
            code="conflict",
        )
