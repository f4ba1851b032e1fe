"""Keeping the tallies (`pledges.models.tallies`) true: each save or delete that can change a count
recounts the members or sources it touches, in the same transaction as the change.

What moves a member's counts: a pledge's status, type or published flag (recount its parties), a party
added, moved or removed. What moves a source's count: a citation added, moved or removed, and the
published flag of the fact it supports. Loading fixtures (`raw` saves) and bulk inserts send no
signal: `load_dataset` and the benchmark's builder call `recount_all()` when they are done, and
`validate_data` reports any difference from a count made afresh.
"""

from collections.abc import Iterable

from django.db import router, transaction
from django.db.models import Count, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from pledges.models import (
    STATUS_RANK,
    Citation,
    HeadlineCount,
    Meeting,
    Member,
    Membership,
    PartyTally,
    Pledge,
    PledgeParty,
    Source,
    SourceTally,
    Status,
)

PUBLISHED_FACT = Q(pledge__is_published=True) | Q(membership__is_published=True)
PUBLISHED_FACT |= Q(meeting__is_published=True) | Q(headline_count__is_published=True)


def member_counts(member_ids: Iterable[int] | None = None) -> list[tuple[int, int, str, int]]:
    """(member, type, status, pledges) counted afresh from the pledges, for `member_ids` or everyone."""
    parties = PledgeParty.objects.filter(pledge__is_published=True)
    if member_ids is not None:
        parties = parties.filter(member_id__in=member_ids)
    return list(
        parties.order_by()
        .values_list("member_id", "pledge__pledge_type_id", "pledge__status")
        .annotate(n=Count("pledge_id"))
    )


def source_counts(source_ids: Iterable[int] | None = None) -> list[tuple[int, int]]:
    """(source, citations of published facts) counted afresh, for `source_ids` or every source."""
    citations = Citation.objects.filter(PUBLISHED_FACT)
    if source_ids is not None:
        citations = citations.filter(source_id__in=source_ids)
    return list(citations.order_by().values_list("source_id").annotate(n=Count("pk")))


def recount_members(member_ids: Iterable[int | None]) -> None:
    ids = sorted({pk for pk in member_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():
        # Two editors saving pledges of one member at once recount one after the other.
        list(Member.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        PartyTally.objects.filter(member_id__in=ids).delete()
        PartyTally.objects.bulk_create(
            PartyTally(member_id=m, pledge_type_id=t, status=s, rank=STATUS_RANK[Status(s)], pledges=n)
            for m, t, s, n in member_counts(ids)
        )


def recount_sources(source_ids: Iterable[int | None]) -> None:
    ids = sorted({pk for pk in source_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():
        list(Source.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        SourceTally.objects.filter(source_id__in=ids).delete()
        SourceTally.objects.bulk_create(SourceTally(source_id=s, citations=n) for s, n in source_counts(ids))


def recount_all() -> None:
    """Every tally counted afresh (after fixtures are loaded or rows inserted in bulk), in the database
    the tallies are written to (a release's own, while it is built: pledges.releases)."""
    with transaction.atomic(using=router.db_for_write(PartyTally)):
        PartyTally.objects.all().delete()
        PartyTally.objects.bulk_create(
            (
                PartyTally(member_id=m, pledge_type_id=t, status=s, rank=STATUS_RANK[Status(s)], pledges=n)
                for m, t, s, n in member_counts()
            ),
            batch_size=2000,
        )
        SourceTally.objects.all().delete()
        SourceTally.objects.bulk_create(
            (SourceTally(source_id=s, citations=n) for s, n in source_counts()), batch_size=2000
        )


def differences() -> list[str]:
    """Where a tally differs from a count made afresh: empty when all is well."""
    stored = {(t.member_id, t.pledge_type_id, t.status): t.pledges for t in PartyTally.objects.all()}
    fresh = {(m, t, s): n for m, t, s, n in member_counts()}
    problems = [
        f"member {key[0]}, type {key[1]}, {key[2]}: the tally says {stored.get(key, 0)}, the pledges {n}"
        for key, n in sorted(fresh.items())
        if stored.get(key) != n
    ]
    problems += [
        f"member {key[0]}, type {key[1]}, {key[2]}: a tally of no pledges"
        for key in stored
        if key not in fresh
    ]
    stored_sources = dict(SourceTally.objects.values_list("source_id", "citations"))
    fresh_sources = dict(source_counts())
    problems += [
        f"source {pk}: the tally says {stored_sources.get(pk, 0)} citations, "
        f"the facts {fresh_sources.get(pk, 0)}"
        for pk in sorted(set(stored_sources) | set(fresh_sources))
        if stored_sources.get(pk) != fresh_sources.get(pk)
    ]
    return problems


# Signal handlers. A fixture load saves rows raw, one model at a time: its recount comes at the end.


def _parties_of(pledge_id) -> list[int]:
    return list(PledgeParty.objects.filter(pledge_id=pledge_id).values_list("member_id", flat=True))


def _sources_of(**fact) -> list[int]:
    return list(Citation.objects.filter(**fact).values_list("source_id", flat=True))


def pledge_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        recount_members(_parties_of(instance.pk))
        recount_sources(_sources_of(pledge_id=instance.pk))


def fact_saved(sender, instance, raw=False, **kwargs):
    """A role, meeting or headline count: published or not, its quotes count for their sources or not."""
    if not raw:
        field = {Membership: "membership_id", Meeting: "meeting_id", HeadlineCount: "headline_count_id"}[
            sender
        ]
        recount_sources(_sources_of(**{field: instance.pk}))


def remember_previous(sender, instance, raw=False, **kwargs):
    """A party moved to another member, or a quote to another source, must be recounted at both."""
    if raw or instance.pk is None:
        return
    field = "member_id" if sender is PledgeParty else "source_id"
    instance._tally_previous = sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first()


def party_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        recount_members([instance.member_id, getattr(instance, "_tally_previous", None)])


def citation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        recount_sources([instance.source_id, getattr(instance, "_tally_previous", None)])


def parties_added_or_removed(sender, instance, action, reverse, pk_set, **kwargs):
    """`pledge.members.add(...)` and friends write the parties in bulk, without their own signals."""
    if action == "pre_clear":
        instance._tally_cleared = (
            [instance.pk] if reverse else list(instance.parties.values_list("member_id", flat=True))
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # member.pledges.add(pledge, ...): the member is the instance
        recount_members([instance.pk])
    elif action == "post_clear":
        recount_members(getattr(instance, "_tally_cleared", []))
    else:
        recount_members(pk_set or [])


def connect() -> None:
    uid = "pledges-tallies"
    post_save.connect(pledge_saved, sender=Pledge, dispatch_uid=f"{uid}-pledge")
    for model in (Membership, Meeting, HeadlineCount):
        post_save.connect(fact_saved, sender=model, dispatch_uid=f"{uid}-{model.__name__}")
        post_delete.connect(fact_saved, sender=model, dispatch_uid=f"{uid}-{model.__name__}-delete")
    for model, handler in ((PledgeParty, party_changed), (Citation, citation_changed)):
        pre_save.connect(remember_previous, sender=model, dispatch_uid=f"{uid}-{model.__name__}-pre")
        post_save.connect(handler, sender=model, dispatch_uid=f"{uid}-{model.__name__}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}-{model.__name__}-delete")
    m2m_changed.connect(parties_added_or_removed, sender=Pledge.members.through, dispatch_uid=f"{uid}-m2m")
