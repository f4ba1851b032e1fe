from django.db import migrations

# The same expression as pledges.models.PLEDGE_SEARCH_VECTOR compiles to, so PostgreSQL uses the index
# for `q`. SQLite has no full-text index here: search falls back to a simple match there.
SEARCH_EXPRESSION = (
    "to_tsvector('english'::regconfig, COALESCE(summary, '') || ' ' || COALESCE(conditions, '')"
    " || ' ' || COALESCE(note, '') || ' ' || COALESCE(quantity_unit, ''))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS pledge_search ON pledges_pledge USING gin (({SEARCH_EXPRESSION}))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS pledge_search")


class Migration(migrations.Migration):
    dependencies = [("pledges", "0002_facet_indexes")]

    operations = [migrations.RunPython(create_index, drop_index)]
