"""Work that spans several models in one transaction: publishing pledges, and the public change trail."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pledges.models import Pledge, format_number, format_partial_date, parties_prefetch, qualified
from pledges.models.common import format_money
from pledges.translations import translated

PUBLISHED_REASON = "Published"
UNPUBLISHED_REASON = "Unpublished"


@dataclass
class PublishResult:
    """What a publish (or unpublish) did: which pledges changed, which were left as they were and why."""

    changed: list[Pledge] = field(default_factory=list)
    unchanged: list[Pledge] = field(default_factory=list)
    without_citation: list[Pledge] = field(default_factory=list)
    not_reviewed: list[Pledge] = field(default_factory=list)


READY_REASON = "Marked ready for review"


def review_required() -> bool:
    return getattr(settings, "REVIEW_BEFORE_PUBLISH", False)


def publish_refusal(pledge: Pledge, user: AbstractBaseUser | None) -> str:
    """Why `user` may not publish this draft under review before publishing, or "" if they may."""
    if not review_required():
        return ""
    if pledge.ready_by_id is None:
        return "It has not been marked ready for review: mark it ready, then another editor publishes it."
    if user is not None and pledge.ready_by_id == user.pk:
        return "You marked it ready yourself: another editor reviews and publishes it."
    return ""


def mark_ready(queryset: QuerySet[Pledge], user: AbstractBaseUser) -> list[Pledge]:
    """Mark drafts ready for review, each saved on its own so its history names who marked it."""
    marked = []
    with transaction.atomic():
        for pledge in Pledge.objects.select_for_update().filter(
            pk__in=list(queryset.values_list("pk", flat=True)), is_published=False
        ):
            pledge.ready_by, pledge.ready_at = user, timezone.now()
            pledge.version += 1
            pledge._history_user, pledge._change_reason = user, READY_REASON
            pledge.save(update_fields=["ready_by", "ready_at", "version", "updated_at"])
            marked.append(pledge)
    return marked


def publish_pledges(queryset: QuerySet[Pledge], user: AbstractBaseUser | None) -> PublishResult:
    """Publish the pledges of `queryset` that have at least one citation, in one transaction.

    Pledges without a citation stay drafts and are listed in `without_citation`. Each pledge
    published is saved on its own, so its history records the editor, and its version moves on so
    that a change form opened before cannot silently unpublish it.
    """
    return _set_published(queryset, user, published=True)


def unpublish_pledges(queryset: QuerySet[Pledge], user: AbstractBaseUser | None) -> PublishResult:
    """Turn the pledges of `queryset` back into drafts, in one transaction, recording who did it."""
    return _set_published(queryset, user, published=False)


def _set_published(
    queryset: QuerySet[Pledge], user: AbstractBaseUser | None, *, published: bool
) -> PublishResult:
    result = PublishResult()
    with transaction.atomic():
        # Locked until the transaction ends, so a second publish or an edit waits for this one.
        # Without joins or GROUP BY, which FOR UPDATE does not allow on PostgreSQL.
        pks = list(
            Pledge.objects.select_for_update()
            .filter(pk__in=list(queryset.values_list("pk", flat=True)))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        pledges = (
            Pledge.objects.filter(pk__in=pks)
            .select_related("pledge_type")
            .prefetch_related(parties_prefetch())
            .annotate(citation_count=Count("citations"))
            .order_by("pk")
        )
        for pledge in pledges:
            if pledge.is_published == published:
                result.unchanged.append(pledge)
                continue
            if published and pledge.citation_count == 0:
                result.without_citation.append(pledge)
                continue
            if published and publish_refusal(pledge, user):
                result.not_reviewed.append(pledge)
                continue
            pledge.is_published = published
            pledge.version += 1
            pledge._history_user = user
            pledge._change_reason = PUBLISHED_REASON if published else UNPUBLISHED_REASON
            pledge.save(update_fields=["is_published", "version", "updated_at"])
            result.changed.append(pledge)
    return result


@dataclass(frozen=True)
class FieldChange:
    """One public field of a pledge, before and after a change, as a reader would read it."""

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class PublicChange:
    """A change to a published pledge, without who made it: only what the public may see."""

    pledge_id: int
    changed_at: datetime
    kind: str  # "published" (it became public) or "changed" (a public pledge was corrected)
    member: str
    pledge_type: str
    status: str
    summary: str
    changes: tuple[FieldChange, ...] = ()

    @property
    def url(self) -> str:
        return reverse("pledges:pledge_detail", args=[self.pledge_id])


# The fields a reader sees, in the order a page shows them; the announcement date and its
# precision are shown as one value.
PUBLIC_FIELDS = (
    ("pledge_type", _("Type of help")),
    ("status", _("Status")),
    ("summary", _("Summary")),
    ("conditions", _("Conditions")),
    ("announced", _("Announced")),
    ("reported", _("First reported")),
    ("quantity", _("Quantity")),
    ("amount", _("Amount")),
    ("note", _("Note")),
)


def public_values(record) -> dict[str, str]:
    """The public fields of one history record of a pledge, as text."""
    status_labels = dict(Pledge._meta.get_field("status").choices)
    quantity = (
        f"{qualified(format_number(record.quantity), record.quantity_qualifier)} {record.quantity_unit}"
        if record.quantity is not None
        else ""
    )
    amount = ""
    if record.amount is not None:
        amount = format_money(record.amount, record.amount_qualifier, record.currency)
    # The tracker's own words in the reader's language: a Ukrainian page lists the changes of the
    # Ukrainian texts, an English page those of the English.
    return {
        "pledge_type": translated(record.pledge_type, "name").text if record.pledge_type else "",
        "status": str(status_labels.get(record.status, record.status)),
        "summary": translated(record, "summary").text,
        "conditions": translated(record, "conditions").text,
        "announced": format_partial_date(record.announced_on, record.announced_precision),
        "reported": format_partial_date(record.reported_on, record.reported_precision),
        "quantity": quantity.strip(),
        "amount": amount.strip(),
        "note": translated(record, "note").text,
    }


def recent_public_changes(limit: int = 50) -> list[PublicChange]:
    """The latest changes to pledges the public can see, newest first, at most `limit`.

    Only history records written while a pledge was published, of pledges published now, are
    read: a draft, and what a pledge said while it was a draft, never shows. The moment a pledge
    became public is a "published" change with no field list (its draft values are not public);
    later saves list the public fields they changed. Saves that changed nothing public are left
    out, so fewer than `limit` may come back. No editor's name is read.

    Two queries whatever the size of the history (one when there is none): the records with the
    key of each one's previous record, then those previous records; both join member and type.
    """
    history = Pledge.history.model
    previous = history.objects.filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")),
        id=OuterRef("id"),
    ).order_by("-history_date", "-history_id")
    records = list(
        history.objects.filter(is_published=True, id__in=Pledge.objects.published().values("pk"))
        .exclude(history_type="-")
        .annotate(previous_id=Subquery(previous.values("history_id")[:1]))
        .select_related("pledge_type")
        .order_by("-history_date", "-history_id")[:limit]
    )
    previous_ids = [record.previous_id for record in records if record.previous_id]
    previous_records = history.objects.filter(history_id__in=previous_ids).select_related("pledge_type")
    parties = {
        pledge.pk: pledge.parties_display
        for pledge in Pledge.objects.filter(pk__in={record.id for record in records}).prefetch_related(
            parties_prefetch()
        )
    }
    before = {record.history_id: record for record in previous_records}

    changes = []
    for record in records:
        new = public_values(record)
        prior = before.get(record.previous_id)
        if prior is None or not prior.is_published:
            kind, diff = "published", ()
        else:
            old = public_values(prior)
            diff = tuple(
                FieldChange(name, label, old[name], new[name])
                for name, label in PUBLIC_FIELDS
                if old[name] != new[name]
            )
            if not diff:
                continue
            kind = "changed"
        changes.append(
            PublicChange(
                pledge_id=record.id,
                changed_at=record.history_date,
                kind=kind,
                member=parties.get(record.id, ""),
                pledge_type=new["pledge_type"],
                status=new["status"],
                summary=translated(record, "summary").text,
                changes=diff,
            )
        )
    return changes


@dataclass(frozen=True)
class PublicDates:
    """When a pledge first became public, and when what the public sees of it last changed."""

    published: datetime
    updated: datetime


def public_dates(pledge_ids) -> dict[int, PublicDates]:
    """Each pledge's public dates, read from its history as `recent_public_changes` reads it.

    `published` is the first record written while it was published; `updated` the latest record that
    published it (again) or changed one of its public fields, so a save that changed only editors'
    fields (a note, a review mark) does not count. A pledge without any published record is left out:
    the caller says what stands in. One query.
    """
    history = Pledge.history.model
    records = (
        history.objects.filter(id__in=list(pledge_ids))
        .exclude(history_type="-")
        .select_related("pledge_type")
        .order_by("id", "history_date", "history_id")
    )
    dates: dict[int, PublicDates] = {}
    previous = None
    for record in records:
        if previous is not None and previous.id != record.id:
            previous = None
        if record.is_published:
            known = dates.get(record.id)
            if known is None:
                dates[record.id] = PublicDates(record.history_date, record.history_date)
            elif not previous.is_published or public_values(previous) != public_values(record):
                dates[record.id] = PublicDates(known.published, record.history_date)
        previous = record
    return dates
