"""Carry every row into the new model: a pledge's member becomes its first party, each role gets a
reference, the coalition itself and Europe get their own kinds, and role citations their new keys."""

import hashlib
import re

from django.db import migrations

# Members the shipped data recorded as plain groups, by what they are.
KINDS = {"coalition-of-the-willing": "coalition", "europe": "bloc"}


def normalise(text):
    return re.sub(r"\s+", " ", text).strip()


def forwards(apps, schema_editor):
    Pledge = apps.get_model("pledges", "Pledge")
    PledgeParty = apps.get_model("pledges", "PledgeParty")
    Membership = apps.get_model("pledges", "Membership")
    Member = apps.get_model("pledges", "Member")
    Citation = apps.get_model("pledges", "Citation")

    PledgeParty.objects.bulk_create(
        PledgeParty(pledge_id=pk, member_id=member_id, position=0)
        for pk, member_id in Pledge.objects.exclude(member=None).values_list("pk", "member_id")
    )
    HistoricalMember = apps.get_model("pledges", "HistoricalMember")
    for model in (Member, HistoricalMember):  # history too, so reverting to an old version stays valid
        for slug, kind in KINDS.items():
            model.objects.filter(slug=slug, kind="group").update(kind=kind)
        model.objects.filter(kind="group").update(kind="unnamed-group")
    slugs = dict(Member.objects.values_list("pk", "slug"))
    HistoricalMembership = apps.get_model("pledges", "HistoricalMembership")
    for record in HistoricalMembership.objects.filter(ref=None):
        record.ref = f"{slugs.get(record.member_id, record.member_id)}-{record.role}"
        record.save(update_fields=["ref"])
    for role in Membership.objects.select_related("member"):
        role.ref = f"{role.member.slug}-{role.role}"
        role.save(update_fields=["ref"])
        # A citation's key names its fact by natural key, which for a role is now its reference.
        for citation in Citation.objects.filter(membership=role).select_related("source"):
            payload = f"{citation.source.slug}|membership:{role.ref}|{normalise(citation.quote)}"
            citation.ref = hashlib.sha256(payload.encode()).hexdigest()[:32]
            citation.save(update_fields=["ref"])


def backwards(apps, schema_editor):
    Pledge = apps.get_model("pledges", "Pledge")
    PledgeParty = apps.get_model("pledges", "PledgeParty")
    Member = apps.get_model("pledges", "Member")
    for party in PledgeParty.objects.filter(position=0):
        Pledge.objects.filter(pk=party.pledge_id).update(member_id=party.member_id)
    HistoricalMember = apps.get_model("pledges", "HistoricalMember")
    for model in (Member, HistoricalMember):
        model.objects.filter(kind__in=["coalition", "bloc", "unnamed-group"]).update(kind="group")


class Migration(migrations.Migration):
    dependencies = [("pledges", "0004_facts_model")]

    operations = [migrations.RunPython(forwards, backwards)]
