"""Migrating a database of the old model (one member per pledge, `group` members, roles without refs,
`accessed_on`) to the facts model and back loses nothing."""

import hashlib
from datetime import UTC, date, datetime

import pytest
from django.core.management.color import no_style
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pledges.models import Citation, Membership, citation_ref

BEFORE = [("pledges", "0003_pledge_search_index")]
WHEN = datetime(2025, 9, 5, 12, tzinfo=UTC)


def migrate(targets):
    """Migrate the test database to `targets`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_ref(*parts) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def table_counts(apps, names) -> dict[str, int]:
    return {name: apps.get_model("pledges", name).objects.count() for name in names}


def build_old_data(apps) -> dict:
    """Rows of every kind, made through the models as they were at 0003."""
    Member = apps.get_model("pledges", "Member")
    PledgeType = apps.get_model("pledges", "PledgeType")
    Pledge = apps.get_model("pledges", "Pledge")
    Source = apps.get_model("pledges", "Source")
    Membership = apps.get_model("pledges", "Membership")
    Citation = apps.get_model("pledges", "Citation")
    HistoricalMembership = apps.get_model("pledges", "HistoricalMembership")

    members = {
        "coalition": Member.objects.create(
            slug="coalition-of-the-willing", name="Coalition of the Willing", kind="group"
        ),
        "europe": Member.objects.create(slug="europe", name="Europe", kind="group"),
        "unnamed": Member.objects.create(slug="about-ten", name="About 10 European countries", kind="group"),
        "france": Member.objects.create(slug="france", name="France", kind="country", country="FR"),
    }
    troops = PledgeType.objects.create(slug="troops", name="Troops", order=1)
    source = Source.objects.create(
        slug="paris-article",
        title="Paris article",
        kind="news-article",
        text="France will send troops. Europe will pay. The coalition will guarantee. Ten will patrol.",
        published_on=date(2025, 9, 5),
        accessed_on=date(2025, 9, 6),
    )
    pledges = {
        key: Pledge.objects.create(
            member=member,
            pledge_type=troops,
            ref=f"{member.slug}-troops",
            status="committed",
            summary=f"{member.name} pledges troops.",
            announced_on=date(2025, 9, 4),
            announced_precision="day",
            is_published=True,
        )
        for key, member in members.items()
    }
    for pledge in pledges.values():
        quote = f"{pledge.summary} (quoted)"
        Citation.objects.create(
            source=source,
            pledge=pledge,
            quote=quote,
            ref=old_ref("paris-article", f"pledge:{pledge.ref}", quote),
        )
    roles = {
        "member": Membership.objects.create(member=members["france"], role="coalition-member"),
        "co-chair": Membership.objects.create(member=members["france"], role="co-chair"),
        "coalition-host": Membership.objects.create(member=members["coalition"], role="host"),
    }
    for role in roles.values():
        quote = f"{role.member.name} is {role.role}."
        # The old key named a role by its member and role.
        Citation.objects.create(
            source=source,
            membership=role,
            quote=quote,
            ref=old_ref("paris-article", f"membership:{role.member.slug}/{role.role}", quote),
        )
        HistoricalMembership.objects.create(
            id=role.pk,
            member_id=role.member_id,
            role=role.role,
            since_precision="unknown",
            is_published=True,
            history_date=WHEN,
            history_type="+",
        )
    return {
        "members": {key: member.pk for key, member in members.items()},
        "pledges": {pledge.pk: pledge.member_id for pledge in pledges.values()},
        "pledge_citation_refs": dict(Citation.objects.filter(pledge__isnull=False).values_list("pk", "ref")),
        "role_citation_refs": dict(
            Citation.objects.filter(membership__isnull=False).values_list("pk", "ref")
        ),
        "source": source.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_migrating_to_the_facts_model_and_back_keeps_every_row_and_every_pledges_member():
    target = latest()
    try:
        old = migrate(BEFORE)
        made = build_old_data(old)
        # Every table the old model has, by name, in the old and the new model alike.
        names = sorted(model.__name__ for model in old.get_app_config("pledges").get_models())
        before = table_counts(old, names)

        new = migrate(target)

        assert table_counts(new, names) == before
        PledgeParty = new.get_model("pledges", "PledgeParty")
        parties = list(
            PledgeParty.objects.order_by("pledge_id").values_list("pledge_id", "member_id", "position")
        )
        assert parties == [(pk, member, 0) for pk, member in sorted(made["pledges"].items())]

        Member = new.get_model("pledges", "Member")
        kinds = dict(Member.objects.values_list("pk", "kind"))
        assert {key: kinds[pk] for key, pk in made["members"].items()} == {
            "coalition": "coalition",
            "europe": "bloc",
            "unnamed": "unnamed-group",
            "france": "country",
        }

        roles = dict(new.get_model("pledges", "Membership").objects.values_list("pk", "ref"))
        assert sorted(roles.values()) == [
            "coalition-of-the-willing-host",
            "france-co-chair",
            "france-coalition-member",
        ]
        history = new.get_model("pledges", "HistoricalMembership").objects.values_list("id", "ref")
        assert dict(history) == roles

        # A role citation's key now names the role by its ref; a pledge citation's key is unchanged.
        for citation in Citation.objects.filter(membership__isnull=False).select_related(
            "source", "membership"
        ):
            assert citation.ref == citation_ref(citation.source.slug, citation.membership, citation.quote)
            assert citation.ref != made["role_citation_refs"][citation.pk]
        assert (
            dict(Citation.objects.filter(pledge__isnull=False).values_list("pk", "ref"))
            == (made["pledge_citation_refs"])
        )
        assert Membership.objects.get(ref="france-co-chair").citations.count() == 1

        Source = new.get_model("pledges", "Source")
        assert Source.objects.get(pk=made["source"]).seen_on == date(2025, 9, 6)

        back = migrate(BEFORE)

        assert table_counts(back, names) == before
        Pledge = back.get_model("pledges", "Pledge")
        assert dict(Pledge.objects.values_list("pk", "member_id")) == made["pledges"]
        assert set(back.get_model("pledges", "Member").objects.values_list("kind", flat=True)) == {
            "group",
            "country",
        }
        assert back.get_model("pledges", "Source").objects.get(pk=made["source"]).accessed_on == date(
            2025, 9, 6
        )
    finally:
        restore(target)


def restore(target) -> None:
    """Leave the schema at the latest migration for the tests that follow, even after a failure here:
    the rows this test made are dropped first, so a migration that choked on them cannot choke again."""
    migrate(BEFORE)
    tables = [table for table in connection.introspection.table_names() if table.startswith("pledges_")]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
    migrate(target)
