"""The editors' forms in the admin: sources, pledges and their citations, with friendly validation.

The database refuses what must never be stored (see the constraints in models.py); these forms say
why in words an editor understands, before the database has to, and keep the editor's input when
they refuse it.
"""

import datetime
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import forms
from django.core.validators import MinValueValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from pledges.conflicts import ThreeWayMergeMixin, opened_state_field
from pledges.models import (
    Citation,
    DatePrecision,
    HeadlineCount,
    Meeting,
    Member,
    Membership,
    Pledge,
    PledgeParty,
    PledgeType,
    Source,
    Status,
    iso_partial_date,
    membership_ref,
)
from pledges.services import publish_refusal, review_required
from pledges.text import clean_text

# simple_history stores the reason in a CharField of this length.
CHANGE_REASON_MAX_LENGTH = 100

# In English, as tests and other modules compare it; shown through gettext() in the editor's language.
NO_CITATION_MESSAGE = gettext_noop(
    "A published pledge needs at least one citation. Add a citation (source and quote), "
    "or untick “Published” to keep it as a draft."
)


# Under every Ukrainian field, beside its English twin.
UKRAINIAN_HELP = _(
    "The Ukrainian translation of the English above, which is the reference text. Names as Ukrainian "
    "media write them. Quotes are never translated: words quoted from a source stay as the source has "
    "them, inside “…”. Left empty, the public pages show the English, marked “in English”."
)


def mark_languages(form: forms.BaseForm) -> None:
    """Pair each English text with its Ukrainian twin (`summary` and `summary_uk`): the Ukrainian box
    says what it is, and each box names its language so spelling checkers and screen readers follow."""
    for name, field in form.fields.items():
        english = name.removesuffix("_uk")
        if name == english or english not in form.fields:
            continue
        field.help_text = UKRAINIAN_HELP
        field.widget.attrs["lang"] = "uk"
        form.fields[english].widget.attrs["lang"] = "en"


class CleanTextModelForm(ThreeWayMergeMixin, forms.ModelForm):
    """An editor's model form: its text input loses, before anything checks it, the control characters
    that XML forbids (pasted from PDFs; `controls_removed` names the fields that had some), and a save
    merges field by field with what another editor saved since the form was opened (pledges.conflicts).
    """

    controls_removed: tuple[str, ...] = ()
    opened_state = opened_state_field()
    merge_on_clean = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        mark_languages(self)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.merge_on_clean and self.instance.pk is not None:
            self.merge()
        return cleaned

    def full_clean(self) -> None:
        if self.is_bound and hasattr(self.data, "getlist"):
            data, changed = self.data.copy(), []
            for key in data:
                values = data.getlist(key)
                cleaned = [clean_text(value) if isinstance(value, str) else value for value in values]
                if cleaned != values:
                    data.setlist(key, cleaned)
                    changed.append(key.removeprefix(f"{self.prefix}-") if self.prefix else key)
            if changed:
                self.data, self.controls_removed = data, tuple(changed)
        super().full_clean()


TRACKING_PARAMETERS = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref_src)$", re.I)


def strip_tracking(url: str) -> str:
    """The address without tracking parameters (utm_source and the like), which say nothing of the page."""
    if not url or "?" not in url:
        return url
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMETERS.match(k)
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def comparable_url(url: str) -> str:
    """One form for addresses of the same page: no scheme, case, trailing slash or tracking parameters."""
    parts = urlsplit(strip_tracking(url).strip())
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.lower()}{path.lower()}{query.lower()}"


class PartialDate:
    """A date as typed: its first day and how precise it is."""

    def __init__(self, value, precision: DatePrecision) -> None:
        self.value, self.precision = value, precision


class PartialDateField(forms.CharField):
    """A date typed as 2025-07-10, 2025-07 or 2025 (ISO 8601, as precise as the source)."""

    help = _("As precise as the source: 2025-07-10, 2025-07 or 2025. Leave empty when it gives no date.")
    pattern = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        self.widget.attrs.update({"placeholder": "YYYY-MM-DD", "inputmode": "numeric", "size": 12})

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return PartialDate(None, DatePrecision.UNKNOWN)
        match = self.pattern.match(text)
        if not match:
            raise forms.ValidationError(
                gettext(
                    "“%(text)s” is not a date: type it as 2025-07-10, 2025-07 (a month) or 2025 (a year)."
                )
                % {"text": text},
                code="invalid_date",
            )
        year, month, day = match.groups()
        precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
        try:
            value = datetime.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise forms.ValidationError(
                gettext("%(text)s does not exist in the calendar: check the month and the day.")
                % {"text": text},
                code="invalid_date",
            ) from None
        return PartialDate(value, precision)


class PartialDateMixin:
    """Keep each date and its precision in agreement, as the database requires.

    `partial_dates` lists (date field, precision field) pairs. A date needs a precision of day,
    month or year; a precision other than unknown needs a date. When an editor clears a date that
    was set, the precision becomes "unknown" by itself: clearing the date says exactly that.
    """

    partial_dates: tuple[tuple[str, str], ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for date_field, precision_field in self.partial_dates:
            if date_field not in self.fields:
                continue
            old = self.fields[date_field]
            self.fields[date_field] = PartialDateField(
                label=old.label, required=old.required, help_text=old.help_text or PartialDateField.help
            )
            if self.instance.pk is not None:
                value = getattr(self.instance, date_field)
                precision = getattr(self.instance, precision_field, DatePrecision.DAY)
                self.initial[date_field] = iso_partial_date(value, precision) if value else ""

    def clean(self) -> dict:
        for date_field, precision_field in self.partial_dates:
            typed = self.cleaned_data.get(date_field)
            if not isinstance(typed, PartialDate):
                continue
            self.cleaned_data[date_field] = typed.value
            chosen = DatePrecision(self.cleaned_data.get(precision_field) or DatePrecision.UNKNOWN)
            if typed.value is None or precision_field not in self.fields:
                continue
            if chosen == DatePrecision.UNKNOWN or precision_field not in self.changed_data:
                # The precision follows what was typed: 2025 is a year, 2025-07 a month.
                self.cleaned_data[precision_field] = typed.precision
            elif typed.precision == DatePrecision.DAY and chosen != DatePrecision.DAY:
                if not (chosen == DatePrecision.MONTH and typed.value.day == 1) and not (
                    chosen == DatePrecision.YEAR and (typed.value.month, typed.value.day) == (1, 1)
                ):
                    shown = iso_partial_date(typed.value, chosen)
                    self.add_error(
                        precision_field,
                        forms.ValidationError(
                            gettext(
                                "You typed a full date (%(date)s) but chose “%(precision)s”: type %(shown)s "
                                "for a %(unit)s, or choose “Day”."
                            )
                            % {
                                "date": typed.value.isoformat(),
                                "precision": chosen.label,
                                "shown": shown,
                                "unit": str(chosen.label).lower(),
                            },
                            code="precision_contradicts_date",
                        ),
                    )
                else:
                    self.cleaned_data[precision_field] = chosen
            elif typed.precision != DatePrecision.DAY and chosen == DatePrecision.DAY:
                self.add_error(
                    precision_field,
                    forms.ValidationError(
                        gettext(
                            "You typed %(typed)s, a %(unit)s, but chose “Day”: type the full date, or choose "
                            "“%(precision)s”."
                        )
                        % {
                            "typed": iso_partial_date(typed.value, typed.precision),
                            "unit": str(typed.precision.label).lower(),
                            "precision": typed.precision.label,
                        },
                        code="precision_contradicts_date",
                    ),
                )
            else:
                self.cleaned_data[precision_field] = typed.precision
        cleaned = super().clean()
        for date_field, precision_field in self.partial_dates:
            if date_field not in self.fields or precision_field not in self.fields:
                continue
            if date_field in self.errors or precision_field in self.errors:
                continue
            value = cleaned.get(date_field)
            precision = cleaned.get(precision_field) or DatePrecision.UNKNOWN
            if value is not None and precision == DatePrecision.UNKNOWN:
                self.add_error(
                    precision_field,
                    forms.ValidationError(
                        gettext(
                            "Say how precise the date is: day, month or year. "
                            "If the source gives no date, clear the date instead."
                        ),
                        code="date_needs_precision",
                    ),
                )
            elif value is None and precision != DatePrecision.UNKNOWN:
                if self.initial.get(date_field) is not None and date_field in self.changed_data:
                    cleaned[precision_field] = DatePrecision.UNKNOWN
                else:
                    self.add_error(
                        date_field,
                        forms.ValidationError(
                            gettext(
                                "Enter the date, or set the precision to “Unknown” if the source gives none."
                            ),
                            code="precision_needs_date",
                        ),
                    )
        return cleaned


class SlugFromNameMixin:
    """Fill an empty slug from the name or title, so the form also works without JavaScript."""

    slug_source_field = "name"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "Left empty, it is made from the " + self.slug_source_field + "."

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug")
        if slug:
            return slug
        base = slugify(self.data.get(self.add_prefix(self.slug_source_field), ""))[:90]
        if not base:
            # The name or title field reports its own "required" error.
            return ""
        model = self._meta.model
        taken = set(
            model.objects.filter(slug__startswith=base)
            .exclude(pk=self.instance.pk)
            .values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug


class SourceAdminForm(SlugFromNameMixin, CleanTextModelForm):
    slug_source_field = "title"

    class Meta:
        model = Source
        fields = (
            "title",
            "slug",
            "publisher",
            "kind",
            "url",
            "published_on",
            "covers_from",
            "covers_to",
            "seen_on",
            "language",
            "description",
            "description_uk",
            "text",
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "language" in self.fields:
            # Most documents are English: left empty, the language is the model's default.
            self.fields["language"].required = False
            self.fields["language"].widget.attrs["size"] = 8

    def clean_language(self) -> str:
        return (self.cleaned_data.get("language") or "").strip() or Source._meta.get_field("language").default

    def clean_url(self) -> str:
        """Refuse a URL already recorded, also written with another scheme, case, trailing slash or
        tracking parameters (utm_*, fbclid…), which are dropped from the address kept."""
        url = strip_tracking(self.cleaned_data.get("url", ""))
        if not url:
            return url
        key = comparable_url(url)
        path_start = key.split("?", 1)[0]
        candidates = Source.objects.filter(url__icontains=path_start.split("/", 1)[0]).exclude(
            pk=self.instance.pk
        )
        existing = next(
            (s for s in candidates.only("pk", "title", "url") if comparable_url(s.url) == key), None
        )
        if existing is not None:
            link = reverse("admin:pledges_source_change", args=[existing.pk])
            raise forms.ValidationError(
                format_html(
                    gettext(
                        'This URL is already recorded for the source <a href="{}">{}</a>. '
                        "Cite that source instead of adding it again."
                    ),
                    link,
                    existing.title,
                ),
                code="duplicate_url",
            )
        return url

    def clean(self) -> dict:
        cleaned = super().clean()
        if "_cite" in self.data and not (cleaned.get("text") or "").strip():
            self.add_error(
                "text",
                forms.ValidationError(
                    gettext(
                        "To record facts from this source, paste its text here first: quotes are checked "
                        "against the archived text. Or choose “Save” to keep the source without text for now."
                    ),
                    code="cite_needs_text",
                ),
            )
        start, end = cleaned.get("covers_from"), cleaned.get("covers_to")
        if start and end and start > end:
            self.add_error(
                "covers_to",
                forms.ValidationError(
                    gettext("The last date covered cannot come before the first."), code="covers_out_of_order"
                ),
            )
        return cleaned


class MemberAdminForm(SlugFromNameMixin, CleanTextModelForm):
    class Meta:
        model = Member
        fields = (
            "name",
            "name_uk",
            "slug",
            "kind",
            "country",
            "region",
            "part_of",
            "description",
            "description_uk",
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("kind") == Member.Kind.COUNTRY
            and not cleaned.get("country")
            and "country" in self.fields
        ):
            self.add_error(
                "country",
                forms.ValidationError(
                    gettext("Choose the country for a member of kind “Country”."), code="no_country"
                ),
            )
        return cleaned


class PledgeTypeAdminForm(SlugFromNameMixin, CleanTextModelForm):
    class Meta:
        model = PledgeType
        fields = ("name", "name_uk", "slug", "description", "description_uk", "order")


class MembershipAdminForm(PartialDateMixin, CleanTextModelForm):
    partial_dates = (("since", "since_precision"),)

    class Meta:
        model = Membership
        fields = (
            "member",
            "role",
            "detail",
            "detail_uk",
            "meeting",
            "since",
            "since_precision",
            "ref",
            "note",
            "note_uk",
            "is_published",
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "ref" in self.fields:
            self.fields["ref"].required = False
            self.fields["ref"].help_text = "Left empty, it is made from the member, the role and the detail."

    def clean(self) -> dict:
        cleaned = super().clean()
        member = cleaned.get("member") or getattr(self.instance, "member", None)
        if "ref" in self.fields and not cleaned.get("ref") and member and cleaned.get("role"):
            cleaned["ref"] = membership_ref(
                member.slug, cleaned["role"], slugify(cleaned.get("detail", ""))[:40]
            )
            self.instance.ref = cleaned["ref"]
        return cleaned


class MeetingAdminForm(SlugFromNameMixin, PartialDateMixin, CleanTextModelForm):
    slug_source_field = "title"
    partial_dates = (("held_on", "held_precision"),)

    class Meta:
        model = Meeting
        fields = (
            "title",
            "title_uk",
            "slug",
            "held_on",
            "held_precision",
            "place",
            "place_uk",
            "format",
            "hosts",
            "agreed",
            "agreed_uk",
            "is_published",
        )


class HeadlineCountAdminForm(PartialDateMixin, CleanTextModelForm):
    partial_dates = (("as_of", "as_of_precision"),)

    class Meta:
        model = HeadlineCount
        fields = (
            "slug",
            "number",
            "qualifier",
            "counts",
            "counts_uk",
            "kind",
            "as_of",
            "as_of_precision",
            "meeting",
            "note",
            "is_published",
        )


class PledgeAdminForm(PartialDateMixin, CleanTextModelForm):
    """A pledge with its cross-field rules, a change reason for the history, and a version check.

    `opened_version` carries the version the editor opened. On save, clean() locks the pledge's row
    and compares: if another editor saved in between, the form is refused with what they changed,
    and the editor's own input stays in the form. The admin's save then bumps the version with a
    conditional UPDATE in the same transaction.
    """

    partial_dates = (("announced_on", "announced_precision"), ("reported_on", "reported_precision"))

    # Set to False where no citation formset comes with the form (reverting from the history):
    # publishing is then checked against the citations in the database.
    citations_in_formset = True

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    opened_state = opened_state_field()
    # Merged in check_version, under the row lock, and never without the state it was opened with.
    merge_on_clean = False
    merge_strict = True
    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        max_length=CHANGE_REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=_("Optional. Kept in the history with your change, for other editors."),
    )

    class Meta:
        model = Pledge
        fields = (
            "pledge_type",
            "status",
            "summary",
            "summary_uk",
            "conditions",
            "conditions_uk",
            "announced_on",
            "announced_precision",
            "reported_on",
            "reported_precision",
            "quantity",
            "quantity_qualifier",
            "quantity_unit",
            "quantity_unit_uk",
            "amount",
            "amount_qualifier",
            "currency",
            "note",
            "note_uk",
            "editor_note",
            "is_published",
        )
        labels = {"is_published": _("Published")}
        help_texts = {
            "is_published": _(
                "Ticked: visible to the public. Needs at least one citation. "
                "Unticked: a draft only editors see."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = (
            self.opened_version_from().version if self.instance.pk else None
        )
        # The database refuses negative numbers; the browser and the form say so at the field first.
        for name in ("quantity", "amount"):
            if name in self.fields:
                self.fields[name].min_value = 0
                self.fields[name].widget.attrs["min"] = "0"
                self.fields[name].validators.append(MinValueValidator(0, message="Enter zero or more."))

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("amount") is not None and not cleaned.get("currency") and "currency" in self.fields:
            self.add_error(
                "currency",
                forms.ValidationError(
                    gettext("Choose the currency of the amount."), code="amount_needs_currency"
                ),
            )
        if cleaned.get("quantity") is not None and not cleaned.get("quantity_unit"):
            self.add_error(
                "quantity_unit",
                forms.ValidationError(
                    gettext("Say what the quantity counts, for example “Patriot systems”."),
                    code="quantity_needs_unit",
                ),
            )
        if cleaned.get("is_published") and not (self.instance.pk and self.initial.get("is_published")):
            refusal = publish_refusal(self.instance, self.editing_user)
            if refusal:
                self.add_error("is_published", forms.ValidationError(refusal, code="not_reviewed"))
        if self.instance.pk:
            self.check_version(cleaned)
        if cleaned.get("is_published") and not self.citations_in_formset and self.instance.pk:
            if not Citation.objects.filter(pledge_id=self.instance.pk).exists():
                self.add_error(
                    "is_published", forms.ValidationError(gettext(NO_CITATION_MESSAGE), code="no_citation")
                )
        return cleaned

    def opened_version_from(self) -> Pledge:
        return self.instance

    def check_version(self, cleaned: dict) -> None:
        """Merge with what was saved since this form was opened (see pledges.conflicts).

        The pledge's row is locked until the save commits, so two saves cannot both pass; after a
        clean merge the version check in the admin's save is satisfied with the version merged with.
        """
        opened = cleaned.get("opened_version")
        if opened is None:
            raise forms.ValidationError(
                gettext(
                    "This form is missing the version it was opened with. Reload the page and try again."
                ),
                code="missing_version",
            )
        rows = Pledge.objects.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            # Holds the row until the save commits, so two saves cannot both pass this check.
            rows = rows.select_for_update()
        current = rows.first()
        if current is None or current.version == opened:
            return
        self.merge()
        if not self.errors:
            cleaned["opened_version"] = current.version


class CitationInlineForm(CleanTextModelForm):
    """A citation inside its fact's form, merged field by field with changes saved since the form was
    opened (pledges.conflicts). One filled in from the source's "cite" page counts as entered even if
    the editor leaves it as it is (a formset would otherwise skip an extra form left unchanged)."""

    def has_changed(self) -> bool:
        prefilled = not self.instance.pk and bool(self.initial.get("quote"))
        return prefilled or super().has_changed()


NO_PARTY_MESSAGE = gettext_noop("Name at least one party: the member (or group) whose pledge this is.")


class PledgePartyFormSet(forms.BaseInlineFormSet):
    """The parties of a pledge: at least one, each member once, numbered in the order given."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and form.cleaned_data.get("member")
            and not self._should_delete_form(form)
        ]
        if not kept:
            raise forms.ValidationError(gettext(NO_PARTY_MESSAGE), code="no_party")
        seen = set()
        for form in kept:
            member = form.cleaned_data["member"]
            if member.pk in seen:
                form.add_error(
                    "member", forms.ValidationError(gettext("This member is already a party."), code="twice")
                )
            seen.add(member.pk)


class PledgeCitationFormSet(forms.BaseInlineFormSet):
    """The citations of a pledge: a published pledge must keep at least one."""

    def clean(self) -> None:
        super().clean()
        pledge = self.instance
        if not pledge.is_published:
            return
        remaining = [
            form
            for form in self.forms
            if (form.instance.pk or form.has_changed())
            and not (hasattr(form, "cleaned_data") and self._should_delete_form(form))
        ]
        if not remaining:
            raise forms.ValidationError(gettext(NO_CITATION_MESSAGE), code="no_citation")


class CitationAdminForm(CleanTextModelForm):
    """A citation on its own page: moving or re-pointing it must not leave a published pledge bare."""

    class Meta:
        model = Citation
        fields = (
            "source",
            "quote",
            "part",
            "locator",
            "note",
            "note_uk",
            "editor_note",
            "pledge",
            "membership",
            "meeting",
            "headline_count",
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        targets = [name for name in Citation.TARGETS if cleaned.get(name) is not None]
        if any(name in self.errors for name in Citation.TARGETS):
            return cleaned
        if len(targets) != 1:
            # On a field, so the database constraint saying the same in its own words is not checked too.
            self.add_error(
                "pledge",
                forms.ValidationError(
                    gettext(
                        "A citation supports exactly one fact: choose one pledge, membership, meeting "
                        "or count."
                    ),
                    code="one_target",
                ),
            )
            return cleaned
        old_pledge_id = self.initial.get("pledge") if self.instance.pk else None
        new_pledge = cleaned.get("pledge")
        if old_pledge_id and (new_pledge is None or new_pledge.pk != old_pledge_id):
            others = Citation.objects.filter(pledge_id=old_pledge_id).exclude(pk=self.instance.pk)
            if Pledge.objects.filter(pk=old_pledge_id, is_published=True).exists() and not others.exists():
                raise forms.ValidationError(
                    gettext(
                        "This is the only citation of a published pledge. Add another citation to that "
                        "pledge, or unpublish it, before moving this one."
                    ),
                    code="last_citation",
                )
        return cleaned


# The embed page's options (public, read-only: a query string, not a form anyone submits).
THEMES = ("light", "dark")


class SlugListField(forms.Field):
    """Slugs given comma-separated, repeated, or both: `?types=a,b&types=c`."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        values = value if isinstance(value, list | tuple) else [value or ""]
        return list(
            dict.fromkeys(slug.strip() for item in values for slug in item.split(",") if slug.strip())
        )


class EmbedOptionsForm(forms.Form):
    """The embed page's query string: `types=troops,air-policing` (or repeated) and `theme=light|dark`."""

    types = SlugListField(required=False)
    theme = forms.ChoiceField(
        required=False,
        choices=[(theme, theme) for theme in THEMES],
        error_messages={"invalid_choice": "Choose theme=light or theme=dark, not “%(value)s”."},
    )

    def clean_types(self) -> list[PledgeType]:
        """The pledge types named; one query when any are named, none otherwise."""
        slugs = self.cleaned_data["types"]
        if not slugs:
            return []
        found = list(PledgeType.objects.filter(slug__in=slugs))
        unknown = [slug for slug in slugs if slug not in {t.slug for t in found}]
        if unknown:
            known = PledgeType.objects.values_list("slug", flat=True)
            raise forms.ValidationError(
                "Unknown pledge type: %(slugs)s. Choose from: %(known)s.",
                code="unknown_type",
                params={"slugs": ", ".join(unknown), "known": ", ".join(known)},
            )
        return found


class QuickPledgeForm(PartialDateMixin, forms.Form):
    """One cited pledge recorded from a passage of a source, on the source's "cite" page.

    The quote comes from the passage the editor selected, so it matches by construction; the member
    may be one already recorded or a new one named here (its country code found from its name).
    """

    partial_dates = (("announced_on", "announced_precision"),)

    quote = forms.CharField(
        label=_("Quote"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text=_(
            "Select a passage in the text above, or choose “Quote this paragraph”, then trim it here."
        ),
    )
    locator = forms.CharField(
        label=_("Locator"), max_length=300, required=False, help_text=_("Filled in from the paragraph.")
    )
    member = forms.ModelChoiceField(
        queryset=Member.objects.order_by("name"), required=False, label=_("Member (already recorded)")
    )
    new_member = forms.CharField(
        max_length=200,
        required=False,
        label=_("…or a new member"),
        help_text=_("Its name, for example “Spain”. A country’s code is found from its name."),
    )
    new_member_kind = forms.ChoiceField(
        choices=Member.Kind.choices, initial=Member.Kind.COUNTRY, label=_("Kind")
    )
    pledge_type = forms.ModelChoiceField(queryset=PledgeType.objects.all(), label=_("Type of help"))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("— choose —")), *Status.choices],
        help_text=_("See the codebook on the public About page: an offer on the ladder, or a stance."),
    )
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"})
    )
    summary_uk = forms.CharField(
        label=_("Summary (Ukrainian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: once a ceasefire is agreed."),
    )
    announced_on = forms.DateField(required=False, label=_("Announced on"))
    announced_precision = forms.ChoiceField(
        choices=DatePrecision.choices, initial=DatePrecision.UNKNOWN, required=False, label=_("Precision")
    )
    publish = forms.BooleanField(
        required=False, label=_("Publish now"), help_text=_("Unticked, the pledge is saved as a draft.")
    )

    def __init__(self, *args, source: Source, **kwargs) -> None:
        self.source = source
        self.instance = Pledge()  # PartialDateMixin reads the instance for an initial date
        super().__init__(*args, **kwargs)
        mark_languages(self)
        if review_required():
            self.fields["publish"].label = _("Mark ready for review")
            self.fields["publish"].help_text = _(
                "Review before publishing is on: another editor publishes it."
            )

    def full_clean(self) -> None:
        if self.is_bound and hasattr(self.data, "getlist"):
            self.data, removed = self.data.copy(), []
            for key in self.data:
                values = self.data.getlist(key)
                cleaned = [clean_text(v) for v in values]
                if cleaned != values:
                    self.data.setlist(key, cleaned)
                    removed.append(key)
            self.controls_removed = tuple(removed)
        super().full_clean()

    def clean(self) -> dict:
        cleaned = super().clean()
        member, name = cleaned.get("member"), (cleaned.get("new_member") or "").strip()
        if member and name:
            self.add_error("new_member", gettext("Choose a recorded member or name a new one, not both."))
        elif not member and not name:
            self.add_error("member", forms.ValidationError(gettext(NO_PARTY_MESSAGE), code="no_party"))
        elif name:
            existing = Member.objects.filter(name__iexact=name).first()
            if existing:
                self.add_error(
                    "new_member",
                    forms.ValidationError(
                        gettext("“%(name)s” is already recorded: choose it in the list above.")
                        % {"name": existing.name},
                        code="exists",
                    ),
                )
            elif cleaned.get("new_member_kind") == Member.Kind.COUNTRY and not countries.by_name(name):
                self.add_error(
                    "new_member",
                    forms.ValidationError(
                        gettext(
                            "No country is called “%(name)s” in ISO 3166 (the English short name, for "
                            "example “Czechia” or “United Kingdom”). Check the spelling, or choose "
                            "another kind."
                        )
                        % {"name": name},
                        code="unknown_country",
                    ),
                )
        quote = cleaned.get("quote")
        if quote:
            citation = Citation(source=self.source, quote=quote, pledge=Pledge())
            try:
                citation.clean()
            except forms.ValidationError as error:
                for messages in error.message_dict.values():
                    for message in messages:
                        self.add_error("quote", message)
        return cleaned

    def save(self, user) -> Pledge:
        """The member (if new), the pledge, its party and its citation, in one transaction."""
        data = self.cleaned_data
        with transaction.atomic():
            member = data["member"]
            if member is None:
                name = data["new_member"].strip()
                kind = data["new_member_kind"]
                member = Member(name=name, kind=kind, slug=unique_slug(Member, name))
                if kind == Member.Kind.COUNTRY:
                    member.country = countries.by_name(name)
                member._history_user = user
                member.save()
            pledge = Pledge(
                pledge_type=data["pledge_type"],
                status=data["status"],
                summary=data["summary"],
                summary_uk=data.get("summary_uk", ""),
                conditions=data.get("conditions", ""),
                announced_on=data.get("announced_on"),
                announced_precision=data.get("announced_precision") or DatePrecision.UNKNOWN,
                is_published=False,
            )
            pledge.ref = pledge.make_ref(lead=member)
            pledge._history_user = user
            pledge._change_reason = "Recorded from a passage of its source"
            pledge.save()
            PledgeParty.objects.create(pledge=pledge, member=member, position=0)
            citation = Citation(
                source=self.source, quote=data["quote"], locator=data.get("locator", ""), pledge=pledge
            )
            citation._history_user = user
            citation.save()
            if data.get("publish") and review_required():
                pledge.ready_by, pledge.ready_at = user, timezone.now()
                pledge.version += 1
                pledge._change_reason = "Marked ready for review"
                pledge.save(update_fields=["ready_by", "ready_at", "version", "updated_at"])
            elif data.get("publish"):
                pledge.is_published = True
                pledge.version += 1
                pledge._change_reason = "Published"
                pledge.save(update_fields=["is_published", "version", "updated_at"])
        return pledge


def unique_slug(model, name: str) -> str:
    base = slugify(name)[:90] or "member"
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
