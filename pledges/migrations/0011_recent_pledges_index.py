"""An index for "the latest published pledges" (the overview, feeds): newest announced first, then newest
reported, unknown dates last. Without it each such list sorts every published pledge.

The index is written per database, so it is not declared on the model: PostgreSQL needs NULLS LAST in
the index to serve `DESC NULLS LAST`; SQLite puts NULLs last in a descending order already and does not
accept NULLS LAST in an index.
"""

from django.db import migrations

NAME = "pledge_published_recent"


def create(apps, schema_editor):
    nulls_last = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    columns = ", ".join(f"{column} DESC{nulls_last}" for column in ("announced_on", "reported_on"))
    # Not a partial index: SQLite uses one only when the query names the flag as a literal, and the
    # ORM sends it as a parameter; the flag first serves `is_published = true` all the same.
    schema_editor.execute(f"CREATE INDEX {NAME} ON pledges_pledge (is_published, {columns}, id DESC)")


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("pledges", "0010_ukrainian_texts")]

    operations = [migrations.RunPython(create, drop)]
