"""The editors' workspace: every model, with history, citations inline and autocomplete.

Editors (the group `manage.py setup_roles` makes) add and correct the data here; every save is kept
in the history with who made it and why, and can be reverted. Pledges start as drafts and become
public when published, which needs a citation. Two editors saving the same pledge cannot overwrite
each other unknowingly: see PledgeAdminForm.
"""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.options import csrf_protect_m
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch, ProtectedError, Q, RestrictedError
from django.db.models.query import QuerySet
from django.forms import BaseInlineFormSet, ModelForm, Textarea
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pledges.editors_home import lacking_ukrainian
from pledges.forms import (
    CitationAdminForm,
    CitationInlineForm,
    CleanTextModelForm,
    HeadlineCountAdminForm,
    MeetingAdminForm,
    MemberAdminForm,
    MembershipAdminForm,
    PledgeAdminForm,
    PledgeCitationFormSet,
    PledgePartyFormSet,
    PledgeTypeAdminForm,
    QuickPledgeForm,
    SourceAdminForm,
)
from pledges.models import (
    Citation,
    HeadlineCount,
    Meeting,
    Member,
    Membership,
    Pledge,
    PledgeParty,
    PledgeType,
    Release,
    ReviewEntry,
    Source,
    SourcePart,
    normalise_whitespace,
    part_starts,
    parties_prefetch,
)
from pledges.releases import changed_since_latest, cut_release
from pledges.services import PublishResult, mark_ready, publish_pledges, review_required, unpublish_pledges

admin.site.site_header = _("Pledge tracker: editors")
admin.site.site_title = _("Pledge tracker admin")
admin.site.index_title = _("Data")

# How many protected objects a refusal message names before it says "and N more".
NAMED_IN_MESSAGE = 5


def admin_link(obj) -> str:
    """A link to an object's admin change page, with its name as the text."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, obj)


class UkrainianTranslationFilter(admin.SimpleListFilter):
    """Ukrainian translation, missing or present: missing when any of the record's English texts
    (summary, conditions, note; name, description…) has an empty Ukrainian twin."""

    title = _("Ukrainian translation")
    parameter_name = "ukrainian"

    def lookups(self, request: HttpRequest, model_admin) -> tuple:
        return (("missing", _("missing")), ("present", _("present")))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "missing":
            return queryset.filter(lacking_ukrainian(queryset.model))
        if self.value() == "present":
            return queryset.exclude(lacking_ukrainian(queryset.model))
        return queryset


def citation_prefill(source: Source, quote: str, locator: str) -> dict:
    """The query string that opens an add form with its first citation filled in."""
    return {"cite_source": source.pk, "cite_quote": quote, "cite_locator": locator}


def source_paragraphs(source: Source) -> list[dict]:
    """The archived text as numbered paragraphs (one per line), each with its part and its locator.

    Offsets are counted in the text with white space collapsed, as quotes and parts are matched.
    """
    starts = part_starts(normalise_whitespace(source.text), source.parts.all())
    paragraphs, at = [], 0
    for line in source.text.splitlines():
        text = normalise_whitespace(line)
        if not text:
            continue
        part = next((candidate for candidate, start in reversed(starts) if start <= at), None)
        number = len(paragraphs) + 1
        where = f"Part {part.position} ({part.title}), paragraph {number}" if part else f"Paragraph {number}"
        paragraphs.append({"number": number, "text": line.strip(), "part": part, "locator": where})
        at += len(text) + 1
    return paragraphs


def current_row(form):
    """The record as saved now (a revert form's instance is an old version)."""
    return type(form.instance)._default_manager.get(pk=form.instance.pk)


def saved_row(form) -> Pledge:
    """A revert form shows an old version; it was opened from the pledge as saved now."""
    return Pledge.objects.get(pk=form.instance.pk)


class CitationPrefillMixin:
    """Add forms opened from a source's "cite" page get their first citation filled in (source, quote,
    where), from `cite_source`, `cite_quote` and `cite_locator` in the address."""

    def get_formset_kwargs(self, request: HttpRequest, obj, inline, prefix: str) -> dict:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if request.method == "GET" and (obj is None or obj.pk is None) and issubclass(inline.model, Citation):
            source = request.GET.get("cite_source", "")
            if source.isdigit() and request.GET.get("cite_quote"):
                kwargs["initial"] = [
                    {
                        "source": int(source),
                        "quote": request.GET["cite_quote"],
                        "locator": request.GET.get("cite_locator", ""),
                    }
                ]
        return kwargs

    def get_inline_instances(self, request: HttpRequest, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if request.method == "GET" and obj is None and request.GET.get("cite_quote"):
            for inline in inlines:
                if issubclass(inline.model, Citation):
                    inline.extra = max(inline.extra, 1)
        return inlines

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        for key in ("cite_source", "cite_quote", "cite_locator"):
            initial.pop(key, None)
        return initial


class EditorAdmin(SimpleHistoryAdmin):
    """History, diffs and revert for every model, and a clear refusal when a delete is protected."""

    form = CleanTextModelForm
    object_history_list_template = "admin/pledges/object_history_list.html"
    object_history_form_template = "admin/pledges/object_history_form.html"
    # Shown under the list of what blocks a delete, saying what to do instead.
    protected_hint = ""

    # Records that belong to this one and whose changes its history shows: (label, model, key field).
    history_related: tuple[tuple[str, type, str], ...] = ()

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # Who is editing, so a conflict can say "you, in another tab" (pledges.conflicts). A revert
        # form shows an old version but was opened from the record as saved now.
        attrs = {"editing_user": request.user}
        if getattr(request, "reverting", False):
            attrs["opened_from"] = current_row
        return type(form.__name__, (form,), attrs)

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.history_compare_view),
            name="{}_{}_history_compare".format(*info),
        )
        return [compare, *super().get_urls()]

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None):
        """The record's versions, with a choice of two to compare, and the changes to its citations
        and parties (saved on their own pages or with it)."""
        related = []
        for label, model, key in self.history_related:
            records = list(
                model.history.filter(**{key: object_id})
                .select_related("history_user")
                .order_by("history_date")
            )
            previous: dict = {}
            for record in records:
                before = previous.get(record.id)
                record.changed_fields = (
                    [
                        (change.field, change.old, change.new)
                        for change in record.diff_against(before, foreign_keys_are_objs=False).changes
                    ]
                    if before is not None
                    else []
                )
                previous[record.id] = record
            related.append((label, list(reversed(records))[:50]))
        context = {
            "related_history": related,
            "compare_url_name": self.compare_url_name(),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def compare_url_name(self) -> str:
        return f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_history_compare"

    def history_compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Two saved versions side by side, field by field (`?a=<version>&b=<version>`)."""
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = self.model.history.filter(id=obj.pk).select_related("history_user")
        ids = [value for value in (request.GET.get("a"), request.GET.get("b")) if value and value.isdigit()]
        chosen = list(versions.filter(history_id__in=ids).order_by("history_date", "history_id"))
        if len(chosen) != 2:
            self.message_user(request, gettext("Choose two versions to compare."), messages.WARNING)
            return HttpResponseRedirect(
                reverse(
                    f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_history", args=[obj.pk]
                )
            )
        older, newer = chosen
        delta = newer.diff_against(older, foreign_keys_are_objs=True)
        changed = {change.field for change in delta.changes}
        rows = [
            (
                field.verbose_name,
                getattr(older, field.attname, ""),
                getattr(newer, field.attname, ""),
                field.attname in changed or field.name in changed,
            )
            for field in self.model.history.model._meta.fields
            if not field.name.startswith("history_") and field.name not in ("id",)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Compare two versions of “%(record)s”") % {"record": obj},
            "opts": self.model._meta,
            "original": obj,
            "older": older,
            "newer": newer,
            "rows": rows,
            "changed": sorted(changed),
        }
        return TemplateResponse(request, "admin/pledges/history_compare.html", context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        """A saved version, and what reverting to it would change in the record as it is now."""
        request.reverting = True
        current = self.model._default_manager.filter(pk=object_id).first()
        record = self.model.history.filter(id=object_id, history_id=version_id).first()
        changes = []
        if current is not None and record is not None:
            for field in self.model._meta.concrete_fields:
                if field.name in ("version", "updated_at", "created_at") or field.primary_key:
                    continue
                now, then = getattr(current, field.attname, None), getattr(record, field.attname, None)
                if now != then and not (now in (None, "") and then in (None, "")):
                    changes.append((field.verbose_name, now, then))
        context = {"revert_changes": changes, **(extra_context or {})}
        return super().history_form_view(request, object_id, version_id, context)

    def save_form(self, request: HttpRequest, form: ModelForm, change: bool):
        removed = getattr(form, "controls_removed", ())
        if removed:
            labels = ", ".join(
                str(form.fields[name].label or name) for name in removed if name in form.fields
            )
            self.message_user(
                request,
                gettext(
                    "Invisible control characters (often pasted from a PDF) were removed from: %(fields)s."
                )
                % {"fields": labels or ", ".join(removed)},
                messages.WARNING,
            )
        return super().save_form(request, form, change)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        context = {"protected_hint": self.protected_hint, **(extra_context or {})}
        try:
            return super().delete_view(request, object_id, context)
        except (ProtectedError, RestrictedError) as error:
            # The confirmation page lists what is protected, but something may be added in between.
            self.message_user(request, self.refusal_message(error), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def response_action(
        self, request: HttpRequest, queryset: QuerySet, *args, **kwargs
    ) -> HttpResponse | None:
        try:
            return super().response_action(request, queryset, *args, **kwargs)
        except (ProtectedError, RestrictedError) as error:
            self.message_user(request, self.refusal_message(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def refusal_message(self, error: ProtectedError | RestrictedError) -> str:
        blocking = list(getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", []))
        named = format_html_join(", ", "{}", ((str(obj),) for obj in blocking[:NAMED_IN_MESSAGE]))
        more = (
            gettext(" and %(count)d more") % {"count": len(blocking) - NAMED_IN_MESSAGE}
            if len(blocking) > NAMED_IN_MESSAGE
            else ""
        )
        return format_html(
            gettext("Nothing was deleted: other records depend on it ({}{}). {}"),
            named,
            more,
            self.protected_hint,
        )


class CitationInline(admin.StackedInline):
    model = Citation
    form = CitationInlineForm

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"editing_user": request.user})
        return formset

    extra = 0
    fields = ("source", "quote", "part", "locator", "note", "note_uk", "editor_note", "opened_state")
    autocomplete_fields = ("source",)


class PledgeCitationInline(CitationInline):
    fk_name = "pledge"
    formset: type[BaseInlineFormSet] = PledgeCitationFormSet

    def get_extra(self, request: HttpRequest, obj: Pledge | None = None, **kwargs) -> int:
        # A new pledge opens with one citation to fill in: it cannot be published without one.
        return 1 if obj is None else 0


class MembershipCitationInline(CitationInline):
    fk_name = "membership"


class MeetingCitationInline(CitationInline):
    fk_name = "meeting"


class CountCitationInline(CitationInline):
    fk_name = "headline_count"


class SourcePartInline(admin.TabularInline):
    model = SourcePart
    form = CleanTextModelForm
    extra = 0
    fields = (
        "position",
        "title",
        "title_uk",
        "starts_with",
        "dated_on",
        "dated_precision",
        "note",
        "note_uk",
        "opened_state",
    )


@admin.register(Source)
class SourceAdmin(EditorAdmin):
    form = SourceAdminForm
    list_display = ("title", "publisher", "kind", "published_on", "citation_count")
    list_filter = ("kind", "publisher")
    search_fields = ("title", "publisher", "slug", "url")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_on"
    fieldsets = (
        (None, {"fields": ("title", "slug", "publisher", "kind", "language", "url", "opened_state")}),
        (_("Dates"), {"fields": ("published_on", ("covers_from", "covers_to"), "seen_on")}),
        (
            _("Content"),
            {
                "fields": ("description", "description_uk", "text"),
                "description": _(
                    "Paste the document's text: quotes citing this source are checked against it. "
                    "The text and the title stay in the document's own language, never translated."
                ),
            },
        ),
    )
    inlines = (SourcePartInline,)
    protected_hint = _(
        "A source quoted by citations is kept so that every fact stays traceable. "
        "Point those citations at another source, or remove them, first."
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).annotate(citation_total=Count("citations"))

    def get_urls(self):
        cite = path(
            "<path:object_id>/cite/", self.admin_site.admin_view(self.cite_view), name="pledges_source_cite"
        )
        return [cite, *super().get_urls()]

    def response_add(self, request: HttpRequest, obj: Source, post_url_continue=None) -> HttpResponse:
        if "_cite" in request.POST and obj.text:
            return HttpResponseRedirect(reverse("admin:pledges_source_cite", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Source) -> HttpResponse:
        if "_cite" in request.POST and obj.text:
            return HttpResponseRedirect(reverse("admin:pledges_source_cite", args=[obj.pk]))
        return super().response_change(request, obj)

    def cite_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The source's text, paragraph by paragraph: select a passage and record a fact from it.

        The quote comes from the text itself, so it matches by construction; the pledge form is on the
        same page, and roles, meetings and counts open their own forms with the citation filled in.
        """
        source = get_object_or_404(Source.objects.prefetch_related("parts"), pk=object_id)
        if not self.has_view_permission(request, source) or not request.user.has_perm("pledges.add_pledge"):
            raise PermissionDenied
        paragraphs = source_paragraphs(source)
        if request.method == "POST":
            form = QuickPledgeForm(request.POST, source=source)
            if form.is_valid():
                pledge = form.save(request.user)
                removed = getattr(form, "controls_removed", ())
                if removed:
                    labels = ", ".join(
                        str(form.fields[name].label or name) for name in removed if name in form.fields
                    )
                    self.message_user(
                        request,
                        gettext(
                            "Invisible control characters (often pasted from a PDF) were removed from: "
                            "%(fields)s."
                        )
                        % {"fields": labels},
                        messages.WARNING,
                    )
                recorded = (
                    gettext(
                        'The pledge <a href="{}">{}</a> was published with its citation. Select another '
                        "passage to record the next fact."
                    )
                    if pledge.is_published
                    else gettext(
                        'The pledge <a href="{}">{}</a> was saved as a draft with its citation. Select '
                        "another passage to record the next fact."
                    )
                )
                self.message_user(
                    request,
                    format_html(recorded, reverse("admin:pledges_pledge_change", args=[pledge.pk]), pledge),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(request.path)
            status = 400
        else:
            quote, locator = request.GET.get("quote", ""), request.GET.get("locator", "")
            form = QuickPledgeForm(source=source, initial={"quote": quote, "locator": locator})
            status = 200
        quote = form["quote"].value() or ""
        locator = form["locator"].value() or ""
        prefill = urlencode(citation_prefill(source, quote, locator))
        links = {
            name: f"{reverse(f'admin:pledges_{name}_add')}?{prefill}"
            for name in ("pledge", "membership", "meeting", "headlinecount")
        }
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Record a fact from “%(source)s”") % {"source": source},
            "source": source,
            "paragraphs": paragraphs,
            "form": form,
            "links": links,
            "opts": self.model._meta,
            "original": source,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/pledges/source/cite.html", context, status=status)

    @admin.display(description=_("Citations"), ordering="citation_total")
    def citation_count(self, obj: Source) -> int:
        return obj.citation_total


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    extra = 0
    fields = (
        "role",
        "detail",
        "detail_uk",
        "since",
        "since_precision",
        "ref",
        "note",
        "note_uk",
        "is_published",
        "opened_state",
    )
    show_change_link = True


class PledgePartyInline(admin.TabularInline):
    """The parties of a pledge: the lead first (position 0), then whoever acts with it."""

    model = PledgeParty
    form = CleanTextModelForm
    formset = PledgePartyFormSet
    extra = 1
    fields = ("member", "position", "opened_state")
    autocomplete_fields = ("member",)
    verbose_name = _("party")
    verbose_name_plural = _("Parties (the lead first, where the text names one)")


@admin.register(ReviewEntry)
class ReviewEntryAdmin(EditorAdmin):
    """A source's review ledger: each passage about security help, and the facts it became or why not.

    `validate_data` fails while a sentence of a source that uses the words of security help is in no
    entry, or an entry names a fact that does not exist.
    """

    list_display = ("source", "position", "short_passage", "facts", "reason")
    list_filter = ("source", "reason")
    list_select_related = ("source",)
    search_fields = ("passage", "why")
    autocomplete_fields = ("source",)
    fields = ("source", "position", "passage", "part", "facts", "reason", "why", "why_uk", "opened_state")

    @admin.display(description=_("Passage"))
    def short_passage(self, obj: ReviewEntry) -> str:
        return obj.passage[:90]


@admin.register(Member)
class MemberAdmin(EditorAdmin):
    form = MemberAdminForm
    list_display = ("name", "name_uk", "slug", "kind", "country", "region")
    list_filter = ("kind", "region", UkrainianTranslationFilter)
    search_fields = ("name", "name_uk", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline,)
    protected_hint = _(
        "A member with pledges is kept: delete their pledges, or give them to another member, first."
    )


@admin.register(Membership)
class MembershipAdmin(CitationPrefillMixin, EditorAdmin):
    form = MembershipAdminForm
    list_display = ("member", "role", "detail", "since", "is_published")
    list_filter = ("role", "is_published")
    list_select_related = ("member",)
    search_fields = ("member__name", "detail", "detail_uk", "ref")
    autocomplete_fields = ("member", "meeting")
    inlines = (MembershipCitationInline,)


@admin.register(PledgeType)
class PledgeTypeAdmin(EditorAdmin):
    form = PledgeTypeAdminForm
    list_display = ("name", "name_uk", "slug", "order")
    list_editable = ("order",)
    list_filter = (UkrainianTranslationFilter,)
    search_fields = ("name", "name_uk", "slug")
    prepopulated_fields = {"slug": ("name",)}
    protected_hint = _("A type of help that pledges use is kept: move those pledges to another type first.")


@admin.register(Pledge)
class PledgeAdmin(CitationPrefillMixin, EditorAdmin):
    form = PledgeAdminForm
    list_display = (
        "parties",
        "short_summary",
        "pledge_type",
        "status",
        "announced_on",
        "citation_count",
        "is_published",
        "updated_at",
    )
    list_filter = (
        "is_published",
        ("ready_by", admin.EmptyFieldListFilter),
        "status",
        "pledge_type",
        "parties__member__region",
        UkrainianTranslationFilter,
    )
    list_select_related = ("pledge_type",)
    search_fields = (
        "summary",
        "summary_uk",
        "conditions",
        "conditions_uk",
        "parties__member__name",
        "parties__member__name_uk",
        "pledge_type__name",
        "ref",
    )
    autocomplete_fields = ("pledge_type",)
    readonly_fields = ("ref", "ready_by", "ready_at", "created_at", "updated_at")
    date_hierarchy = "announced_on"
    inlines = (PledgePartyInline, PledgeCitationInline)
    history_related = (("Its citations", Citation, "pledge_id"), ("Its parties", PledgeParty, "pledge_id"))
    actions = ("mark_ready_selected", "publish_selected", "unpublish_selected")
    fieldsets = (
        (None, {"fields": ("pledge_type", "status", "summary", "summary_uk", "conditions", "conditions_uk")}),
        (
            _("When"),
            {"fields": (("announced_on", "announced_precision"), ("reported_on", "reported_precision"))},
        ),
        (
            _("How much"),
            {
                "fields": (
                    ("quantity_qualifier", "quantity", "quantity_unit", "quantity_unit_uk"),
                    ("amount_qualifier", "amount", "currency"),
                )
            },
        ),
        (
            _("Review"),
            {
                "fields": (
                    "note",
                    "note_uk",
                    "editor_note",
                    "is_published",
                    "change_reason",
                    "opened_version",
                    "opened_state",
                    "ready_by",
                    "ready_at",
                    "ref",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Pledge]:
        return (
            super()
            .get_queryset(request)
            .annotate(citation_total=Count("citations", distinct=True))
            .prefetch_related(parties_prefetch())
        )

    @admin.display(description=_("Parties"))
    def parties(self, obj: Pledge) -> str:
        return obj.parties_display

    @admin.display(description=_("Summary"))
    def short_summary(self, obj: Pledge) -> str:
        return obj.summary if len(obj.summary) <= 90 else obj.summary[:89].rstrip() + "…"

    def get_fieldsets(self, request: HttpRequest, obj: Pledge | None = None):
        if obj is not None:
            return self.fieldsets
        # A new pledge has no reference or dates yet: no empty read-only rows.
        blank = set(self.readonly_fields)
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in blank]})
            for name, options in self.fieldsets
        ]

    @admin.display(description=_("Citations"), ordering="citation_total")
    def citation_count(self, obj: Pledge) -> int:
        return obj.citation_total

    def get_form(self, request: HttpRequest, obj: Pledge | None = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if getattr(request, "pledge_revert_reason", None):
            # Reverting saves the pledge alone: its citations are checked in the database.
            form = type(
                "PledgeRevertForm",
                (form,),
                {"citations_in_formset": False, "opened_from": saved_row, "opened_version_from": saved_row},
            )
        return form

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        record = Pledge.history.filter(id=object_id, history_id=version_id).first()
        when = f"{record.history_date:%d %B %Y %H:%M} UTC" if record else "an earlier date"
        request.pledge_revert_reason = f"Reverted to the version of {when}"
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        # Unlike the change form, simple_history does not save in a transaction: the version check
        # needs one to hold the pledge's row until the save.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request: HttpRequest, obj: Pledge, form: ModelForm, change: bool) -> None:
        obj._change_reason = form.cleaned_data.get("change_reason") or getattr(
            request, "pledge_revert_reason", None
        )
        if change:
            opened = form.cleaned_data["opened_version"]
            # The form's clean() compared versions with the row locked; this conditional UPDATE is the
            # compare-and-set itself, so the version moves on only from the one the editor opened.
            bumped = Pledge.objects.filter(pk=obj.pk, version=opened).update(version=F("version") + 1)
            if not bumped:
                raise RuntimeError(f"Pledge {obj.pk} changed after its version was checked.")
            obj.version = opened + 1
        super().save_model(request, obj, form, change)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        """Save the citations with the same change reason as the pledge, for their own history."""
        reason = form.cleaned_data.get("change_reason") or None
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj._change_reason = reason
            obj.delete()
        for obj in instances:
            obj._change_reason = reason
            obj.save()
        formset.save_m2m()

    @admin.action(description=_("Mark selected drafts ready for review"), permissions=["change"])
    def mark_ready_selected(self, request: HttpRequest, queryset: QuerySet[Pledge]) -> None:
        marked = len(mark_ready(queryset, request.user))
        message = (
            ngettext(
                "Marked %(count)d draft ready for review: another editor can now publish it.",
                "Marked %(count)d drafts ready for review: another editor can now publish them.",
                marked,
            )
            if review_required()
            else ngettext(
                "Marked %(count)d draft ready for review.",
                "Marked %(count)d drafts ready for review.",
                marked,
            )
        )
        self.message_user(request, message % {"count": marked}, messages.SUCCESS)

    @admin.action(description=_("Publish selected pledges"), permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Pledge]) -> None:
        self.report(request, publish_pledges(queryset, request.user), published=True)

    @admin.action(description=_("Unpublish selected pledges (back to drafts)"), permissions=["change"])
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[Pledge]) -> None:
        self.report(request, unpublish_pledges(queryset, request.user), published=False)

    def report(self, request: HttpRequest, result: PublishResult, published: bool) -> None:
        if result.changed:
            count = len(result.changed)
            done = (
                ngettext("Published %(count)d pledge.", "Published %(count)d pledges.", count)
                if published
                else ngettext("Unpublished %(count)d pledge.", "Unpublished %(count)d pledges.", count)
            )
            self.message_user(request, done % {"count": count}, messages.SUCCESS)
        if result.without_citation:
            self.message_user(
                request,
                format_html(
                    gettext(
                        "Not published, because they have no citation yet: {}. "
                        "Add a citation to each, then publish again."
                    ),
                    format_html_join(", ", "{}", ((admin_link(p),) for p in result.without_citation)),
                ),
                messages.WARNING,
            )
        if result.not_reviewed:
            self.message_user(
                request,
                format_html(
                    gettext(
                        "Not published, because review before publishing is on and another editor has not "
                        "marked them ready (or you marked them yourself): {}."
                    ),
                    format_html_join(", ", "{}", ((admin_link(p),) for p in result.not_reviewed)),
                ),
                messages.WARNING,
            )
        if (
            result.unchanged
            and not result.changed
            and not result.without_citation
            and not result.not_reviewed
        ):
            self.message_user(
                request,
                gettext("Nothing to do: the selected pledges were already published.")
                if published
                else gettext("Nothing to do: the selected pledges were already unpublished."),
            )


@admin.register(Meeting)
class MeetingAdmin(CitationPrefillMixin, EditorAdmin):
    form = MeetingAdminForm
    list_display = ("title", "held_on", "place", "format", "is_published")
    list_filter = ("format", "is_published", UkrainianTranslationFilter)
    search_fields = ("title", "title_uk", "place", "agreed", "agreed_uk")
    autocomplete_fields = ("hosts",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = (MeetingCitationInline,)


@admin.register(HeadlineCount)
class HeadlineCountAdmin(CitationPrefillMixin, EditorAdmin):
    form = HeadlineCountAdminForm
    list_display = ("__str__", "kind", "as_of", "is_published")
    list_filter = ("kind", "is_published", UkrainianTranslationFilter)
    list_select_related = ("meeting",)
    search_fields = ("counts", "counts_uk", "slug")
    autocomplete_fields = ("meeting",)
    inlines = (CountCitationInline,)


@admin.register(Citation)
class CitationAdmin(EditorAdmin):
    form = CitationAdminForm
    list_display = ("short_quote", "source", "locator", "pledge", "membership", "meeting", "headline_count")
    list_filter = ("source",)
    list_select_related = (
        "source",
        "pledge__pledge_type",
        "membership__member",
        "meeting",
        "headline_count",
    )
    search_fields = ("quote", "locator", "source__title")
    autocomplete_fields = ("source", "pledge", "membership", "meeting", "headline_count")
    protected_hint = _(
        "A published pledge keeps at least one citation: add another citation to it, "
        "or unpublish it, before deleting this one."
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Citation]:
        # A pledge's name lists its parties: loaded once for the page, not once per row.
        parties = Prefetch(
            "pledge__parties",
            queryset=PledgeParty.objects.select_related("member").order_by("position"),
            to_attr="party_list",
        )
        return super().get_queryset(request).prefetch_related(parties)

    @admin.display(description=_("Quote"))
    def short_quote(self, obj: Citation) -> str:
        return obj.quote[:80]

    def get_deleted_objects(self, objs, request: HttpRequest):
        """Also refuse deleting the last citations of a published pledge (the delete page lists why)."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        ids = [citation.pk for citation in objs]
        # A subquery, not a join, picks the pledges: the count must see all their citations.
        bare = (
            Pledge.objects.filter(
                pk__in=Citation.objects.filter(pk__in=ids).values("pledge_id"), is_published=True
            )
            .annotate(remaining=Count("citations", filter=~Q(citations__pk__in=ids)))
            .filter(remaining=0)
            .select_related("pledge_type")
        )
        protected = list(protected) + [
            format_html(gettext("{}: a published pledge, left without any citation"), admin_link(pledge))
            for pledge in bare
        ]
        return deleted, model_count, perms_needed, protected


class CutReleaseForm(ModelForm):
    """The note of the next release. Cutting it is the admin's save (ReleaseAdmin.save_model)."""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not changed_since_latest():
            raise ValidationError(
                _("Nothing public has changed since the latest release: there is nothing to release.")
            )
        return cleaned

    class Meta:
        model = Release
        fields = ("note", "note_uk")
        widgets = {"note": Textarea(attrs={"rows": 3}), "note_uk": Textarea(attrs={"rows": 3})}
        help_texts = {
            "note": _(
                "What this release brings, for readers: it is shown on the release's page and in its feed."
            ),
        }


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    """Releases are cut here ("Add release" cuts the next one from what is public now) and can then
    only be looked at: nobody changes or deletes one."""

    form = CutReleaseForm
    list_display = ("number", "cut_at", "cut_by", "note", "added", "changed", "withdrawn", "public_page")
    readonly_fields = (
        "number", "cut_at", "cut_by", "note", "note_uk", "added", "changed", "withdrawn", "rows_bytes",
        "files_bytes", "public_page",
    )  # fmt: skip
    actions = None

    def get_fields(self, request, obj=None):
        return ("note", "note_uk") if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("public page"))
    def public_page(self, obj):
        return format_html('<a href="{0}">{0}</a>', f"/releases/{obj.number}/")

    @csrf_protect_m
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Without the admin's one transaction around the whole view: cut_release keeps its own two
        short ones, so that editors saving meanwhile wait only while the data is read."""
        return self._changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Cut the release: its number, date and contents are the app's, not the form's."""
        try:
            release = cut_release(
                form.cleaned_data["note"],
                form.cleaned_data.get("note_uk", ""),
                by=request.user.get_username(),
            )
        except ValueError as error:  # another editor's cut, a moment earlier, released everything
            request.release_refused = str(error)
            return
        obj.__dict__.update({key: value for key, value in release.__dict__.items() if key != "_state"})
        obj._state.adding = False
        obj._state.db = release._state.db

    def save_related(self, request, form, formsets, change):
        """A release has nothing related to save from the form."""

    def log_addition(self, request, obj, message):
        if not getattr(request, "release_refused", None):
            super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if refused := getattr(request, "release_refused", None):
            self.message_user(request, refused, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:pledges_release_changelist"))
        return super().response_add(request, obj, post_url_continue)
