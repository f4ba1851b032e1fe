"""The latest-pledges index of 0011, now declared on the model: SQLite rebuilds a table (and its indexes)
from the model's declared state when a column is added, which dropped an index written by hand.

The state gets the declared index; the database gets, per vendor, the index the query can use: on
PostgreSQL with NULLS LAST (as the query orders), on SQLite as declared (its descending order puts NULLs
last already).
"""

from django.db import migrations, models

NAME = "pledge_published_recent"


def write(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
    nulls_last = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    columns = ", ".join(f"{column} DESC{nulls_last}" for column in ("announced_on", "reported_on"))
    schema_editor.execute(f"CREATE INDEX {NAME} ON pledges_pledge (is_published, {columns}, id DESC)")


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("pledges", "0013_ukrainian_place_and_unit")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="pledge",
                    index=models.Index(
                        fields=["is_published", "-announced_on", "-reported_on", "-id"], name=NAME
                    ),
                )
            ],
            database_operations=[migrations.RunPython(write, drop)],
        )
    ]
